#include "api/queries/risk_register.h"

#include <algorithm>

#include "api/core/aggregate_loader.h"
#include "domain/ascii.h"

namespace assure::api {

namespace {

using nlohmann::json;
using domain::RiskAggregate;
using domain::RiskState;
using domain::RiskStatus;

json ScoreJson(const domain::RiskScore& s) {
  return {{"likelihood", s.likelihood}, {"impact", s.impact}, {"score", s.Value()},
          {"grade", domain::RiskGrade(s.Value())}};
}

std::string OwnerName(const NetworkModel& m, const std::string& person_id) {
  return person_id.empty() ? std::string() : ActorNameIn(m, "person-" + person_id);
}

// A review date (a business date) passed on `today`; a closed risk is not
// reviewed any more.
bool ReviewOverdue(const RiskState& r, const std::string& today) {
  return r.status != RiskStatus::kClosed && !r.review_date.empty() && r.review_date < today;
}

bool Keeps(const RiskState& r, const RiskFilter& f) {
  if (f.status) {
    if (*f.status != "all" && domain::NameOf(domain::kRiskStatusNames, r.status) != *f.status) return false;
  } else if (r.status == RiskStatus::kClosed) {
    return false;
  }
  if (f.group_id && r.description.group_id != *f.group_id) return false;
  if (f.owner_person_id && r.description.owner_person_id != *f.owner_person_id) return false;
  if (f.qsin_code) {
    const std::string wanted = domain::AsciiLower(*f.qsin_code);
    if (std::none_of(r.description.qsin_codes.begin(), r.description.qsin_codes.end(),
                     [&](const std::string& c) { return domain::AsciiLower(c) == wanted; })) {
      return false;
    }
  }
  if (r.current.Value() < f.min_score) return false;
  if (f.past_review_only && !ReviewOverdue(r, f.today)) return false;
  return true;
}

// The closing of `meeting` (its MeetingClosed event's position), or 0.
Result<std::uint64_t> ClosedAt(storage::EventStore& store, const std::string& meeting_id) {
  const std::string stream = domain::StreamId(domain::MeetingAggregate::kKind, meeting_id);
  for (std::uint64_t from = UINT64_MAX;;) {
    auto page = store.ReadStream(stream, from, storage::Direction::kBackwards, 100);
    if (!page.ok()) return page.error();
    for (const auto& e : *page) {
      if (e.type == "MeetingClosed") return e.position;
    }
    if (page->size() < 100 || page->back().stream_version == 0) return 0;
    from = page->back().stream_version - 1;
  }
}

}  // namespace

Result<json> RiskRegister(const NetworkModel& m, const RiskFilter& f) {
  if (f.status && *f.status != "all" && !domain::ValueOf(domain::kRiskStatusNames, *f.status)) {
    return MakeError(ErrorCode::kInvalidArgument, "status is open, tolerated, closed or all", "status");
  }
  if (f.min_score < 0 || f.min_score > 25) {
    return MakeError(ErrorCode::kInvalidArgument, "min_score is 0 to 25 (likelihood x impact)", "min_score");
  }
  if (f.group_id && !m.groups.Find(*f.group_id)) {
    return MakeError(ErrorCode::kNotFound, "no group '" + *f.group_id + "'", "group_id");
  }
  std::vector<const RiskState*> kept;
  m.risks.ForEach([&](const std::string&, const RiskState& r) {
    if (r.exists && Keeps(r, f)) kept.push_back(&r);
  });
  std::sort(kept.begin(), kept.end(), [](const RiskState* a, const RiskState* b) {
    if (a->current.Value() != b->current.Value()) return a->current.Value() > b->current.Value();
    if (a->description.reference != b->description.reference) return a->description.reference < b->description.reference;
    return a->id < b->id;
  });
  int counts[6][6] = {};
  json rows = json::array();
  for (const RiskState* r : kept) {
    json j = RiskAggregate::ToJson(*r);
    auto g = m.groups.Find(r->description.group_id);
    j["group_name"] = g ? g->name : r->description.group_id;
    j["owner_name"] = OwnerName(m, r->description.owner_person_id);
    j["review_overdue"] = ReviewOverdue(*r, f.today);
    j["open_controls"] = std::count_if(r->controls.begin(), r->controls.end(),
                                       [](const domain::RiskControl& c) { return !c.closed; });
    ++counts[r->current.likelihood][r->current.impact];
    rows.push_back(std::move(j));
  }
  json cells = json::array();
  for (int likelihood = 5; likelihood >= 1; --likelihood) {
    for (int impact = 1; impact <= 5; ++impact) {
      cells.push_back({{"likelihood", likelihood},
                       {"impact", impact},
                       {"score", likelihood * impact},
                       {"grade", domain::RiskGrade(likelihood * impact)},
                       {"count", counts[likelihood][impact]}});
    }
  }
  const std::size_t total = rows.size();
  return json{{"risks", std::move(rows)},
              {"count", total},
              {"heat_map", {{"cells", std::move(cells)}, {"total", total}}}};
}

Result<json> RiskMovement(const NetworkModel& m, storage::EventStore& store, const std::string& group_id,
                          const std::optional<std::string>& meeting_id) {
  auto group = m.groups.Find(group_id);
  if (!group) return MakeError(ErrorCode::kNotFound, "no group '" + group_id + "'", "group_id");
  // The meeting: the one named, else the group's latest closed one.
  EntityTable<domain::MeetingAggregate>::StateRef since;
  std::string since_id;
  if (meeting_id) {
    since = m.meetings.Find(*meeting_id);
    if (!since) return MakeError(ErrorCode::kNotFound, "no meeting '" + *meeting_id + "'", "meeting_id");
    if (since->group_id != group_id) {
      return MakeError(ErrorCode::kInvalidArgument, "the meeting is not one of " + group->name + "'s", "meeting_id");
    }
    if (since->status != domain::MeetingStatus::kClosed) {
      return MakeError(ErrorCode::kInvalidArgument, "the meeting has not closed", "meeting_id");
    }
    since_id = *meeting_id;
  } else {
    m.meetings.ForEach([&](const std::string& id, const domain::MeetingState& mt) {
      if (mt.group_id != group_id || mt.status != domain::MeetingStatus::kClosed) return;
      if (!since || mt.scheduled_for > since->scheduled_for) {
        since = std::make_shared<const domain::MeetingState>(mt);  // a cold row lives for the call only
        since_id = id;
      }
    });
  }
  std::uint64_t position = 0;
  json since_json = nullptr;
  if (since) {
    auto closed = ClosedAt(store, since_id);
    if (!closed.ok()) return closed.error();
    position = std::min<std::uint64_t>(*closed, m.position);
    since_json = {{"meeting_id", since_id}, {"title", since->title}, {"scheduled_for", since->scheduled_for},
                  {"position", position}};
  }
  json summary = {{"new", 0}, {"up", 0}, {"down", 0}, {"closed", 0}, {"reopened", 0}, {"status", 0}, {"unchanged", 0}};
  json rows = json::array();
  Status failed;
  m.risks.ForEach([&](const std::string& id, const RiskState& now) {
    if (!failed.ok() || !now.exists || now.description.group_id != group_id) return;
    RiskState was;
    if (position > 0) {
      auto loaded = LoadAggregate<RiskAggregate>(store, id, position);
      if (!loaded.ok()) {
        failed = loaded.error();
        return;
      }
      was = std::move(loaded->state);
    }
    // Closed before the meeting and still closed: not news.
    if (was.exists && was.status == RiskStatus::kClosed && now.status == RiskStatus::kClosed) return;
    std::string movement = "unchanged";
    if (!was.exists) movement = "new";
    else if (now.status == RiskStatus::kClosed && was.status != RiskStatus::kClosed) movement = "closed";
    else if (was.status == RiskStatus::kClosed) movement = "reopened";
    else if (now.current.Value() > was.current.Value()) movement = "up";
    else if (now.current.Value() < was.current.Value()) movement = "down";
    else if (now.status != was.status) movement = "status";
    summary[movement] = summary[movement].get<int>() + 1;
    auto side = [](const RiskState& r) -> json {
      if (!r.exists) return nullptr;
      return {{"status", domain::NameOf(domain::kRiskStatusNames, r.status)}, {"current", ScoreJson(r.current)}};
    };
    rows.push_back({{"id", id},
                    {"reference", now.description.reference},
                    {"title", now.description.title},
                    {"movement", movement},
                    {"was", side(was)},
                    {"now", side(now)}});
  });
  if (!failed.ok()) return failed.error();
  return json{{"group_id", group_id}, {"group_name", group->name}, {"since", std::move(since_json)},
              {"risks", std::move(rows)}, {"summary", std::move(summary)}};
}

}  // namespace assure::api
