#include "api/queries/queries.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "api/queries/deliverable_owner.h"
#include "api/queries/first_keys.h"
#include "api/queries/slim_rows.h"
#include "domain/ascii.h"
#include "domain/calendar.h"
#include "domain/read/membership_at.h"
#include "domain/read/overdue.h"

namespace assure::api {

namespace {

// Days since 1970-01-01 of a strict YYYY-MM-DD date.
std::optional<long> DayNumber(const std::string& d) {
  auto date = domain::ParseIsoDate(d);
  if (!date) return std::nullopt;
  return static_cast<long>(domain::DaysFromCivil(*date));
}

std::string GroupOfDeliverable(const NetworkModel& m, const domain::DeliverableState& d) {
  auto p = m.programmes.Find(d.programme_id);
  return p ? p->group_id : std::string();
}

}  // namespace

std::optional<long> DaysBetween(const std::string& a, const std::string& b) {
  auto x = DayNumber(a), y = DayNumber(b);
  if (!x || !y) return std::nullopt;
  return *y - *x;
}

namespace {

// "programme" order: each programme's rank, and where each listed
// deliverable stands (programme rank, position in its list).
struct DeliverableProgrammeOrder {
  std::map<std::string, std::size_t> rank;
  std::map<std::string, std::pair<std::size_t, std::size_t>> place;

