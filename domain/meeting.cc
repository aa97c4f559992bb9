// MeetingAggregate::Decide, Evolve and ToJson.
#include "domain/meeting.h"

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

const MeetingAction* MeetingState::FindAction(std::string_view action_id) const {
  for (const auto& a : actions) {
    if (a.action_id == action_id) return &a;
  }
  return nullptr;
}

namespace {

Status RequireStatus(const MeetingState& s, MeetingStatus wanted, std::string_view what) {
  if (s.status != wanted) {
    return RuleViolation("the meeting is " + std::string(NameOf(kMeetingStatusNames, s.status)) +
                         "; " + std::string(what) + " only when it is " +
                         std::string(NameOf(kMeetingStatusNames, wanted)));
  }
  return {};
}

Result<MeetingAction> OpenAction(const MeetingState& s, const std::string& action_id) {
  if (s.status != MeetingStatus::kOpen && s.status != MeetingStatus::kClosed) {
    return RuleViolation("actions belong to a meeting that has been held");
  }
  const MeetingAction* a = s.FindAction(action_id);
  if (a == nullptr) return InvalidField("action_id", "no action '" + action_id + "' in this meeting");
  if (!a->open) return RuleViolation("action " + action_id + " is already closed");
  return *a;
}

json LinksToJson(const std::vector<DecisionLink>& links) {
  json out = json::array();
  for (const auto& l : links) {
    out.push_back({{"kind", NameOf(kDecisionLinkKindNames, l.kind)},
                   {"id", l.id},
                   {"version_id", l.version_id}});
  }
  return out;
}

std::vector<DecisionLink> LinksFromJson(const json& array) {
  std::vector<DecisionLink> out;
  if (!array.is_array()) return out;
  for (const auto& l : array) {
    out.push_back(DecisionLink{
        GetEnum(l, "kind", kDecisionLinkKindNames, DecisionLinkKind::kDeliverable),
        GetStr(l, "id"), GetStr(l, "version_id")});
  }
  return out;
}

}  // namespace

