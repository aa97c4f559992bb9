#include "api/queries/queries.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "domain/calendar.h"
#include "domain/read/membership_at.h"
#include "domain/read/overdue.h"

namespace assure::api {

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Days since 1970-01-01 of a strict YYYY-MM-DD date.
std::optional<long> DayNumber(const std::string& d) {
  auto date = domain::ParseIsoDate(d);
  if (!date) return std::nullopt;
  return static_cast<long>(domain::DaysFromCivil(*date));
}

std::string GroupOfDeliverable(const NetworkModel& m, const domain::DeliverableState& d) {
  const auto* p = m.programmes.Find(d.programme_id);
  return p ? p->group_id : std::string();
}

}  // namespace

std::optional<long> DaysBetween(const std::string& a, const std::string& b) {
  auto x = DayNumber(a), y = DayNumber(b);
  if (!x || !y) return std::nullopt;
  return *y - *x;
}

std::vector<nlohmann::json> ListDeliverables(const NetworkModel& m, const DeliverableFilter& f) {
  std::vector<nlohmann::json> out;
  const std::string owner = f.owner ? Lower(*f.owner) : std::string();
  m.deliverables.ForEach([&](const std::string&, const domain::DeliverableState& d) {
    if (f.programme_id && d.programme_id != *f.programme_id) return;
    const std::string group = GroupOfDeliverable(m, d);
    if (f.group_id && group != *f.group_id) return;
    if (f.ragb) {
      std::string_view r = d.ragb ? domain::NameOf(domain::kRagbNames, *d.ragb) : "none";
      if (r != *f.ragb) return;
    }
    if (f.status && domain::NameOf(domain::kDeliverableStatusNames, d.status) != *f.status) return;
    if (f.owner && Lower(d.owner).find(owner) == std::string::npos) return;
    if (f.qsin_code && std::find(d.mm_qsin.codes.begin(), d.mm_qsin.codes.end(), *f.qsin_code) ==
                           d.mm_qsin.codes.end()) {
      return;
    }
    bool overdue = domain::read::IsOverdue(d.planned_end, d.status, f.today);
    if (f.overdue_only && !overdue) return;
    nlohmann::json row = domain::DeliverableAggregate::ToJson(d);
    row["group_id"] = group.empty() ? nlohmann::json(nullptr) : nlohmann::json(group);
    row["overdue"] = overdue;
    out.push_back(std::move(row));
  });
  return out;
}

std::vector<nlohmann::json> ListDocumentsForReview(const NetworkModel& m, const std::string& today,
                                                   int within_days) {
  std::vector<std::pair<long, nlohmann::json>> rows;
  m.documents.ForEach([&](const std::string&, const domain::ControlledDocumentState& d) {
    if (d.withdrawn) return;
    const auto* v = d.InForce();
    if (!v || v->review_date.empty()) return;
    auto days = DaysBetween(today, v->review_date);
    if (!days || *days > within_days) return;
    nlohmann::json row = domain::ControlledDocumentAggregate::ToJson(d);
    row["review_date"] = v->review_date;
    row["days_to_review"] = *days;
    row["review_state"] = *days < 0 ? "overdue" : "due";
    rows.emplace_back(*days, std::move(row));
  });
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<nlohmann::json> out;
  for (auto& r : rows) out.push_back(std::move(r.second));
  return out;
}

std::vector<nlohmann::json> ListOpenActions(const NetworkModel& m,
                                            const std::optional<std::string>& owner_person_id,
                                            const std::optional<std::string>& due_before,
                                            const std::string& today) {
  std::vector<nlohmann::json> out;
  m.meetings.ForEach([&](const std::string& id, const domain::MeetingState& meeting) {
    for (const auto& a : meeting.actions) {
      if (!a.open) continue;
      if (owner_person_id && a.owner_person_id != *owner_person_id) continue;
      if (due_before && !(a.due_date < *due_before)) continue;
      auto days = DaysBetween(today, a.due_date);
      out.push_back({{"meeting_id", id},
                     {"group_id", meeting.group_id},
                     {"action_id", a.action_id},
                     {"text", a.text},
                     {"owner_person_id", a.owner_person_id},
                     {"due_date", a.due_date},
                     {"notes", a.notes},
                     {"overdue", days && *days < 0}});
    }
  });
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a["due_date"].template get<std::string>() < b["due_date"].template get<std::string>();
  });
  return out;
}

