// The Operational Board's registers as REST collections (issue 22): risks
// (and, as they are added, issues and escalations). Who may write each, the
// group a write belongs to (for group-scoped tokens), and the references a
// command's body must make to existing entities.
#include "api/rest/kind_support.h"
#include "api/rest/route_groups.h"
#include "domain/mm_qsin_reference.h"

namespace assure::api::rest {

namespace {

using domain::GetStr;

// Each of `field` (a list) is a QSIN statement code: IN- and three digits.
Status QsinCodes(const nlohmann::json& body, const char* field) {
  const nlohmann::json& list = domain::GetMember(body, field);
  if (!list.is_array()) return {};
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_string() && !domain::IsQsinCode(list[i].get_ref<const std::string&>())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + list[i].get<std::string>() + "' is not a QSIN statement code (IN- and three digits, e.g. IN-601)",
                       std::string(field) + "[" + std::to_string(i) + "]");
    }
  }
  return {};
}

// A person's name as reads show it, beside the id (erased people read as
// erased): "<key without _person_id>_name".
void NamePerson(const NetworkModel& m, nlohmann::json& j, const char* id_key, const char* name_key) {
  if (!j.contains(id_key) || !j[id_key].is_string()) return;
  const std::string& id = j[id_key].get_ref<const std::string&>();
  if (id.empty()) return;
  j[name_key] = ActorNameIn(m, "person-" + id);
}

// The group a subject of an escalation sits in, its name in words and (for
// a deliverable) its rating; kInvalidArgument naming subject_id when there
// is no such subject.
struct Subject {
  std::string group_id;
  std::string title;
  std::string rating;
};
Result<Subject> SubjectOf(const NetworkModel& m, const std::string& kind, const std::string& id) {
  auto none = [&] {
    return MakeError(ErrorCode::kInvalidArgument, "no " + kind + " '" + id + "'", "subject_id");
  };
  if (kind == "risk") {
    auto r = m.risks.Find(id);
    if (!r) return none();
    const std::string ref = r->description.reference;
    const int score = r->current.Value();
    return Subject{r->description.group_id, (ref.empty() ? "" : ref + " ") + r->description.title,
                   std::to_string(r->current.likelihood) + " x " + std::to_string(r->current.impact) + " = " +
                       std::to_string(score) + " (" + std::string(domain::RiskGrade(score)) + ")"};
  }
  if (kind == "issue") {
    auto i = m.issues.Find(id);
    if (!i) return none();
    return Subject{i->group_id, (i->reference.empty() ? "" : i->reference + " ") + i->title,
                   std::string(domain::NameOf(domain::kIssuePriorityNames, i->priority)) + " priority"};
  }
  if (kind == "deliverable") {
    auto d = m.deliverables.Find(id);
    if (!d) return none();
    auto p = m.programmes.Find(d->programme_id);
    return Subject{p ? p->group_id : "", EntityNameIn(m, "deliverable", id),
                   d->ragb ? std::string(domain::NameOf(domain::kRagbNames, *d->ragb)) : ""};
  }
  if (kind == "decision") {
    auto meeting = MeetingDecisionExists(m, id, "subject_id");
    if (!meeting.ok()) return meeting.error();
    return Subject{(*meeting)->group_id, "recommendation of " + EntityNameIn(m, "meeting", id.substr(0, id.rfind('/'))), ""};
  }
  return Subject{};  // the codec refuses an unknown kind
}

// The group an escalation is raised from: the one given, else the board
// that accepted the hop below (previous_escalation_id), else the subject's.
// "" when none can be told (the raise is then refused).
std::string FromGroupOf(const NetworkModel& m, const nlohmann::json& body) {
  std::string from = GetStr(body, "from_group_id");
  if (!from.empty()) return from;
  if (auto below = m.escalations.Find(GetStr(body, "previous_escalation_id"))) return below->to_group_id;
  auto subject = SubjectOf(m, GetStr(body, "subject_kind"), GetStr(body, "subject_id"));
  return subject.ok() ? subject->group_id : std::string();
}