  // Unlisted deliverables go after their own programme's listed ones.
  std::pair<std::size_t, std::size_t> Of(const domain::DeliverableState& d) const {
    if (auto at = place.find(d.id); at != place.end()) return at->second;
    const auto r = rank.find(d.programme_id);
    return {r == rank.end() ? rank.size() : r->second, static_cast<std::size_t>(-1)};
  }
};

DeliverableProgrammeOrder ProgrammeOrderOf(const NetworkModel& m) {
  struct Ranked {
    std::string group, year, title, id;
    const domain::WorkProgrammeState* p;
  };
  std::vector<Ranked> programmes;
  m.programmes.ForEach([&](const std::string& id, const domain::WorkProgrammeState& p) {
    auto g = m.groups.Find(p.group_id);
    programmes.push_back({domain::AsciiLower(g ? g->name : std::string()), p.year, domain::AsciiLower(p.title), id, &p});
  });
  std::sort(programmes.begin(), programmes.end(), [](const Ranked& a, const Ranked& b) {
    return std::tie(a.group, a.year, a.title, a.id) < std::tie(b.group, b.year, b.title, b.id);
  });
  DeliverableProgrammeOrder out;
  for (std::size_t rank = 0; rank < programmes.size(); ++rank) {
    out.rank[programmes[rank].id] = rank;
    const auto& ids = programmes[rank].p->deliverable_ids;
    for (std::size_t k = 0; k < ids.size(); ++k) out.place.try_emplace(ids[k], rank, k);
  }
  return out;
}

// The value a row sorts by for `key`; `missing` rows go last either way.
struct DeliverableSortValue {
  bool missing = false;
  std::string text;
  std::size_t rank = 0;
};

// The owner sorts by the name its row shows (a linked owner's name).
DeliverableSortValue DeliverableSortValueOf(const NetworkModel& m, const domain::DeliverableState& d,
                                            std::string_view key) {
  auto date = [](const domain::SeedDate& s) {
    return s.date ? DeliverableSortValue{false, *s.date, 0} : DeliverableSortValue{true, {}, 0};
  };
  if (key == "reference") return {d.reference.empty(), domain::AsciiLower(d.reference), 0};
  if (key == "title") return {false, domain::AsciiLower(d.title), 0};
  if (key == "owner") {
    const std::string owner = OwnerOf(m, d);
    return {owner.empty(), domain::AsciiLower(owner), 0};
  }
  if (key == "date_initiated") return date(d.date_initiated);
  if (key == "planned_end") return date(d.planned_end);
  if (key == "date_completed") return date(d.date_completed);
  if (key == "ragb") return {!d.ragb, {}, d.ragb ? static_cast<std::size_t>(*d.ragb) : 0};
  if (key == "status") return {false, {}, static_cast<std::size_t>(d.status)};
  if (key == "id") return {false, d.id, 0};
  return {};
}

bool QsinCodeIs(const std::vector<std::string>& codes, const std::string& wanted) {
  const std::string w = domain::AsciiLower(wanted);
  return std::any_of(codes.begin(), codes.end(), [&](const std::string& c) { return domain::AsciiLower(c) == w; });
}

}  // namespace

Result<ListPage> ListDeliverables(const NetworkModel& m, const DeliverableFilter& f, std::size_t offset,
                                  std::size_t limit) {
  std::string_view key = f.sort.empty() ? std::string_view("programme") : std::string_view(f.sort);
  const bool descending = !key.empty() && key.front() == '-';
  if (descending) key.remove_prefix(1);
  if (std::find(std::begin(kDeliverableSortKeys), std::end(kDeliverableSortKeys), key) ==
      std::end(kDeliverableSortKeys)) {
    std::string keys;
    for (std::string_view k : kDeliverableSortKeys) keys += (keys.empty() ? "" : ", ") + std::string(k);
    return MakeError(ErrorCode::kInvalidArgument,
                     "sort '" + f.sort + "' is not one of " + keys +
                         " (put - in front for descending, e.g. -planned_end)",
                     "sort");
  }
  if (f.programme_id && !m.programmes.Find(*f.programme_id)) {
    return MakeError(ErrorCode::kNotFound, "no work programme '" + *f.programme_id + "'",
                     "programme_id");
  }
  if (f.group_id && !m.groups.Find(*f.group_id)) {
    return MakeError(ErrorCode::kNotFound, "no group '" + *f.group_id + "'", "group_id");
  }
  // What a matching deliverable sorts by; only the page's rows are rendered.
  struct Hit {
    std::pair<std::size_t, std::size_t> place;
    const domain::DeliverableState* d;
    DeliverableSortValue value;  // for a key other than "programme"
  };
  const DeliverableProgrammeOrder order = ProgrammeOrderOf(m);
  std::vector<Hit> hits;
  const std::string owner = f.owner ? domain::AsciiLower(*f.owner) : std::string();
  m.deliverables.ForEach([&](const std::string&, const domain::DeliverableState& d) {
    if (f.programme_id && d.programme_id != *f.programme_id) return;
    const std::string group = GroupOfDeliverable(m, d);
    if (f.group_id && group != *f.group_id) return;
    if (f.ragb) {
      std::string_view r = d.ragb ? domain::NameOf(domain::kRagbNames, *d.ragb) : "none";
      if (r != *f.ragb) return;
    }
    if (f.status && domain::NameOf(domain::kDeliverableStatusNames, d.status) != *f.status) return;
    if (f.owner && domain::AsciiLower(OwnerOf(m, d)).find(owner) == std::string::npos) return;
    if (f.qsin_code && !QsinCodeIs(d.mm_qsin.codes, *f.qsin_code)) return;
    if (f.overdue_only && !domain::read::IsOverdue(d.planned_end, d.status, f.today)) return;
    if (f.completed_by) {
      if (d.status != domain::DeliverableStatus::kCompleted) return;
      const auto end = domain::PeriodEnd(d.date_completed);
      if (!end || *end > *f.completed_by) return;
    }
    hits.push_back({order.Of(d), &d, key == "programme" ? DeliverableSortValue{} : DeliverableSortValueOf(m, d, key)});
  });
  // Programme order first (the id breaks ties among unlisted ones: ForEach
  // visits by id and the sort is stable), then the key asked for.
  std::stable_sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    return descending && key == "programme" ? b.place < a.place : a.place < b.place;
  });
  if (key != "programme") {
    std::stable_sort(hits.begin(), hits.end(), [&](const Hit& x, const Hit& y) {
      const DeliverableSortValue& a = x.value;
      const DeliverableSortValue& b = y.value;
      if (a.missing != b.missing) return b.missing;
      if (a.missing) return false;
      const auto ka = std::tie(a.rank, a.text);
      const auto kb = std::tie(b.rank, b.text);
      return descending ? kb < ka : ka < kb;
    });
  }
  ListPage out;
  out.total = hits.size();
  for (std::size_t i = offset; i < hits.size() && i - offset < limit; ++i) {
    const domain::DeliverableState& d = *hits[i].d;
    nlohmann::json row = domain::DeliverableAggregate::ToJson(d);
    ShowOwner(m, d, row);
    const std::string group = GroupOfDeliverable(m, d);
    row["group_id"] = group.empty() ? nlohmann::json(nullptr) : nlohmann::json(group);
    row["overdue"] = domain::read::IsOverdue(d.planned_end, d.status, f.today);
    out.items.push_back(std::move(row));
  }
  return out;
}

