#include "api/queries/network_model.h"

#include "api/core/event_mapping.h"

namespace assure::api {

void NetworkModel::Apply(const domain::EventView& e) {
  position = e.position;
  // Each event belongs to exactly one kind: stop at the first that takes it.
  (void)(deliverables.Apply(e) || programmes.Apply(e) || meetings.Apply(e) ||
         groups.Apply(e) || documents.Apply(e) || people.Apply(e) || qsin.Apply(e) ||
         organisations.Apply(e));
}

void NetworkModel::Clear() {
  organisations.Clear();
  people.Clear();
  groups.Clear();
  programmes.Clear();
  deliverables.Clear();
  meetings.Clear();
  documents.Clear();
  qsin.Clear();
  position = 0;
}

namespace {
template <class Agg>
nlohmann::json TableJson(const EntityTable<Agg>& t) {
  nlohmann::json out = nlohmann::json::object();
  t.ForEach([&](const std::string& id, const typename Agg::State& s) { out[id] = Agg::ToJson(s); });
  return out;
}
}  // namespace

nlohmann::json NetworkModel::ToJson() const {
  return {{"position", position},
          {"organisations", TableJson(organisations)},
          {"people", TableJson(people)},
          {"groups", TableJson(groups)},
          {"programmes", TableJson(programmes)},
          {"deliverables", TableJson(deliverables)},
          {"meetings", TableJson(meetings)},
          {"documents", TableJson(documents)},
          {"qsin", TableJson(qsin)}};
}

Result<NetworkModel> BuildNetworkModel(storage::EventStore& store, std::uint64_t up_to) {
  NetworkModel model;
  nlohmann::json holder;
  for (std::uint64_t from = 1; from <= up_to;) {
    auto page = store.ReadAll(from, 1000);
    if (!page.ok()) return page.error();
    for (const auto& e : page->events) {
      if (e.position > up_to) return model;
      model.Apply(MakeView(e, holder));
    }
    if (page->end_of_log) break;
    from = page->next_position;
  }
  return model;
}

Status NetworkProjection::Apply(const storage::RecordedEvent&, const domain::EventView& event) {
  model_.Apply(event);
  return {};
}

nlohmann::json NetworkProjection::Snapshot() const { return {{"position", model_.position}}; }

Status NetworkProjection::Restore(const nlohmann::json&) {
  return MakeError(ErrorCode::kUnavailable, "the network model is rebuilt from the log");
}

}  // namespace assure::api