Result<Events> MeetingAggregate::Decide(const State& s, const Command& command,
                                        const CommandContext& ctx) {
  if (!std::holds_alternative<ScheduleMeeting>(command)) ASSURE_TRY(CheckExists(s.exists, kKind));
  return TextChecked(std::visit(
      Overloaded{
          [&](const ScheduleMeeting& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.group_id).empty()) return InvalidField("group_id", "name the group that meets");
            if (Trim(c.title).empty()) return InvalidField("title", "a meeting needs a title");
            if (!IsIsoDateOrDateTime(c.scheduled_for)) {
              return InvalidField("scheduled_for", "write YYYY-MM-DD or YYYY-MM-DDTHH:MM");
            }
            return Events{MakeEvent("MeetingScheduled", ctx, ctx.new_id,
                                    {{"group_id", Trim(c.group_id)},
                                     {"title", Trim(c.title)},
                                     {"scheduled_for", c.scheduled_for},
                                     {"location", Trim(c.location)}})};
          },
          [&](const OpenMeeting&) -> Result<Events> {
            ASSURE_TRY(RequireStatus(s, MeetingStatus::kScheduled, "it can be opened"));
            return Events{MakeEvent("MeetingOpened", ctx, s.id, json::object())};
          },
          [&](const CancelMeeting& c) -> Result<Events> {
            ASSURE_TRY(RequireStatus(s, MeetingStatus::kScheduled, "it can be cancelled"));
            ASSURE_TRY(RequireReason(c.reason, "cancel a meeting"));
            return Events{MakeEvent("MeetingCancelled", ctx, s.id, json::object(), Trim(c.reason))};
          },
          [&](const RecordAttendance& c) -> Result<Events> {
            if (s.status != MeetingStatus::kScheduled && s.status != MeetingStatus::kOpen) {
              return RuleViolation("attendance is recorded before or during the meeting, not after");
            }
            const std::string person = Trim(c.person_id);
            if (person.empty()) return InvalidField("person_id", "name the person");
            auto it = s.attendance.find(person);
            if (it != s.attendance.end() && it->second.attendance == c.attendance &&
                it->second.organisation_id == Trim(c.organisation_id)) {
              return RuleViolation("this attendance is already recorded");
            }
            return Events{MakeEvent("MeetingAttendanceRecorded", ctx, s.id,
                                    {{"person_id", person},
                                     {"attendance", NameOf(kAttendanceNames, c.attendance)},
                                     {"organisation_id", Trim(c.organisation_id)}})};
          },
          [&](const RecordDecision& c) -> Result<Events> {
            ASSURE_TRY(RequireStatus(s, MeetingStatus::kOpen, "decisions are recorded"));
            if (Trim(c.text).empty()) return InvalidField("text", "the decision is empty");
            for (const auto& l : c.links) {
              if (Trim(l.id).empty() ||
                  (l.kind == DecisionLinkKind::kDocumentVersion && Trim(l.version_id).empty())) {
                return InvalidField("links", "each link needs an id (and a version_id for a document version)");
              }
            }
            return Events{MakeEvent("MeetingDecisionRecorded", ctx, s.id,
                                    {{"decision_id", "d" + std::to_string(s.decisions.size() + 1)},
                                     {"text", Trim(c.text)},
                                     {"links", LinksToJson(c.links)}})};
          },
          [&](const RaiseAction& c) -> Result<Events> {
            ASSURE_TRY(RequireStatus(s, MeetingStatus::kOpen, "actions are raised"));
            if (Trim(c.text).empty()) return InvalidField("text", "the action is empty");
            if (Trim(c.owner_person_id).empty()) return InvalidField("owner_person_id", "name the owner");
            if (!ParseIsoDate(c.due_date)) return InvalidField("due_date", "must be a date written YYYY-MM-DD");
            return Events{MakeEvent("MeetingActionRaised", ctx, s.id,
                                    {{"action_id", "a" + std::to_string(s.actions.size() + 1)},
                                     {"text", Trim(c.text)},
                                     {"owner_person_id", Trim(c.owner_person_id)},
                                     {"due_date", c.due_date}})};
          },
          [&](const UpdateAction& c) -> Result<Events> {
            auto a = OpenAction(s, c.action_id);
            if (!a) return a.error();
            json data = {{"action_id", c.action_id}};
            if (c.text && Trim(*c.text).empty()) return InvalidField("text", "the action is empty");
            if (c.due_date && !ParseIsoDate(*c.due_date)) {
              return InvalidField("due_date", "must be a date written YYYY-MM-DD");
            }
            if (c.text && Trim(*c.text) != a->text) data["text"] = Trim(*c.text);
            if (c.owner_person_id && Trim(*c.owner_person_id) != a->owner_person_id) {
              if (Trim(*c.owner_person_id).empty()) return InvalidField("owner_person_id", "name the owner");
              data["owner_person_id"] = Trim(*c.owner_person_id);
            }
            if (c.due_date && *c.due_date != a->due_date) data["due_date"] = *c.due_date;
            if (!Trim(c.note).empty()) data["note"] = Trim(c.note);
            if (data.size() == 1) return RuleViolation("nothing to change on action " + c.action_id);
            return Events{MakeEvent("MeetingActionUpdated", ctx, s.id, std::move(data))};
          },
          [&](const CloseAction& c) -> Result<Events> {
            auto a = OpenAction(s, c.action_id);
            if (!a) return a.error();
            if (Trim(c.closure_evidence).empty()) {
              return InvalidField("closure_evidence", "say what shows the action is done");
            }
            return Events{MakeEvent("MeetingActionClosed", ctx, s.id,
                                    {{"action_id", c.action_id},
                                     {"closure_evidence", Trim(c.closure_evidence)}})};
          },
          [&](const CloseMeeting& c) -> Result<Events> {
            ASSURE_TRY(RequireStatus(s, MeetingStatus::kOpen, "it can be closed"));
            std::vector<std::string> present;
            for (const auto& [person, record] : s.attendance) {
              if (record.attendance == Attendance::kPresent) present.push_back(person);
            }
            const auto outcome = read::ComputeQuorum(c.quorum_rule, c.members, present);
            json members = json::array();
            for (const auto& m : c.members) {
              members.push_back({{"person_id", m.person_id}, {"role", NameOf(kMemberRoleNames, m.role)}});
            }
            return Events{MakeEvent("MeetingClosed", ctx, s.id,
                                    {{"quorum_rule", QuorumRuleToJson(c.quorum_rule)},
                                     {"members", std::move(members)},
                                     {"quorum", read::QuorumOutcomeToJson(outcome)}})};
          },
      },
      command));
}

void MeetingAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  auto action = [&]() -> MeetingAction* {
    const std::string id = GetStr(d, "action_id");
    for (auto& a : s.actions) {
      if (a.action_id == id) return &a;
    }
    return nullptr;
  };
  if (e.type == "MeetingScheduled") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.group_id = GetStr(d, "group_id");
    s.title = GetStr(d, "title");
    s.scheduled_for = GetStr(d, "scheduled_for");
    s.location = GetStr(d, "location");
  } else if (e.type == "MeetingOpened") {
    s.status = MeetingStatus::kOpen;
  } else if (e.type == "MeetingCancelled") {
    s.status = MeetingStatus::kCancelled;
  } else if (e.type == "MeetingAttendanceRecorded") {
    s.attendance[GetStr(d, "person_id")] =
        AttendanceRecord{GetEnum(d, "attendance", kAttendanceNames, Attendance::kPresent),
                         GetStr(d, "organisation_id")};
  } else if (e.type == "MeetingDecisionRecorded") {
    s.decisions.push_back(MeetingDecision{GetStr(d, "decision_id"), GetStr(d, "text"),
                                          LinksFromJson(GetMember(d, "links"))});
  } else if (e.type == "MeetingActionRaised") {
    MeetingAction a;
    a.action_id = GetStr(d, "action_id");
    a.text = GetStr(d, "text");
    a.owner_person_id = GetStr(d, "owner_person_id");
    a.due_date = GetStr(d, "due_date");
    s.actions.push_back(std::move(a));
  } else if (e.type == "MeetingActionUpdated") {
    if (auto* a = action()) {
      if (auto v = GetOptStr(d, "text")) a->text = *v;
      if (auto v = GetOptStr(d, "owner_person_id")) a->owner_person_id = *v;
      if (auto v = GetOptStr(d, "due_date")) a->due_date = *v;
      if (auto v = GetOptStr(d, "note")) a->notes.push_back(*v);
    }
  } else if (e.type == "MeetingActionClosed") {
    if (auto* a = action()) {
      a->open = false;
      a->closure_evidence = GetStr(d, "closure_evidence");
    }
  } else if (e.type == "MeetingClosed") {
    s.status = MeetingStatus::kClosed;
    s.quorum = read::QuorumOutcomeFromJson(GetMember(d, "quorum"));
  }
}

json MeetingAggregate::ToJson(const State& s) {
  json attendance = json::array();
  for (const auto& [person, r] : s.attendance) {
    attendance.push_back({{"person_id", person},
                          {"attendance", NameOf(kAttendanceNames, r.attendance)},
                          {"organisation_id", r.organisation_id}});
  }
  json decisions = json::array();
  for (const auto& dcs : s.decisions) {
    decisions.push_back({{"decision_id", dcs.decision_id}, {"text", dcs.text}, {"links", LinksToJson(dcs.links)}});
  }
  json actions = json::array();
  for (const auto& a : s.actions) {
    actions.push_back({{"action_id", a.action_id},
                       {"text", a.text},
                       {"owner_person_id", a.owner_person_id},
                       {"due_date", a.due_date},
                       {"status", a.open ? "open" : "closed"},
                       {"closure_evidence", a.closure_evidence},
                       {"notes", a.notes}});
  }
  return json{{"id", s.id},
              {"group_id", s.group_id},
              {"title", s.title},
              {"scheduled_for", s.scheduled_for},
              {"location", s.location},
              {"status", NameOf(kMeetingStatusNames, s.status)},
              {"attendance", std::move(attendance)},
              {"decisions", std::move(decisions)},
              {"actions", std::move(actions)},
              {"quorum", s.quorum ? read::QuorumOutcomeToJson(*s.quorum) : json(nullptr)}};
}

}  // namespace assure::domain