// Before an escalation is raised: the subject exists and sits in the group
// it is escalated from (or, for a hop further up, the hop below was accepted
// by that group); the board it goes to is that group's parent: escalation
// goes up the hierarchy one step at a time. Fills what the server knows:
// from_group_id, to_group_id, subject_title and rating when not given.
Status CheckEscalationRaise(const NetworkModel& m, nlohmann::json& body) {
  const std::string kind = GetStr(body, "subject_kind");
  const std::string subject_id = GetStr(body, "subject_id");
  if (kind.empty() || subject_id.empty()) return {};  // the codec names what is missing
  auto subject = SubjectOf(m, kind, subject_id);
  if (!subject.ok()) return subject.error();
  const std::string from = FromGroupOf(m, body);
  const std::string previous = GetStr(body, "previous_escalation_id");
  if (!previous.empty()) {
    auto below = m.escalations.Find(previous);
    if (!below) return MakeError(ErrorCode::kInvalidArgument, "no escalation '" + previous + "'", "previous_escalation_id");
    if (below->subject_id != subject_id || domain::NameOf(domain::kEscalationSubjectKindNames, below->subject_kind) != kind) {
      return MakeError(ErrorCode::kInvalidArgument, "the escalation below is of another subject", "previous_escalation_id");
    }
    if (below->status != domain::EscalationStatus::kAccepted) {
      return MakeError(ErrorCode::kRuleViolation,
                       "the escalation below is " + std::string(domain::EscalationOutcome(*below)) +
                           ": only an accepted escalation goes further up",
                       "previous_escalation_id");
    }
    if (from != below->to_group_id) {
      return MakeError(ErrorCode::kInvalidArgument, "a hop further up starts where the one below was accepted",
                       "from_group_id");
    }
  } else {
    if (from != subject->group_id) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the " + kind + " is on " + EntityNameIn(m, "group", subject->group_id) +
                           "'s register, not " + EntityNameIn(m, "group", from) + "'s",
                       "from_group_id");
    }
  }
  auto group = m.groups.Find(from);
  if (!group) return MakeError(ErrorCode::kInvalidArgument, "no group '" + from + "'", "from_group_id");
  if (group->parent_group_id.empty()) {
    return MakeError(ErrorCode::kRuleViolation, group->name + " has no group above it to escalate to", "to_group_id");
  }
  std::string to = GetStr(body, "to_group_id");
  if (to.empty()) to = group->parent_group_id;
  if (to != group->parent_group_id) {
    return MakeError(ErrorCode::kRuleViolation,
                     "escalation goes one step up the hierarchy: " + group->name + " escalates to " +
                         EntityNameIn(m, "group", group->parent_group_id),
                     "to_group_id");
  }
  // One pending escalation of a subject to a board at a time.
  std::string pending;
  m.escalations.ForEach([&](const std::string& id, const domain::EscalationState& e) {
    if (e.status == domain::EscalationStatus::kPending && e.subject_id == subject_id && e.to_group_id == to) pending = id;
  });
  if (!pending.empty()) {
    return MakeError(ErrorCode::kRuleViolation,
                     "already escalated to " + EntityNameIn(m, "group", to) + " and awaiting its decision (escalation " +
                         pending + ")",
                     "subject_id");
  }
  body["from_group_id"] = from;
  body["to_group_id"] = to;
  if (GetStr(body, "subject_title").empty()) body["subject_title"] = subject->title;
  if (GetStr(body, "rating").empty() && kind != "decision") body["rating"] = subject->rating;
  return {};
}

// An escalation's decision is one recorded at a meeting of the receiving board.
Status DecisionOfBoard(const NetworkModel& m, const std::string& escalation_id, const nlohmann::json& body) {
  const std::string ref = GetStr(body, "decision");
  auto e = m.escalations.Find(escalation_id);
  if (ref.empty() || !e) return {};  // Decide names what is missing
  auto meeting = MeetingDecisionExists(m, ref, "decision");
  if (!meeting.ok()) return meeting.error();
  if ((*meeting)->group_id != e->to_group_id) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the decision was made at a meeting of " + EntityNameIn(m, "group", (*meeting)->group_id) +
                         ", not of " + EntityNameIn(m, "group", e->to_group_id) + ", the board it was escalated to",
                     "decision");
  }
  return {};
}

}  // namespace

