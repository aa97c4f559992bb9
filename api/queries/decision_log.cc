#include "api/queries/decision_log.h"

#include <algorithm>
#include <memory>
#include <tuple>

#include "api/queries/first_keys.h"
#include "api/queries/queries.h"
#include "api/queries/slim_rows.h"
#include "domain/ascii.h"
#include "domain/calendar.h"

namespace assure::api {

namespace {

using nlohmann::json;
using domain::EscalationState;

std::string LinkName(const NetworkModel& m, const domain::DecisionLink& l) {
  if (l.kind == domain::DecisionLinkKind::kDocumentVersion) return EntityNameIn(m, "document-version", l.id + "#" + l.version_id);
  return EntityNameIn(m, domain::NameOf(domain::kDecisionLinkKindNames, l.kind), l.id);
}

bool Links(const std::vector<domain::DecisionLink>& links, const DecisionFilter& f) {
  if (!f.link_kind && !f.link_id) return true;
  return std::any_of(links.begin(), links.end(), [&](const domain::DecisionLink& l) {
    return (!f.link_kind || domain::NameOf(domain::kDecisionLinkKindNames, l.kind) == *f.link_kind) &&
           (!f.link_id || l.id == *f.link_id);
  });
}

json ChainOf(const NetworkModel& m, const EscalationState& e) {
  json chain = json::array();
  std::string below = e.previous_escalation_id;
  for (int hops = 0; !below.empty() && hops < 16; ++hops) {  // a chain is a few hops; never a loop
    auto b = m.escalations.Find(below);
    if (!b) break;
    chain.push_back({{"id", below},
                     {"from_group_name", EntityNameIn(m, "group", b->from_group_id)},
                     {"to_group_name", EntityNameIn(m, "group", b->to_group_id)},
                     {"outcome", domain::EscalationOutcome(*b)},
                     {"accepted_decision", b->accepted_decision}});
    below = b->previous_escalation_id;
  }
  return chain;
}

}  // namespace

Result<DecisionLogPage> DecisionLog(const NetworkModel& m, const DecisionFilter& f, std::size_t offset,
                                    std::size_t limit) {
  if (f.link_kind && !domain::ValueOf(domain::kDecisionLinkKindNames, *f.link_kind)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "link_kind is one of " + domain::NamesList(domain::kDecisionLinkKindNames), "link_kind");
  }
  for (const auto* date : {&f.from, &f.to}) {
    if (*date && !domain::ParseIsoDate(**date)) {
      return MakeError(ErrorCode::kInvalidArgument, "a date is YYYY-MM-DD", date == &f.from ? "from" : "to");
    }
  }
  if (f.group_id && !m.groups.Find(*f.group_id)) {
    return MakeError(ErrorCode::kNotFound, "no group '" + *f.group_id + "'", "group_id");
  }
  // The escalations each decision made or is the subject of.
  std::map<std::string, std::vector<std::pair<std::string, const EscalationState*>>> decided;
  std::map<std::string, std::pair<std::string, const EscalationState*>> recommended;
  m.escalations.ForEach([&](const std::string& id, const EscalationState& e) {
    for (const auto* ref : {&e.accepted_decision, &e.returned_decision, &e.closed_decision}) {
      if (!ref->empty()) decided[*ref].emplace_back(id, &e);
    }
    if (e.subject_kind == domain::EscalationSubjectKind::kDecision) {
      auto& newest = recommended[e.subject_id];
      if (!newest.second || e.raised_at >= newest.second->raised_at) newest = {id, &e};
    }
  });
  auto render = [&](const std::string& meeting_id, const domain::MeetingDecision& d, const domain::MeetingState& mt) {
    const std::string ref = meeting_id + "/" + d.decision_id;
    json links = json::array();
    for (const auto& l : d.links) {
      json link = {{"kind", domain::NameOf(domain::kDecisionLinkKindNames, l.kind)}, {"id", l.id}, {"name", LinkName(m, l)}};
      if (!l.version_id.empty()) link["version_id"] = l.version_id;
      links.push_back(std::move(link));
    }
    json escalations = json::array();
    if (auto it = decided.find(ref); it != decided.end()) {
      for (const auto& [id, e] : it->second) {
        escalations.push_back({{"id", id}, {"role", "decided"}, {"subject_title", e->subject_title},
                               {"from_group_name", EntityNameIn(m, "group", e->from_group_id)},
                               {"outcome", domain::EscalationOutcome(*e)}});
      }
    }
    json recommendation = nullptr;
    if (auto rec = recommended.find(ref); rec != recommended.end()) {
      const EscalationState& e = *rec->second.second;
      recommendation = {{"escalation_id", rec->second.first},
                        {"to_group_id", e.to_group_id},
                        {"to_group_name", EntityNameIn(m, "group", e.to_group_id)},
                        {"outcome", domain::EscalationOutcome(e)},
                        {"decision", e.accepted_decision.empty() ? e.closed_decision : e.accepted_decision}};
    }
    json row = MeetingRowJson(m, meeting_id, mt);
    row["ref"] = ref;
    row["scheduled_for"] = mt.scheduled_for;
    row["decision_id"] = d.decision_id;
    row["text"] = d.text;
    row["links"] = std::move(links);
    row["escalations"] = std::move(escalations);
    row["recommendation"] = std::move(recommendation);
    return row;
  };
  // The decisions that pass the filters, found from the rows' summaries (a
  // slim meeting keeps each decision's id and links, not its text), newest
  // meeting first, then in the order recorded. Only the first offset + limit
  // of them in that order are kept (as keys), not every decision; with a
  // text to search for, each meeting with a decision passing the other
  // filters is loaded whole (a slim one from the store) as the scan reaches
  // it; then the page's meetings are, for their texts.
  struct Key {
    std::string date;
    std::string meeting_id;
    std::size_t order;  // the decision's index, in the summary and in the whole state alike
    bool operator<(const Key& o) const {  // comes before `o`
      if (date != o.date) return date > o.date;
      return std::tie(meeting_id, order) < std::tie(o.meeting_id, o.order);
    }
  };
  FirstKeys<Key> first(offset, limit);
  const std::string needle = f.text ? domain::AsciiLower(*f.text) : std::string();
  Status failed;
  m.meetings.ForEachRow([&](const std::string& meeting_id, const MeetingRow& row) {
    if (!failed.ok()) return;
    const domain::MeetingState& summary = row.state;
    if (f.group_id && summary.group_id != *f.group_id) return;
    const std::string date = summary.scheduled_for.substr(0, 10);
    if ((f.from && date < *f.from) || (f.to && date > *f.to)) return;
    std::vector<std::size_t> orders;
    std::size_t i = 0;
    ForEachDecision(row, [&](std::string_view decision_id, const std::vector<domain::DecisionLink>& links) {
      const std::size_t order = i++;
      if (!Links(links, f)) return;
      if (f.recommendations_only && !recommended.contains(meeting_id + "/" + std::string(decision_id))) return;
      orders.push_back(order);
    });
    if (orders.empty()) return;
    if (f.text) {
      failed = WithFullState<domain::MeetingAggregate>(m, meeting_id, row, [&](const domain::MeetingState& mt) {
        std::erase_if(orders, [&](std::size_t o) {
          return o >= mt.decisions.size() || domain::AsciiLower(mt.decisions[o].text).find(needle) == std::string::npos;
        });
      });
    }
    for (std::size_t order : orders) first.Offer(Key{date, meeting_id, order});
  });
  if (!failed.ok()) return failed.error();
  DecisionLogPage out;
  out.total = first.offered();
  const std::vector<Key> keys = std::move(first).Page();
  // The page, each meeting loaded once (its keys are together). A row and
  // its whole state were folded to the same position (WithFullState), so a
  // decision has the same index in both.
  for (std::size_t k = 0; k < keys.size();) {
    std::size_t next = k;
    while (next < keys.size() && keys[next].meeting_id == keys[k].meeting_id) ++next;
    const std::string& meeting_id = keys[k].meeting_id;
    // The model does not change under a read; a cold row that failed to
    // read is counted and left out.
    auto row = m.meetings.FindRow(meeting_id);
    if (row) {
      ASSURE_TRY(WithFullState<domain::MeetingAggregate>(m, meeting_id, *row, [&](const domain::MeetingState& mt) {
        for (std::size_t c = k; c < next; ++c) {
          if (keys[c].order < mt.decisions.size()) out.items.push_back(render(meeting_id, mt.decisions[keys[c].order], mt));
        }
      }));
    }
    k = next;
  }
  return out;
}

