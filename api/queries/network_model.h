// The whole network's current (or as-at) state: one EntityTable per
// aggregate kind, fed in global order.
#pragma once

#include <memory>
#include <string_view>

#include "api/core/aggregate_loader.h"
#include "api/core/projection.h"
#include "api/core/stream_snapshots.h"
#include "api/queries/cold_rows.h"
#include "api/queries/entity_table.h"
#include "api/queries/slim_rows.h"
#include "domain/controlled_document.h"
#include "domain/deliverable.h"
#include "domain/group.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/qsin_statement.h"
#include "domain/escalation.h"
#include "domain/issue_log.h"
#include "domain/risk.h"
#include "domain/work_programme.h"
#include "storage/event_store.h"

namespace assure::api {

struct NetworkModel;
// Calls fn(name, table) for each table of `m` (a NetworkModel, const or
// not), in the snapshot's order (storage/FORMAT.md 2.1). Every walk over all
// the tables (clear, absorb, dump, snapshot) goes through this list.
template <class Model, class Fn>
void ForEachTable(Model& m, Fn&& fn) {
  fn("organisations", m.organisations);
  fn("people", m.people);
  fn("groups", m.groups);
  fn("programmes", m.programmes);
  fn("deliverables", m.deliverables);
  fn("meetings", m.meetings);
  fn("documents", m.documents);
  fn("qsin", m.qsin);
  fn("risks", m.risks);
  fn("issues", m.issues);
  fn("escalations", m.escalations);
}

struct NetworkModel {
  EntityTable<domain::OrganisationAggregate> organisations;
  EntityTable<domain::PersonAggregate> people;
  EntityTable<domain::GroupAggregate> groups;
  EntityTable<domain::WorkProgrammeAggregate> programmes;
  EntityTable<domain::DeliverableAggregate> deliverables;
  // Meetings and documents may be slimmed (api/queries/slim_rows.h).
  EntityTable<domain::MeetingAggregate> meetings{SlimMeeting, UnpackMeeting};
  EntityTable<domain::ControlledDocumentAggregate> documents{SlimDocument, nullptr};
  EntityTable<domain::QsinStatementAggregate> qsin;
  EntityTable<domain::RiskAggregate> risks;
  EntityTable<domain::IssueAggregate> issues;
  EntityTable<domain::EscalationAggregate> escalations;
  std::uint64_t position = 0;  // the last event folded in
  // The last person or organisation event folded in: what names people
  // (api/core/actor_names.h) changes only when this does. 0 after a restore.
  std::uint64_t names_position = 0;
  // Where a slim row's whole state is loaded from (the live model's store);
  // null in a model that never slims (as-at models, evidence packs).
  storage::EventStore* store = nullptr;

  void Apply(const domain::EventView& e);
  void Clear();
  // Takes over every table's rows of a model folded from other streams (see
  // EntityTable::Absorb); the position becomes the later of the two.
  void Absorb(NetworkModel&& other);
  // Every entity's read model, by kind and id: for comparisons and dumps.
  nlohmann::json ToJson() const;
  // The SnapshotJson of the entity of `stream_id`, or null if none (or slim).
  nlohmann::json EntitySnapshot(std::string_view stream_id) const;
  // Before the event at `position` of `stream_id` is folded in: makes the
  // meeting's or document's row whole again if it is slim, or, if it is
  // cold (cold_rows.h), loads it whole into memory from its stream in
  // `store`, up to the event before.
  Status Unslim(std::string_view stream_id, std::uint64_t position);
  // Slims the meetings and documents whose last event is before `position`
  // (api/queries/slim_rows.h), and lets them go cold if the tables keep cold
  // rows; returns how many rows it looked at.
  std::size_t SlimRowsBefore(std::uint64_t position);
};

// Calls fn(state) with the whole state of `row`, the row of `id` in a table
// of `m`: the row's own, or for a slim row its stream's, folded up to the
// row's position (the same state: the row saw exactly those events).
template <domain::Folds Agg, typename Fn>
Status WithFullState(const NetworkModel& m, std::string_view id, const typename EntityTable<Agg>::Row& row,
                     Fn&& fn) {
  if (!row.slim) {
    fn(row.state);
    return {};
  }
  if (m.store == nullptr) return MakeError(ErrorCode::kInternal, "a slim row without a store to load it from");
  auto loaded = LoadAggregate<Agg>(*m.store, id, row.position);
  if (!loaded.ok()) return loaded.error();
  fn(loaded->state);
  return {};
}

// The name of an entity a history summary refers to (ActorNames::
// NameOfEntity), from `model`; the id itself when it is not there.
std::string EntityNameIn(const NetworkModel& model, std::string_view kind, std::string_view id);
// A meeting's name as EntityNameIn gives it: "the <title> meeting of <date in words>".
std::string MeetingName(const domain::MeetingState& meeting);
// The actor recorded on an event, in words, from `model` (its people and
// organisations): "person-<id>" as "Name (Organisation)" or "erased person";
// "cli:<who>" as "<who> (command line)"; anything else (a token's id) as it
// is. See api/core/actor_names.h.
std::string ActorNameIn(const NetworkModel& model, std::string_view actor);

// Folds the log from position 1 up to `up_to` into a fresh model: the network
// as it stood after that event ("as at").
Result<NetworkModel> BuildNetworkModel(storage::EventStore& store, std::uint64_t up_to);

// The live model, as a projection fed by ProjectionRunner.
class NetworkProjection final : public Projection {
 public:
  NetworkProjection() = default;
  // With a store: also writes stream snapshots (api/core/stream_snapshots.h)
  // every stride of a stream's events, for fast as-at loads and history
  // pages, and keeps a meeting or document whole only while it has changed
  // within the last `hot_events` events (0: always): older ones are slim
  // rows (api/queries/slim_rows.h), loaded from `store` when read whole.
  // Slim rows then go cold (cold_rows.h): written to `store` and dropped
  // from memory. With a store the model reads cold rows whatever
  // `hot_events` is (a snapshot saved with another setting leaves them out).
  static constexpr std::uint64_t kDefaultHotEvents = 20'000;
  explicit NetworkProjection(storage::EventStore* store, std::uint64_t hot_events = kDefaultHotEvents);