Status RegisterRegisterKinds(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  using P = auth::Permission;

  // A risk is on its group's register; editors (programme managers) keep it.
  auto risks = Spec<domain::RiskAggregate>("risks", "risk", "raise", P::kEditProgrammeContent,
                                           [](const NetworkModel& m) -> const auto& { return m.risks; });
  risks->group_of = [](const NetworkModel& m, const std::string& id,
                       const nlohmann::json& body) -> std::optional<std::string> {
    if (auto r = m.risks.Find(id)) return r->description.group_id;
    std::string g = GetStr(body, "group_id");
    return g.empty() ? std::nullopt : std::optional<std::string>(g);
  };
  risks->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                     nlohmann::json& body) -> Status {
    if (command == "raise") ASSURE_TRY(Refers(m.groups, body, "group_id", "group"));
    if (command == "raise" || command == "edit") {
      ASSURE_TRY(RefersAll(m.deliverables, body, "deliverable_ids", "deliverable"));
      ASSURE_TRY(QsinCodes(body, "qsin_codes"));
    }
    return Refers(m.people, body, "owner_person_id", "person");
  };
  risks->name_people = [](const NetworkModel& m, const domain::RiskState&, nlohmann::json& j) {
    NamePerson(m, j, "owner_person_id", "owner_name");
    if (auto g = m.groups.Find(j.value("group_id", std::string()))) j["group_name"] = g->name;
    if (j.contains("controls") && j["controls"].is_array()) {
      for (auto& c : j["controls"]) NamePerson(m, c, "owner_person_id", "owner_name");
    }
  };
  RegisterEntityRoutes(add, deps, risks);
  // The issue log: kept like the risk register.
  auto issues = Spec<domain::IssueAggregate>("issues", "issue", "raise", P::kEditProgrammeContent,
                                             [](const NetworkModel& m) -> const auto& { return m.issues; });
  issues->group_of = [](const NetworkModel& m, const std::string& id,
                        const nlohmann::json& body) -> std::optional<std::string> {
    if (auto i = m.issues.Find(id)) return i->group_id;
    std::string g = GetStr(body, "group_id");
    return g.empty() ? std::nullopt : std::optional<std::string>(g);
  };
  issues->enrich = [](const NetworkModel& m, const std::string&, const std::string& command,
                      nlohmann::json& body) -> Status {
    if (command == "raise") {
      ASSURE_TRY(Refers(m.groups, body, "group_id", "group"));
      ASSURE_TRY(Refers(m.risks, body, "risk_id", "risk"));
      ASSURE_TRY(RefersAll(m.deliverables, body, "deliverable_ids", "deliverable"));
    }
    return Refers(m.people, body, "owner_person_id", "person");
  };
  issues->name_people = [](const NetworkModel& m, const domain::IssueState&, nlohmann::json& j) {
    NamePerson(m, j, "owner_person_id", "owner_name");
    if (auto g = m.groups.Find(j.value("group_id", std::string()))) j["group_name"] = g->name;
    if (j.contains("actions") && j["actions"].is_array()) {
      for (auto& a : j["actions"]) NamePerson(m, a, "owner_person_id", "owner_name");
    }
  };
  RegisterEntityRoutes(add, deps, issues);

  // Escalations: raised by the group below (its editors), decided by a
  // meeting of the board above (its secretary records the decision and
  // accepts, returns or closes the escalation by it).
  auto escalations = Spec<domain::EscalationAggregate>(
      "escalations", "escalation", "raise", P::kEditProgrammeContent,
      [](const NetworkModel& m) -> const auto& { return m.escalations; });
  escalations->command_write = {{"accept", P::kRunMeeting}, {"return", P::kRunMeeting}, {"close", P::kRunMeeting}};
  escalations->group_of = [](const NetworkModel& m, const std::string& id,
                             const nlohmann::json& body) -> std::optional<std::string> {
    if (auto e = m.escalations.Find(id)) return e->to_group_id;
    const std::string g = FromGroupOf(m, body);  // raising
    return g.empty() ? std::nullopt : std::optional<std::string>(g);
  };
  escalations->enrich = [](const NetworkModel& m, const std::string& id, const std::string& command,
                           nlohmann::json& body) -> Status {
    if (command == "raise") return CheckEscalationRaise(m, body);
    return DecisionOfBoard(m, id, body);
  };
  escalations->name_people = [](const NetworkModel& m, const domain::EscalationState& e, nlohmann::json& j) {
    j["from_group_name"] = EntityNameIn(m, "group", e.from_group_id);
    j["to_group_name"] = EntityNameIn(m, "group", e.to_group_id);
  };
  RegisterEntityRoutes(add, deps, escalations);
  return add.status();
}

}  // namespace assure::api::rest
