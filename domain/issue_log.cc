#include "domain/issue_log.h"

#include <algorithm>

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

namespace {

Status CheckOpen(const IssueState& s) {
  ASSURE_TRY(CheckExists(s.exists, IssueAggregate::kKind));
  if (s.status == IssueStatus::kResolved) return RuleViolation("the issue is resolved: reopen it first");
  return {};
}

std::string_view PriorityName(IssuePriority p) { return NameOf(kIssuePriorityNames, p); }

}  // namespace

Result<Events> IssueAggregate::Decide(const State& s, const Command& command, const CommandContext& ctx) {
  return TextChecked(std::visit(
      Overloaded{
          [&](const RaiseIssue& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.title).empty()) return InvalidField("title", "an issue needs a title");
            if (Trim(c.group_id).empty()) return InvalidField("group_id", "an issue belongs to a group's issue log");
            return Events{MakeEvent("IssueRaised", ctx, ctx.new_id,
                                    {{"reference", Trim(c.reference)},
                                     {"title", Trim(c.title)},
                                     {"description", Trim(c.description)},
                                     {"owner_person_id", Trim(c.owner_person_id)},
                                     {"group_id", Trim(c.group_id)},
                                     {"priority", PriorityName(c.priority)},
                                     {"risk_id", Trim(c.risk_id)},
                                     {"deliverable_ids", c.deliverable_ids}})};
          },
          [&](const PrioritiseIssue& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            if (c.priority == s.priority) {
              return RuleViolation("the issue is already of " + std::string(PriorityName(s.priority)) + " priority");
            }
            ASSURE_TRY(RequireReason(c.reason, "change an issue's priority"));
            return Events{MakeEvent("IssuePrioritised", ctx, s.id,
                                    {{"priority", PriorityName(c.priority)},
                                     {"previous_priority", PriorityName(s.priority)}},
                                    Trim(c.reason))};
          },
          [&](const AssignIssue& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            const std::string owner = Trim(c.owner_person_id);
            if (owner.empty()) return InvalidField("owner_person_id", "name the new owner");
            if (owner == s.owner_person_id) return RuleViolation("the issue already has that owner");
            return Events{MakeEvent("IssueAssigned", ctx, s.id,
                                    {{"owner_person_id", owner}, {"previous_owner_person_id", s.owner_person_id}},
                                    Trim(c.reason))};
          },
          [&](const AddIssueAction& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            return DecideAddOwnedAction(kIssueActions, s.actions, s.next_action, c.description, c.owner_person_id,
                                        c.due_date, ctx, s.id);
          },
          [&](const CloseIssueAction& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            return DecideCloseOwnedAction(kIssueActions, s.actions, c.action_id, c.evidence, c.reason, ctx, s.id);
          },
          [&](const ResolveIssue& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s));
            if (Trim(c.resolution).empty()) return InvalidField("resolution", "say how the issue was resolved");
            return Events{MakeEvent("IssueResolved", ctx, s.id, {{"resolution", Trim(c.resolution)}}, Trim(c.reason))};
          },
          [&](const ReopenIssue& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (s.status != IssueStatus::kResolved) return RuleViolation("the issue is open");
            ASSURE_TRY(RequireReason(c.reason, "reopen an issue"));
            return Events{MakeEvent("IssueReopened", ctx, s.id, json::object(), Trim(c.reason))};
          },
      },
      command));
}

void IssueAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "IssueRaised") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.reference = GetStr(d, "reference");
    s.title = GetStr(d, "title");
    s.description = GetStr(d, "description");
    s.owner_person_id = GetStr(d, "owner_person_id");
    s.group_id = GetStr(d, "group_id");
    s.priority = GetEnum(d, "priority", kIssuePriorityNames, IssuePriority::kMedium);
    s.risk_id = GetStr(d, "risk_id");
    s.deliverable_ids = GetStrList(d, "deliverable_ids");
    s.raised_at = GetStr(d, "occurred_at");
  } else if (e.type == "IssuePrioritised") {
    s.priority = GetEnum(d, "priority", kIssuePriorityNames, s.priority);
  } else if (e.type == "IssueAssigned") {
    s.owner_person_id = GetStr(d, "owner_person_id");
  } else if (EvolveOwnedActions(kIssueActions, s.actions, s.next_action, e)) {
    // an action added or closed
  } else if (e.type == "IssueResolved") {
    s.status = IssueStatus::kResolved;
    s.resolution = GetStr(d, "resolution");
    s.status_reason = e.reason;
    s.resolved_at = GetStr(d, "occurred_at");
  } else if (e.type == "IssueReopened") {
    s.status = IssueStatus::kOpen;
    s.status_reason = e.reason;
    s.resolved_at.clear();
  }
}

Result<IssueAggregate::Command> IssueAggregate::ParseCommand(std::string_view name, const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "raise") {
    RaiseIssue c;
    c.reference = r.StrOr("reference");
    c.title = r.Str("title");
    c.description = r.StrOr("description");
    c.owner_person_id = r.StrOr("owner_person_id");
    c.group_id = r.Str("group_id");
    c.priority = r.Enum("priority", kIssuePriorityNames);
    c.risk_id = r.StrOr("risk_id");
    c.deliverable_ids = r.StrList("deliverable_ids");
    command = std::move(c);
  } else if (name == "prioritise") {
    command = PrioritiseIssue{r.Enum("priority", kIssuePriorityNames), r.StrOr("reason")};
  } else if (name == "assign") {
    command = AssignIssue{r.Str("owner_person_id"), r.StrOr("reason")};
  } else if (name == "add-action") {
    command = AddIssueAction{r.Str("description"), r.StrOr("owner_person_id"), r.OptDate("due_date").value_or("")};
  } else if (name == "close-action") {
    command = CloseIssueAction{r.Str("action_id"), r.StrOr("evidence"), r.StrOr("reason")};
  } else if (name == "resolve") {
    command = ResolveIssue{r.StrOr("resolution"), r.StrOr("reason")};
  } else if (name == "reopen") {
    command = ReopenIssue{r.StrOr("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json IssueAggregate::ToJson(const State& s) {
  return json{{"id", s.id},
              {"reference", s.reference},
              {"title", s.title},
              {"description", s.description},
              {"owner_person_id", s.owner_person_id},
              {"group_id", s.group_id},
              {"priority", PriorityName(s.priority)},
              {"risk_id", s.risk_id},
              {"deliverable_ids", s.deliverable_ids},
              {"status", NameOf(kIssueStatusNames, s.status)},
              {"resolution", s.resolution},
              {"status_reason", s.status_reason},
              {"raised_at", s.raised_at},
              {"resolved_at", s.resolved_at},
              {"actions", OwnedActionsJson(kIssueActions, s.actions)}};
}

}  // namespace assure::domain
