#include "api/live/entity_state.h"

#include "api/queries/deliverable_owner.h"
#include "domain/read/meeting_quorum.h"

namespace assure::api::live {

namespace {

// Splits "<kind>-<id>" at the first '-' (kinds have no '-').
std::pair<std::string_view, std::string_view> Split(std::string_view stream_id) {
  auto dash = stream_id.find('-');
  if (dash == std::string_view::npos) return {stream_id, {}};
  return {stream_id.substr(0, dash), stream_id.substr(dash + 1)};
}

// The entity's JSON if its row is at `position`, then decorate(state, json)
// (a slim row is loaded whole; if that fails, null as for a row moved on).
template <class Agg, typename Decorate>
nlohmann::json StateOf(const NetworkModel& m, const EntityTable<Agg>& table, std::string_view id,
                       std::uint64_t position, Decorate&& decorate) {
  auto row = table.FindRow(id);
  if (!row || row->position != position) return nullptr;
  nlohmann::json out = nullptr;
  (void)WithFullState<Agg>(m, id, *row, [&](const typename Agg::State& state) {
    out = Agg::ToJson(state);
    decorate(state, out);
  });
  return out;
}
template <class Agg>
nlohmann::json StateOf(const NetworkModel& m, const EntityTable<Agg>& table, std::string_view id,
                       std::uint64_t position) {
  return StateOf(m, table, id, position, [](const typename Agg::State&, nlohmann::json&) {});
}

std::string GroupOfProgramme(const NetworkModel& m, std::string_view programme_id) {
  auto p = m.programmes.Find(programme_id);
  return p ? p->group_id : std::string();
}

}  // namespace

std::string GroupOfStream(const NetworkModel& m, std::string_view stream_id) {
  auto [kind, id] = Split(stream_id);
  if (kind == domain::GroupAggregate::kKind) return std::string(id);
  if (kind == domain::WorkProgrammeAggregate::kKind) return GroupOfProgramme(m, id);
  if (kind == domain::DeliverableAggregate::kKind) {
    auto d = m.deliverables.Find(id);
    return d ? GroupOfProgramme(m, d->programme_id) : std::string();
  }
  if (kind == domain::MeetingAggregate::kKind) {
    auto meeting = m.meetings.Find(id);
    return meeting ? meeting->group_id : std::string();
  }
  if (kind == domain::RiskAggregate::kKind) {
    auto risk = m.risks.Find(id);
    return risk ? risk->description.group_id : std::string();
  }
  if (kind == domain::IssueAggregate::kKind) {
    auto issue = m.issues.Find(id);
    return issue ? issue->group_id : std::string();
  }
  // An escalation is the receiving board's business (its agenda).
  if (kind == domain::EscalationAggregate::kKind) {
    auto e = m.escalations.Find(id);
    return e ? e->to_group_id : std::string();
  }
  return {};
}

std::string AlsoGroupOfStream(const NetworkModel& m, std::string_view stream_id) {
  auto [kind, id] = Split(stream_id);
  if (kind != domain::EscalationAggregate::kKind) return {};
  auto e = m.escalations.Find(id);
  return e ? e->from_group_id : std::string();
}

nlohmann::json EntityState(const NetworkModel& m, std::string_view stream_id, std::uint64_t position) {
  auto [kind, id] = Split(stream_id);
  nlohmann::json state = nullptr;
  if (kind == domain::DeliverableAggregate::kKind) {
    state = StateOf(m, m.deliverables, id, position, [&](const domain::DeliverableState& d, nlohmann::json& j) {
      ShowOwner(m, d, j);  // a linked owner by name, as GET gives it
    });
  }
  else if (kind == domain::GroupAggregate::kKind) state = StateOf(m, m.groups, id, position);
  else if (kind == domain::WorkProgrammeAggregate::kKind) state = StateOf(m, m.programmes, id, position);
  else if (kind == domain::MeetingAggregate::kKind) {
    // The quorum so far and who attends without being a member, as GET gives them.
    state = StateOf(m, m.meetings, id, position, [&](const domain::MeetingState& meeting, nlohmann::json& j) {
      domain::read::AddQuorumSoFar(meeting, m.groups.Find(meeting.group_id).get(), j);
    });
  }
  else if (kind == domain::ControlledDocumentAggregate::kKind) state = StateOf(m, m.documents, id, position);
  else if (kind == domain::PersonAggregate::kKind) state = StateOf(m, m.people, id, position);
  else if (kind == domain::OrganisationAggregate::kKind) state = StateOf(m, m.organisations, id, position);
  else if (kind == domain::QsinStatementAggregate::kKind) state = StateOf(m, m.qsin, id, position);
  else if (kind == domain::RiskAggregate::kKind) state = StateOf(m, m.risks, id, position);
  else if (kind == domain::IssueAggregate::kKind) state = StateOf(m, m.issues, id, position);
  else if (kind == domain::EscalationAggregate::kKind) state = StateOf(m, m.escalations, id, position);
  return {{"kind", kind}, {"id", id}, {"state", std::move(state)}};
}

}  // namespace assure::api::live
