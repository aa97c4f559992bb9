// EscalationAggregate::Describe (see domain/change.h): each change in words.
#include "domain/aggregate.h"
#include "domain/escalation.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

static_assert(Aggregate<EscalationAggregate>);

namespace {

// "Risk 'Radiologist vacancies'", "Deliverable 'Gov-01 Framework' (red)",
// "Recommendation 'Adopt the policy'".
std::string SubjectWords(const nlohmann::json& d) {
  const std::string kind = GetStr(d, "subject_kind");
  std::string out = kind == "decision" ? "Recommendation" : Words(kind);
  out += " '" + Excerpt(GetStr(d, "subject_title")) + "'";
  if (!GetStr(d, "rating").empty()) out += " (" + GetStr(d, "rating") + ")";
  return out;
}

// " by decision 2 of <the Operational Board meeting of 20 Feb 2024>" (the
// meeting named by a read), "" without a decision.
std::string ByDecision(Change& c, const std::string& decision) {
  const auto slash = decision.rfind('/');
  if (slash == std::string::npos) return decision.empty() ? "" : " by decision " + decision;
  std::string item = decision.substr(slash + 1);
  if (item.size() > 1 && item[0] == 'd') item = item.substr(1);
  return " by decision " + item + " of " + Named(c, "meeting", decision.substr(0, slash));
}

}  // namespace

Change EscalationAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  const std::string before(NameOf(kEscalationStatusNames, s.status));
  if (e.type == "EscalationRaised") {
    DataFields(c, d, {{"subject_kind", nullptr}, {"subject_id", s.subject_id}, {"from_group_id", s.from_group_id},
                      {"to_group_id", s.to_group_id}});
    const bool recommendation = GetStr(d, "subject_kind") == "decision";
    const std::string from = Named(c, "group", GetStr(d, "from_group_id"));
    const std::string to = Named(c, "group", GetStr(d, "to_group_id"));
    c.summary = SubjectWords(d) + (recommendation ? " recommended by " : " escalated from ") + from + " to " + to;
    if (!e.reason.empty()) c.summary += ": " + Excerpt(e.reason);
  } else if (e.type == "EscalationAccepted") {
    AddChange(c, "status", before, "accepted");
    const bool recommendation = s.subject_kind == EscalationSubjectKind::kDecision;
    c.summary = std::string(recommendation ? "Endorsed" : "Accepted") + ByDecision(c, GetStr(d, "decision"));
    if (!GetStr(d, "note").empty()) c.summary += ": " + Excerpt(GetStr(d, "note"));
  } else if (e.type == "EscalationReturned") {
    AddChange(c, "status", before, "returned");
    c.summary = "Returned to " + Named(c, "group", s.from_group_id) + ByDecision(c, GetStr(d, "decision")) + ": " +
                Excerpt(e.reason);
  } else if (e.type == "EscalationClosed") {
    AddChange(c, "status", before, "closed");
    c.summary = "Closed" + ByDecision(c, GetStr(d, "decision")) + ": " + Excerpt(e.reason);
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