Result<std::vector<nlohmann::json>> GroupMembersOn(const NetworkModel& m,
                                                   const std::string& group_id,
                                                   const std::string& date) {
  const auto* g = m.groups.Find(group_id);
  if (!g) return MakeError(ErrorCode::kNotFound, "no group '" + group_id + "'", "id");
  if (!DayNumber(date)) {
    return MakeError(ErrorCode::kInvalidArgument, "the date must be YYYY-MM-DD", "date");
  }
  std::vector<nlohmann::json> out;
  for (const auto& ms : g->memberships) {
    if (!domain::read::HeldOn(ms.start_date, ms.end_date, date)) continue;
    const auto* person = m.people.Find(ms.person_id);
    out.push_back({{"membership_id", ms.membership_id},
                   {"person_id", ms.person_id},
                   {"person", person ? domain::PersonAggregate::ToJson(*person) : nullptr},
                   {"role", domain::NameOf(domain::kMemberRoleNames, ms.role)},
                   {"organisation_id", ms.organisation_id},
                   {"start_date", ms.start_date},
                   {"end_date", ms.end_date ? nlohmann::json(*ms.end_date) : nullptr}});
  }
  return out;
}

std::vector<nlohmann::json> AttendanceOf(const NetworkModel& m, const std::string& person_id) {
  std::vector<nlohmann::json> out;
  m.meetings.ForEach([&](const std::string& id, const domain::MeetingState& meeting) {
    auto it = meeting.attendance.find(person_id);
    if (it == meeting.attendance.end()) return;
    out.push_back({{"meeting_id", id},
                   {"group_id", meeting.group_id},
                   {"title", meeting.title},
                   {"scheduled_for", meeting.scheduled_for},
                   {"attendance", domain::NameOf(domain::kAttendanceNames, it->second.attendance)}});
  });
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a["scheduled_for"].template get<std::string>() <
           b["scheduled_for"].template get<std::string>();
  });
  return out;
}

nlohmann::json QsinCoverage(const NetworkModel& m, const std::vector<std::string>& codes) {
  std::vector<std::string> catalogue = codes;
  if (catalogue.empty()) {
    m.qsin.ForEach([&](const std::string&, const domain::QsinStatementState& s) {
      catalogue.push_back(s.code);
    });
  }
  const bool everything = codes.empty();
  struct Evidence {
    std::set<std::string> deliverables, documents, decisions;
  };
  std::map<std::string, Evidence> by_code;
  for (const auto& code : catalogue) by_code[code];
  std::map<std::string, std::set<std::string>> codes_of_deliverable, codes_of_document;
  m.deliverables.ForEach([&](const std::string& id, const domain::DeliverableState& d) {
    for (const auto& c : d.mm_qsin.codes) {
      by_code[c].deliverables.insert(id);
      codes_of_deliverable[id].insert(c);
    }
  });
  m.documents.ForEach([&](const std::string& id, const domain::ControlledDocumentState& d) {
    for (const auto& c : d.qsin_codes) {
      by_code[c].documents.insert(id);
      codes_of_document[id].insert(c);
    }
  });
  m.meetings.ForEach([&](const std::string& id, const domain::MeetingState& meeting) {
    for (const auto& dec : meeting.decisions) {
      for (const auto& link : dec.links) {
        const auto& codes = link.kind == domain::DecisionLinkKind::kDeliverable
                                ? codes_of_deliverable[link.id]
                                : codes_of_document[link.id];
        for (const auto& c : codes) by_code[c].decisions.insert(id + "/" + dec.decision_id);
      }
    }
  });
  nlohmann::json statements = nlohmann::json::array();
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& [code, ev] : by_code) {
    if (!everything && std::find(catalogue.begin(), catalogue.end(), code) == catalogue.end()) {
      continue;
    }
    std::size_t total = ev.deliverables.size() + ev.documents.size() + ev.decisions.size();
    const auto* statement = m.qsin.Find(code);
    nlohmann::json assessment = nullptr;
    if (statement && !statement->assessments.empty()) {
      const auto& a = statement->assessments.back();
      assessment = {{"assessment_id", a.assessment_id},
                    {"outcome", domain::NameOf(domain::kAssessmentOutcomeNames, a.outcome)},
                    {"comment", a.comment},
                    {"assessor_person_id", a.assessor_person_id},
                    {"assessed_on", a.assessed_on}};
    }
    statements.push_back({{"code", code},
                          {"title", statement ? nlohmann::json(statement->title) : nullptr},
                          {"section", statement ? nlohmann::json(statement->section) : nullptr},
                          {"self_assessment", std::move(assessment)},
                          {"deliverables", ev.deliverables},
                          {"documents", ev.documents},
                          {"decisions", ev.decisions},
                          {"counts",
                           {{"deliverables", ev.deliverables.size()},
                            {"documents", ev.documents.size()},
                            {"decisions", ev.decisions.size()}}},
                          {"has_evidence", total > 0}});
    if (total == 0) gaps.push_back(code);
  }
  return {{"statements", std::move(statements)}, {"gaps", std::move(gaps)}};
}

}  // namespace assure::api
