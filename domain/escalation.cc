#include "domain/escalation.h"

#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/ragb.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

namespace {

std::string_view StatusName(EscalationStatus s) { return NameOf(kEscalationStatusNames, s); }

// "<meeting id>/<decision id>": both parts non-empty, one slash.
bool IsDecisionRef(const std::string& ref) {
  const auto slash = ref.find('/');
  return slash != std::string::npos && slash > 0 && slash + 1 < ref.size() && ref.find('/', slash + 1) == std::string::npos;
}

Status CheckDecision(const std::string& ref, const char* field, bool required, const char* what) {
  if (ref.empty()) {
    if (required) return InvalidField(field, std::string(what) + " needs the receiving board's decision");
    return {};
  }
  if (!IsDecisionRef(ref)) return InvalidField(field, "must be \"<meeting id>/<decision id>\"");
  return {};
}

Status CheckFinal(const EscalationState& s) {
  ASSURE_TRY(CheckExists(s.exists, EscalationAggregate::kKind));
  if (s.status == EscalationStatus::kReturned) {
    return RuleViolation("the escalation was returned: it is final (escalate the subject again if need be)");
  }
  if (s.status == EscalationStatus::kClosed) return RuleViolation("the escalation is closed: it is final");
  return {};
}

}  // namespace

std::string_view EscalationOutcome(const EscalationState& s) {
  if (s.status == EscalationStatus::kAccepted && s.subject_kind == EscalationSubjectKind::kDecision) return "endorsed";
  return StatusName(s.status);
}

Result<Events> EscalationAggregate::Decide(const State& s, const Command& command, const CommandContext& ctx) {
  return TextChecked(std::visit(
      Overloaded{
          [&](const RaiseEscalation& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            const std::string subject = Trim(c.subject_id), from = Trim(c.from_group_id), to = Trim(c.to_group_id);
            if (subject.empty()) return InvalidField("subject_id", "name what is escalated");
            if (c.subject_kind == EscalationSubjectKind::kDecision && !IsDecisionRef(subject)) {
              return InvalidField("subject_id", "a recommendation is the decision \"<meeting id>/<decision id>\"");
            }
            if (Trim(c.subject_title).empty()) return InvalidField("subject_title", "name the subject in words");
            if (from.empty()) return InvalidField("from_group_id", "name the group escalating");
            if (to.empty()) return InvalidField("to_group_id", "name the group above");
            if (from == to) return InvalidField("to_group_id", "an escalation goes to another group (the one above)");
            ASSURE_TRY(RequireReason(c.reason, "escalate"));
            const std::string rating = Trim(c.rating);
            if (c.subject_kind == EscalationSubjectKind::kDeliverable && !rating.empty() &&
                !ValueOf(kRagbNames, rating)) {
              return InvalidField("rating", "a deliverable's rating is one of: " + NamesList(kRagbNames));
            }
            const std::string previous = Trim(c.previous_escalation_id);
            if (!previous.empty() && previous == ctx.new_id) {
              return InvalidField("previous_escalation_id", "an escalation cannot follow itself");
            }
            return Events{MakeEvent("EscalationRaised", ctx, ctx.new_id,
                                    {{"subject_kind", NameOf(kEscalationSubjectKindNames, c.subject_kind)},
                                     {"subject_id", subject},
                                     {"subject_title", Trim(c.subject_title)},
                                     {"from_group_id", from},
                                     {"to_group_id", to},
                                     {"rating", rating},
                                     {"previous_escalation_id", previous}},
                                    Trim(c.reason))};
          },
          [&](const AcceptEscalation& c) -> Result<Events> {
            ASSURE_TRY(CheckFinal(s));
            if (s.status != EscalationStatus::kPending) return RuleViolation("the escalation is already accepted");
            const std::string decision = Trim(c.decision);
            ASSURE_TRY(CheckDecision(decision, "decision", true, "accepting"));
            return Events{MakeEvent("EscalationAccepted", ctx, s.id, {{"decision", decision}, {"note", Trim(c.note)}})};
          },
          [&](const ReturnEscalation& c) -> Result<Events> {
            ASSURE_TRY(CheckFinal(s));
            if (s.status != EscalationStatus::kPending) {
              return RuleViolation("the escalation is accepted: close it instead of returning it");
            }
            ASSURE_TRY(RequireReason(c.reason, "return an escalation"));
            const std::string decision = Trim(c.decision);
            ASSURE_TRY(CheckDecision(decision, "decision", false, "returning"));
            return Events{MakeEvent("EscalationReturned", ctx, s.id, {{"decision", decision}}, Trim(c.reason))};
          },
          [&](const CloseEscalation& c) -> Result<Events> {
            ASSURE_TRY(CheckFinal(s));
            const std::string decision = Trim(c.decision);
            ASSURE_TRY(CheckDecision(decision, "decision", true, "closing"));
            ASSURE_TRY(RequireReason(c.reason, "close an escalation"));
            return Events{MakeEvent("EscalationClosed", ctx, s.id,
                                    {{"decision", decision}, {"previous_status", StatusName(s.status)}},
                                    Trim(c.reason))};
          },
      },
      command));
}

void EscalationAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "EscalationRaised") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.subject_kind = GetEnum(d, "subject_kind", kEscalationSubjectKindNames, EscalationSubjectKind::kRisk);
    s.subject_id = GetStr(d, "subject_id");
    s.subject_title = GetStr(d, "subject_title");
    s.from_group_id = GetStr(d, "from_group_id");
    s.to_group_id = GetStr(d, "to_group_id");
    s.rating = GetStr(d, "rating");
    s.previous_escalation_id = GetStr(d, "previous_escalation_id");
    s.reason = e.reason;
    s.raised_at = GetStr(d, "occurred_at");
  } else if (e.type == "EscalationAccepted") {
    s.status = EscalationStatus::kAccepted;
    s.accepted_decision = GetStr(d, "decision");
    s.note = GetStr(d, "note");
    s.decided_at = GetStr(d, "occurred_at");
  } else if (e.type == "EscalationReturned") {
    s.status = EscalationStatus::kReturned;
    s.returned_decision = GetStr(d, "decision");
    s.returned_reason = e.reason;
    s.decided_at = GetStr(d, "occurred_at");
  } else if (e.type == "EscalationClosed") {
    s.status = EscalationStatus::kClosed;
    s.closed_decision = GetStr(d, "decision");
    s.closed_reason = e.reason;
    s.decided_at = GetStr(d, "occurred_at");
  }
}

Result<EscalationAggregate::Command> EscalationAggregate::ParseCommand(std::string_view name, const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "raise") {
    RaiseEscalation c;
    c.subject_kind = r.Enum("subject_kind", kEscalationSubjectKindNames);
    c.subject_id = r.Str("subject_id");
    c.subject_title = r.Str("subject_title");
    c.from_group_id = r.Str("from_group_id");
    c.to_group_id = r.Str("to_group_id");
    c.reason = r.StrOr("reason");
    c.rating = r.StrOr("rating");
    c.previous_escalation_id = r.StrOr("previous_escalation_id");
    command = std::move(c);
  } else if (name == "accept") {
    command = AcceptEscalation{r.StrOr("decision"), r.StrOr("note")};
  } else if (name == "return") {
    command = ReturnEscalation{r.StrOr("reason"), r.StrOr("decision")};
  } else if (name == "close") {
    command = CloseEscalation{r.StrOr("decision"), r.StrOr("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json EscalationAggregate::ToJson(const State& s) {
  return json{{"id", s.id},
              {"subject_kind", NameOf(kEscalationSubjectKindNames, s.subject_kind)},
              {"subject_id", s.subject_id},
              {"subject_title", s.subject_title},
              {"from_group_id", s.from_group_id},
              {"to_group_id", s.to_group_id},
              {"reason", s.reason},
              {"rating", s.rating},
              {"previous_escalation_id", s.previous_escalation_id},
              {"raised_at", s.raised_at},
              {"status", StatusName(s.status)},
              {"outcome", EscalationOutcome(s)},
              {"accepted_decision", s.accepted_decision},
              {"note", s.note},
              {"returned_decision", s.returned_decision},
              {"returned_reason", s.returned_reason},
              {"closed_decision", s.closed_decision},
              {"closed_reason", s.closed_reason},
              {"decided_at", s.decided_at}};
}

}  // namespace assure::domain