  std::string Name() const override { return "network"; }
  Status Apply(const storage::RecordedEvent& record, const domain::EventView& event) override;
  // The snapshot (api/queries/network_snapshot.cc; storage/FORMAT.md 2.1):
  // a text with a header line (format, the model's position) and a line
  // "<name> <rows> <bytes> <parts>" for each table in a fixed order, and
  // parts holding the tables' rows, one line of JSON each
  // (EntityTable::AppendSnapshotRows), cut at row ends. RestoreText reads
  // the rows a line at a time (no JSON value of the whole model), the
  // tables in parallel (RunBeside), and replaces the model only if all of it
  // reads back; any other format, or any missing or unreadable part, is
  // ErrorCode::kCorruption (the model is left as it was) and the runner then
  // rebuilds from the log. Bump kSnapshotFormat when the layout's meaning
  // changes in a way a reader would not notice.
  // Format 9: cold rows of layout 0x02 (kColdRowLayout), a slim meeting's
  // open actions packed whole. Formats 8 (the same, beside cold rows of
  // layout 0x01, or 0x02 at its last commit), 7 (open actions in a cold row's state) and 6 (the first open
  // action's id only) were written on 2026-12-06 and before; none is read,
  // and the rebuild from the log deletes the cold rows written with them.
  // Bump it with every change of the cold rows' layout: the cold rows are
  // only ever read beside a snapshot of the same format (a replay from the
  // log's start deletes them), so an older or newer server never reads
  // another's.
  // Format 6: meetings and documents that have gone cold (cold_rows.h) are
  // not in it; format 5 had every row (a format-5 snapshot is not read: the
  // model is rebuilt from the log once).
  // Format 5: parts (format 4 held every table's rows in the one text;
  // format 3 had no registers' tables; format 2 was one JSON object, rows
  // possibly slim; format 1 had no slim rows).
  static constexpr int kSnapshotFormat = 9;
  // Copies the model (under the runner's lock: the map of each table's rows,
  // which the copy shares with the live model, EntityTable); the renderer
  // renders the copy a table at a time, freeing each.
  SnapshotRenderer SnapshotLater() const override;
  Status RestoreText(std::string_view text, const ReadPart& parts) override;
  // Every table's rows as one JSON value (EntityTable::Snapshot), with the
  // position: for comparing models (tests), not what is stored.
  nlohmann::json Snapshot() const;
  // Also deletes the cold rows (the log makes them again).
  Status Reset() override;

  const NetworkModel& model() const { return model_; }
  // How many times an entity's state has been serialised to see whether a
  // stream snapshot was due (for tests: bounded per event, see
  // StreamSnapshotDue).
  std::uint64_t snapshot_renders() const { return snapshot_renders_; }
  // How many rows the sweeps that slim rows have looked at (for tests: at
  // most one per event of a meeting or document, not every row per sweep).
  std::uint64_t rows_examined() const { return rows_examined_; }
  // Cold rows that could not be written, read or decoded (ColdRows::
  // failures of meetings and documents); any thread.
  std::uint64_t cold_row_failures() const {
    return (cold_meetings_ ? cold_meetings_->failures() : 0) + (cold_documents_ ? cold_documents_->failures() : 0);
  }

 private:
  // Has the meetings' and documents' tables read their cold rows (if this
  // model has a store) and, when this model slims rows, remember their
  // changes (EntityTable::TrackChanges): at the start and after a restore.
  void TrackHotRows();

  NetworkModel model_;
  storage::EventStore* snapshot_store_ = nullptr;
  // The meetings' and documents' cold rows (null when rows are not slimmed).
  std::unique_ptr<ColdRows> cold_meetings_, cold_documents_;
  std::uint64_t hot_events_ = 0;
  std::uint64_t next_sweep_ = 0;  // the position of the next SlimRowsBefore
  // Each stream's stride when its state was last serialised, for those
  // beyond kStreamSnapshotEvery (a memo of bounded size: StrideMemo).
  StrideMemo strides_;
  std::uint64_t snapshot_renders_ = 0;
  std::uint64_t rows_examined_ = 0;
};

}  // namespace assure::api
