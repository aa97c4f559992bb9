// The whole network's current (or as-at) state: one EntityTable per
// aggregate kind, fed in global order.
#pragma once

#include "api/core/projection.h"
#include "api/queries/entity_table.h"
#include "domain/controlled_document.h"
#include "domain/deliverable.h"
#include "domain/group.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/qsin_statement.h"
#include "domain/work_programme.h"
#include "storage/event_store.h"

namespace assure::api {

struct NetworkModel {
  EntityTable<domain::OrganisationAggregate> organisations;
  EntityTable<domain::PersonAggregate> people;
  EntityTable<domain::GroupAggregate> groups;
  EntityTable<domain::WorkProgrammeAggregate> programmes;
  EntityTable<domain::DeliverableAggregate> deliverables;
  EntityTable<domain::MeetingAggregate> meetings;
  EntityTable<domain::ControlledDocumentAggregate> documents;
  EntityTable<domain::QsinStatementAggregate> qsin;
  std::uint64_t position = 0;  // the last event folded in

  void Apply(const domain::EventView& e);
  void Clear();
  // Takes over every table's rows of a model folded from other streams (see
  // EntityTable::Absorb); the position becomes the later of the two.
  void Absorb(NetworkModel&& other);
  // Every entity's read model, by kind and id: for comparisons and dumps.
  nlohmann::json ToJson() const;
  // The SnapshotJson of the entity of `stream_id`, or null if none.
  nlohmann::json EntitySnapshot(std::string_view stream_id) const;
};

// Folds the log from position 1 up to `up_to` into a fresh model: the network
// as it stood after that event ("as at").
Result<NetworkModel> BuildNetworkModel(storage::EventStore& store, std::uint64_t up_to);

// The live model, as a projection fed by ProjectionRunner.
class NetworkProjection final : public Projection {
 public:
  NetworkProjection() = default;
  // With a store: also writes stream snapshots (api/core/stream_snapshots.h)
  // every stride of a stream's events, for fast as-at loads and history pages.
  explicit NetworkProjection(storage::EventStore* snapshot_store) : snapshot_store_(snapshot_store) {}

  std::string Name() const override { return "network"; }
  Status Apply(const storage::RecordedEvent& record, const domain::EventView& event) override;
  // The snapshot: the model's position and every table's rows (see
  // EntityTable::Snapshot; each state as its aggregate's SnapshotJson):
  //   {"format": 1, "position": n, "organisations": {id: row, ...}, "people",
  //    "groups", "programmes", "deliverables", "meetings", "documents", "qsin"}
  // Restore replaces the model only if the whole snapshot reads back; an
  // unknown format or any missing or unreadable table, row or state is
  // ErrorCode::kCorruption (the model is left as it was) and the runner then
  // rebuilds from the log. Bump kSnapshotFormat when the layout's meaning
  // changes in a way a reader would not notice.
  static constexpr int kSnapshotFormat = 1;
  nlohmann::json Snapshot() const override;
  Status Restore(const nlohmann::json& snapshot) override;
  void Reset() override { model_.Clear(); }

  const NetworkModel& model() const { return model_; }

 private:
  NetworkModel model_;
  storage::EventStore* snapshot_store_ = nullptr;
};

}  // namespace assure::api