Result<ListPage> ListDocumentsForReview(const NetworkModel& m, const std::string& today, int within_days,
                                        std::size_t offset, std::size_t limit) {
  struct Key {
    long days;
    std::string id;
    std::string review_date;
    bool operator<(const Key& o) const { return std::tie(days, id) < std::tie(o.days, o.id); }
  };
  FirstKeys<Key> first(offset, limit);
  m.documents.ForEachRow([&](const std::string& id, const EntityTable<domain::ControlledDocumentAggregate>::Row& r) {
    const domain::ControlledDocumentState& d = r.state;  // a slim row keeps what the filter reads
    if (d.withdrawn) return;
    const auto* v = d.InForce();
    if (!v || v->review_date.empty()) return;
    auto days = DaysBetween(today, v->review_date);
    if (!days || *days > within_days) return;
    first.Offer(Key{*days, id, v->review_date});
  });
  ListPage page;
  page.total = first.offered();
  for (const Key& key : std::move(first).Page()) {
    // The model does not change under a read; a cold row that failed to
    // read is counted and left out.
    auto r = m.documents.FindRow(key.id);
    if (!r) continue;
    nlohmann::json row;
    ASSURE_TRY(WithFullState<domain::ControlledDocumentAggregate>(
        m, key.id, *r, [&](const domain::ControlledDocumentState& whole) {
          row = domain::ControlledDocumentAggregate::ToJson(whole);
        }));
    row["review_date"] = key.review_date;
    row["days_to_review"] = key.days;
    row["review_state"] = key.days < 0 ? "overdue" : "due";
    page.items.push_back(std::move(row));
  }
  return page;
}

nlohmann::json MeetingRowJson(const NetworkModel& m, std::string_view meeting_id, const domain::MeetingState& meeting) {
  return {{"meeting_id", meeting_id},
          {"meeting", MeetingName(meeting)},
          {"group_id", meeting.group_id},
          {"group_name", EntityNameIn(m, "group", meeting.group_id)}};
}

ListPage ListOpenActions(const NetworkModel& m, const std::optional<std::string>& owner_person_id,
                         const std::optional<std::string>& due_before, const std::string& today, std::size_t offset,
                         std::size_t limit) {
  // An open action's place in the order; `index` is its place among the
  // meeting's open actions (ForEachOpenAction: whole or slim alike).
  struct Key {
    std::string due_date;
    std::string meeting_id;
    std::size_t index = 0;
    bool operator<(const Key& o) const {
      return std::tie(due_date, meeting_id, index) < std::tie(o.due_date, o.meeting_id, o.index);
    }
  };
  FirstKeys<Key> first(offset, limit);
  m.meetings.ForEachRow([&](const std::string& id, const MeetingRow& row) {
    std::size_t i = 0;
    ForEachOpenAction(row, [&](const domain::MeetingAction& a) {
      const std::size_t index = i++;
      if (owner_person_id && a.owner_person_id != *owner_person_id) return;
      if (due_before && !(a.due_date < *due_before)) return;
      first.Offer(Key{a.due_date, id, index});
    });
  });
  ListPage page;
  page.total = first.offered();
  // Each of the page's meetings looked up once (a cold one is read and
  // decoded from the store); the model does not change under a read, so it
  // reads as the scan read it (one that failed to read is counted and left
  // out).
  const std::vector<Key> keys = std::move(first).Page();
  std::map<std::string_view, EntityTable<domain::MeetingAggregate>::RowRef> rows;  // views into `keys`
  for (const Key& key : keys) {
    auto [at, added] = rows.try_emplace(key.meeting_id);
    if (added) at->second = m.meetings.FindRow(key.meeting_id);
    const auto& row = at->second;
    if (!row) continue;
    std::optional<domain::MeetingAction> found;
    std::size_t i = 0;
    ForEachOpenAction(*row, [&](const domain::MeetingAction& a) {
      if (i++ == key.index) found = a;
    });
    if (!found) continue;
    const domain::MeetingState& meeting = row->state;
    const domain::MeetingAction& a = *found;
    auto days = DaysBetween(today, a.due_date);
    nlohmann::json item = MeetingRowJson(m, key.meeting_id, meeting);
    item["action_id"] = a.action_id;
    item["text"] = a.text;
    item["owner_person_id"] = a.owner_person_id;
    item["owner"] = a.owner_person_id.empty() ? std::string() : EntityNameIn(m, "person", a.owner_person_id);
    item["due_date"] = a.due_date;
    item["notes"] = a.notes;
    item["overdue"] = days && *days < 0;
    page.items.push_back(std::move(item));
  }
  return page;
}