Result<std::vector<json>> GroupEscalations(const NetworkModel& m, const std::string& group_id, bool incoming,
                                           const std::optional<std::string>& status) {
  if (!m.groups.Find(group_id)) return MakeError(ErrorCode::kNotFound, "no group '" + group_id + "'", "id");
  const std::string wanted = status.value_or(incoming ? "pending" : "all");
  if (wanted != "all" && !domain::ValueOf(domain::kEscalationStatusNames, wanted)) {
    return MakeError(ErrorCode::kInvalidArgument, "status is pending, accepted, returned, closed or all", "status");
  }
  std::vector<std::pair<const EscalationState*, json>> rows;
  m.escalations.ForEach([&](const std::string&, const EscalationState& e) {
    if ((incoming ? e.to_group_id : e.from_group_id) != group_id) return;
    if (wanted != "all" && domain::NameOf(domain::kEscalationStatusNames, e.status) != wanted) return;
    json j = domain::EscalationAggregate::ToJson(e);
    j["from_group_name"] = EntityNameIn(m, "group", e.from_group_id);
    j["to_group_name"] = EntityNameIn(m, "group", e.to_group_id);
    j["chain"] = ChainOf(m, e);
    rows.emplace_back(&e, std::move(j));
  });
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    const bool pa = a.first->status == domain::EscalationStatus::kPending;
    const bool pb = b.first->status == domain::EscalationStatus::kPending;
    if (pa != pb) return pa;
    return a.first->raised_at > b.first->raised_at;
  });
  std::vector<json> out;
  for (auto& r : rows) out.push_back(std::move(r.second));
  return out;
}

}  // namespace assure::api
