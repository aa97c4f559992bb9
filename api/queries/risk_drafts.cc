#include "api/queries/risk_drafts.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <vector>

#include "domain/json_read.h"

namespace assure::api {

namespace {

using nlohmann::json;

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

// The byte length of the first `n` code points of `s`.
std::size_t PrefixBytes(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < s.size(); ++i) {
    if (!IsContinuation(s[i]) && seen++ == n) break;
  }
  return i;
}

}  // namespace

bool RisksTextSaysSomething(std::string_view text) {
  std::string t = domain::Trim(text);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!t.empty() && t.back() == '.') t.pop_back();
  if (std::all_of(t.begin(), t.end(), [](char c) {
        return std::ispunct(static_cast<unsigned char>(c)) || std::isspace(static_cast<unsigned char>(c));
      })) {
    return false;  // empty, "-", "--", "/", "?"
  }
  static const char* const kPlaceholders[] = {"none", "n/a", "na", "nil", "tbc", "tba", "tbd", "not applicable",
                                              "none known", "none identified", "no risks", "nothing"};
  return std::none_of(std::begin(kPlaceholders), std::end(kPlaceholders), [&](const char* p) { return t == p; });
}

std::string DraftRiskTitle(std::string_view text) {
  std::string_view line = text;
  // The first line that says something.
  while (!line.empty()) {
    const std::size_t nl = line.find('\n');
    if (!domain::Trim(line.substr(0, nl)).empty() || nl == std::string_view::npos) {
      line = line.substr(0, nl);
      break;
    }
    line.remove_prefix(nl + 1);
  }
  // Up to the end of its first sentence (the stop left out).
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if ((c == '.' || c == '!' || c == '?') && (i + 1 == line.size() || line[i + 1] == ' ')) {
      line = line.substr(0, c == '.' ? i : i + 1);
      break;
    }
  }
  std::string title = domain::Trim(line);
  if (CodePoints(title) <= kDraftTitleMax) return title;
  // Cut at the last space within kDraftTitleMax - 1 code points.
  std::string_view head(title.data(), PrefixBytes(title, kDraftTitleMax - 1));
  if (const std::size_t space = head.find_last_of(' '); space != std::string_view::npos && space > 0) {
    head = head.substr(0, space);
  }
  return domain::Trim(head) + "…";
}

std::set<std::string> RiskLinkedDeliverables(const NetworkModel& m) {
  std::set<std::string> linked;
  m.risks.ForEach([&](const std::string&, const domain::RiskState& r) {
    if (r.exists) linked.insert(r.description.deliverable_ids.begin(), r.description.deliverable_ids.end());
  });
  return linked;
}

std::optional<json> DraftRiskBody(const NetworkModel& m, const std::set<std::string>& linked,
                                  const std::string& deliverable_id, std::string& why) {
  auto d = m.deliverables.Find(deliverable_id);
  if (!d) {
    why = "no deliverable '" + deliverable_id + "'";
    return std::nullopt;
  }
  auto p = m.programmes.Find(d->programme_id);
  if (!p || !m.groups.Find(p->group_id)) {
    why = "the deliverable is in no group's work programme, so on no group's register";
    return std::nullopt;
  }
  if (!RisksTextSaysSomething(d->interdependencies_risks)) {
    why = "the deliverable's Interdependencies/ Risks column is empty or a placeholder ('" +
          domain::Trim(d->interdependencies_risks) + "'): there is no draft";
    return std::nullopt;
  }
  if (linked.count(deliverable_id)) {
    why = "a risk already links the deliverable (its draft was confirmed, or a risk was raised for it)";
    return std::nullopt;
  }
  json body = {{"title", DraftRiskTitle(d->interdependencies_risks)},
               {"event", domain::Trim(d->interdependencies_risks)},
               {"group_id", p->group_id},
               {"deliverable_ids", {deliverable_id}},
               {"qsin_codes", d->mm_qsin.codes}};
  if (!d->owner_person_id.empty() && m.people.Find(d->owner_person_id)) {
    body["owner_person_id"] = d->owner_person_id;
  }
  return body;
}

Result<json> RiskDrafts(const NetworkModel& m, const RiskDraftFilter& f) {
  if (f.programme_id && !m.programmes.Find(*f.programme_id)) {
    return MakeError(ErrorCode::kNotFound, "no programme '" + *f.programme_id + "'", "programme_id");
  }
  if (f.group_id && !m.groups.Find(*f.group_id)) {
    return MakeError(ErrorCode::kNotFound, "no group '" + *f.group_id + "'", "group_id");
  }
  const std::set<std::string> linked = RiskLinkedDeliverables(m);
  struct Row {
    std::tuple<std::string, std::string, std::size_t, std::string> order;  // group name, programme, row, id
    json draft;
  };
  std::vector<Row> rows;
  m.deliverables.ForEach([&](const std::string& id, const domain::DeliverableState& d) {
    if (f.programme_id && d.programme_id != *f.programme_id) return;
    std::string why;
    auto body = DraftRiskBody(m, linked, id, why);
    if (!body) return;
    auto p = m.programmes.Find(d.programme_id);
    auto g = m.groups.Find(p->group_id);
    if (f.group_id && p->group_id != *f.group_id) return;
    const auto at = std::find(p->deliverable_ids.begin(), p->deliverable_ids.end(), id);
    rows.push_back({{g->name, p->title, static_cast<std::size_t>(at - p->deliverable_ids.begin()), id},
                    {{"deliverable",
                      {{"id", id},
                       {"reference", d.reference},
                       {"title", d.title},
                       {"programme_id", d.programme_id},
                       {"programme_title", p->title},
                       {"group_id", p->group_id},
                       {"group_name", g->name}}},
                     {"text", d.interdependencies_risks},
                     {"proposed", std::move(*body)}}});
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.order < b.order; });
  json drafts = json::array();
  for (Row& r : rows) drafts.push_back(std::move(r.draft));
  const std::size_t count = drafts.size();
  return json{{"drafts", std::move(drafts)}, {"count", count}};
}

}  // namespace assure::api