Result<std::vector<nlohmann::json>> GroupMembersOn(const NetworkModel& m,
                                                   const std::string& group_id,
                                                   const std::string& date) {
  auto g = m.groups.Find(group_id);
  if (!g) return MakeError(ErrorCode::kNotFound, "no group '" + group_id + "'", "id");
  if (!DayNumber(date)) {
    return MakeError(ErrorCode::kInvalidArgument, "the date must be YYYY-MM-DD", "date");
  }
  std::vector<nlohmann::json> out;
  for (const auto& ms : g->memberships) {
    if (!domain::read::HeldOn(ms.start_date, ms.end_date, date)) continue;
    auto person = m.people.Find(ms.person_id);
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

ListPage AttendanceOf(const NetworkModel& m, const std::string& person_id, std::size_t offset, std::size_t limit) {
  struct Key {
    std::string scheduled_for;
    std::string meeting_id;
    domain::Attendance attendance;
    bool operator<(const Key& o) const {
      return std::tie(scheduled_for, meeting_id) < std::tie(o.scheduled_for, o.meeting_id);
    }
  };
  FirstKeys<Key> first(offset, limit);
  m.meetings.ForEachRow([&](const std::string& id, const MeetingRow& row) {
    std::optional<domain::Attendance> attended;
    ForEachAttendance(row, [&](std::string_view person, domain::Attendance a) {
      if (person == person_id) attended = a;
    });
    if (attended) first.Offer(Key{row.state.scheduled_for, id, *attended});
  });
  ListPage page;
  page.total = first.offered();
  for (const Key& key : std::move(first).Page()) {
    auto row = m.meetings.FindRow(key.meeting_id);  // as above: one that failed to read is left out
    if (!row) continue;
    const domain::MeetingState& meeting = row->state;
    nlohmann::json item = MeetingRowJson(m, key.meeting_id, meeting);
    item["title"] = meeting.title;
    item["scheduled_for"] = meeting.scheduled_for;
    item["attendance"] = domain::NameOf(domain::kAttendanceNames, key.attendance);
    page.items.push_back(std::move(item));
  }
  return page;
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
  m.meetings.ForEachRow([&](const std::string& id, const MeetingRow& row) {
    ForEachDecision(row, [&](std::string_view decision_id, const std::vector<domain::DecisionLink>& links) {
      for (const auto& link : links) {
        const bool deliverable = link.kind == domain::DecisionLinkKind::kDeliverable;
        const bool document = link.kind == domain::DecisionLinkKind::kDocument ||
                              link.kind == domain::DecisionLinkKind::kDocumentVersion;
        if (!deliverable && !document) continue;  // a risk, issue or escalation
        const auto& table = deliverable ? codes_of_deliverable : codes_of_document;
        const auto found = table.find(link.id);
        if (found == table.end()) continue;
        for (const auto& c : found->second) by_code[c].decisions.insert(id + "/" + std::string(decision_id));
      }
    });
  });
  nlohmann::json statements = nlohmann::json::array();
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& [code, ev] : by_code) {
    if (!everything && std::find(catalogue.begin(), catalogue.end(), code) == catalogue.end()) {
      continue;
    }
    std::size_t total = ev.deliverables.size() + ev.documents.size() + ev.decisions.size();
    auto statement = m.qsin.Find(code);
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
