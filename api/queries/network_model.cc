#include "api/queries/network_model.h"

#include <algorithm>
#include <type_traits>

#include "api/core/event_mapping.h"
#include "api/core/stream_snapshots.h"
#include "domain/change.h"

namespace assure::api {

void NetworkModel::Apply(const domain::EventView& e) {
  position = e.position;
  // Each event belongs to exactly one kind: stop at the first that takes it.
  if (deliverables.Apply(e) || programmes.Apply(e) || meetings.Apply(e) || groups.Apply(e) ||
      documents.Apply(e) || qsin.Apply(e) || risks.Apply(e) ||
      issues.Apply(e) || escalations.Apply(e)) {
    // What EntityNameIn reads changes only with these.
    if (e.type == "GroupCreated" || e.type == "GroupRenamed" || e.type == "MeetingScheduled" ||
        e.type == "ControlledDocumentRegistered" || e.type == "ControlledDocumentDraftAdded" ||
        e.type == "DeliverableCreated" || e.type == "DeliverableEdited") {
      names_position = e.position;
    }
    return;
  }
  if (people.Apply(e) || organisations.Apply(e)) names_position = e.position;
}

namespace {
// The table of `m` of the same kind as `like`.
template <class Table>
Table& TableOf(NetworkModel& m, const Table&) {
  Table* found = nullptr;
  ForEachTable(m, [&](const char*, auto& t) {
    if constexpr (std::is_same_v<std::decay_t<decltype(t)>, Table>) found = &t;
  });
  return *found;
}
}  // namespace

void NetworkModel::Absorb(NetworkModel&& other) {
  ForEachTable(*this, [&](const char*, auto& table) {
    table.Absorb(std::move(TableOf(other, table)));
  });
  position = std::max(position, other.position);
  names_position = std::max(names_position, other.names_position);
}

namespace {
template <class Agg>
Status UnslimRow(storage::EventStore* store, EntityTable<Agg>& table, std::string_view stream_id,
                 std::uint64_t position) {
  const std::string_view id = domain::IdInStream(stream_id, Agg::kKind);
  if (id.empty()) return {};
  auto* row = table.MutableRow(id);
  if (row != nullptr && !row->slim) return {};
  if (row == nullptr) {
    auto cold = table.IsCold(id);
    if (!cold.ok()) return cold.error();
    if (!*cold) return {};  // a new entity
  }
  if (store == nullptr) return MakeError(ErrorCode::kInternal, "a slim row without a store to load it from");
  // Its stream up to the event before: a slim row's own state, whole; for a
  // cold row whatever that holds (after a restore it may be older or newer
  // than this, written before or after the snapshot, or not read back).
  auto loaded = LoadAggregate<Agg>(*store, id, position - 1);
  if (!loaded.ok()) return loaded.error();
  table.Insert(id, std::move(loaded->state), loaded->version.value_or(0), loaded->last_position);
  return {};
}
}  // namespace

Status NetworkModel::Unslim(std::string_view stream_id, std::uint64_t position) {
  ASSURE_TRY(UnslimRow(store, meetings, stream_id, position));
  return UnslimRow(store, documents, stream_id, position);
}

std::size_t NetworkModel::SlimRowsBefore(std::uint64_t before) {
  return meetings.SlimRowsBefore(before) + documents.SlimRowsBefore(before);
}

void NetworkModel::Clear() {
  ForEachTable(*this, [](const char*, auto& table) { table.Clear(); });
  position = 0;
  names_position = 0;
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
  nlohmann::json out = {{"position", position}};
  ForEachTable(*this, [&](const char* name, const auto& table) { out[name] = TableJson(table); });
  return out;
}

std::string ActorNameIn(const NetworkModel& model, std::string_view actor) {
  constexpr std::string_view kPerson = "person-", kCli = "cli:";
  if (actor.starts_with(kCli)) return std::string(actor.substr(kCli.size())) + " (command line)";
  if (actor == "cli") return "command line";
  if (!actor.starts_with(kPerson)) return std::string(actor);
  const std::string_view id = actor.substr(kPerson.size());
  auto person = model.people.Find(id);
  if (person == nullptr) return "unknown person " + std::string(id);
  // Erased, or a name whose key is gone (read as the placeholder).
  if (person->erased || person->name == domain::kErasedPersonName) return std::string(domain::kErasedPersonName);
  std::string name = person->name;
  if (auto org = model.organisations.Find(person->organisation_id); org != nullptr && !org->name.empty()) {
    name += " (" + org->name + ")";
  }
  return name;
}

std::string MeetingName(const domain::MeetingState& m) {
  return "the " + m.title + " meeting of " + domain::HumanDate(m.scheduled_for);
}

std::string EntityNameIn(const NetworkModel& model, std::string_view kind, std::string_view id) {
  if (kind == "person") return ActorNameIn(model, "person-" + std::string(id));
  if (kind == "organisation") {
    auto o = model.organisations.Find(id);
    return o != nullptr && !o->name.empty() ? o->name : std::string(id);
  }
  if (kind == "group") {
    auto g = model.groups.Find(id);
    return g != nullptr && !g->name.empty() ? g->name : std::string(id);
  }
  if (kind == "meeting") {
    auto m = model.meetings.Find(id);
    return m == nullptr ? std::string(id) : MeetingName(*m);
  }
  if (kind == "deliverable") {
    auto d = model.deliverables.Find(id);
    if (d == nullptr) return std::string(id);
    return d->reference.empty() ? d->title : d->reference + " " + d->title;
  }
  if (kind == "risk" || kind == "issue") {
    const std::string* reference = nullptr;
    const std::string* title = nullptr;
    if (auto r = kind == "risk" ? model.risks.Find(id) : nullptr) {
      reference = &r->description.reference;
      title = &r->description.title;
    } else if (auto i = kind == "issue" ? model.issues.Find(id) : nullptr) {
      reference = &i->reference;
      title = &i->title;
    }
    if (title == nullptr) return std::string(id);
    return std::string(kind) + " " + (reference->empty() ? *title : *reference + " " + *title);
  }
  if (kind == "escalation") {
    auto e = model.escalations.Find(id);
    if (e == nullptr) return std::string(id);
    return "the escalation of " + e->subject_title + " to " + EntityNameIn(model, "group", e->to_group_id);
  }
  std::string_view doc_id = id, version_id;
  if (kind == "document-version") {
    const std::size_t hash = id.find('#');
    if (hash == std::string_view::npos) return std::string(id);
    doc_id = id.substr(0, hash);
    version_id = id.substr(hash + 1);
  } else if (kind != "document") {
    return std::string(id);
  }
  auto d = model.documents.Find(doc_id);
  if (d == nullptr) return std::string(id);
  std::string name = d->title;
  if (!d->document_numbers.empty()) {
    name += " (";
    for (std::size_t i = 0; i < d->document_numbers.size(); ++i) name += (i ? ", " : "") + d->document_numbers[i];
    name += ")";
  }
  if (kind == "document") return name;
  // A slim row keeps only the version in force; its label otherwise from the id.
  const domain::DocumentVersion* v = d->FindVersion(version_id);
  return "version " + (v != nullptr ? v->version_label : std::string(version_id)) + " of " + name;
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

NetworkProjection::NetworkProjection(storage::EventStore* store, std::uint64_t hot_events)
    : snapshot_store_(store), hot_events_(hot_events) {
  model_.store = store;
  if (store != nullptr) {
    // Read even when no row is let go cold (hot_events 0): a snapshot saved
    // by a model that did leaves its cold rows out.
    cold_meetings_ = std::make_unique<ColdRows>(*store, domain::MeetingAggregate::kKind);
    cold_documents_ = std::make_unique<ColdRows>(*store, domain::ControlledDocumentAggregate::kKind);
  }
  TrackHotRows();
}

Status NetworkProjection::Reset() {
  // The cold rows first: if deleting them fails, the model is as it was.
  if (cold_meetings_) ASSURE_TRY(cold_meetings_->Clear());
  if (cold_documents_) ASSURE_TRY(cold_documents_->Clear());
  model_.Clear();
  next_sweep_ = 0;
  strides_.Clear();
  return {};
}

void NetworkProjection::TrackHotRows() {
  model_.meetings.KeepColdRowsIn(cold_meetings_.get());
  model_.documents.KeepColdRowsIn(cold_documents_.get());
  if (hot_events_ == 0 || model_.store == nullptr) return;
  model_.meetings.TrackChanges();
  model_.documents.TrackChanges();
}

Status NetworkProjection::Apply(const storage::RecordedEvent&, const domain::EventView& event) {
  // A sweep every quarter of the window: a row is slimmed between
  // hot_events and 1.25 x hot_events events after its last change.
  if (hot_events_ > 0 && model_.store != nullptr && event.position >= next_sweep_) {
    if (event.position > hot_events_) rows_examined_ += model_.SlimRowsBefore(event.position - hot_events_);
    next_sweep_ = event.position + std::max<std::uint64_t>(1, hot_events_ / 4);
  }
  // The event folds into the whole state, never into a summary: also in a
  // model that does not slim (hot_events 0) but read slim rows from a
  // snapshot saved by one that did.
  if (model_.store != nullptr) ASSURE_TRY(model_.Unslim(event.stream_id, event.position));
  model_.Apply(event);
  if (snapshot_store_ == nullptr || !StreamSnapshotDue(event.stream_version)) return {};
  // No stream snapshot of a person: it would hold their personal fields
  // apart from the keys that seal them (a person's stream is short anyway).
  if (!domain::IdInStream(event.stream_id, domain::PersonAggregate::kKind).empty()) return {};
  if (!StreamSnapshotDue(event.stream_version, strides_.Find(event.stream_id))) return {};
  nlohmann::json state = model_.EntitySnapshot(event.stream_id);
  if (state.is_null()) return {};
  ++snapshot_renders_;
  // A cache: failing to write one only makes later as-at loads slower.
  // SaveStreamSnapshot skips it if the state's stride says so.
  auto stride = SaveStreamSnapshot(*snapshot_store_, event.stream_id, event.stream_version,
                                   event.position, state);
  if (!stride.ok()) return {};
  strides_.Remember(event.stream_id, *stride);
  return {};
}

namespace {
template <class Agg>
nlohmann::json SnapshotOf(const EntityTable<Agg>& t, std::string_view stream_id) {
  const std::string_view id = domain::IdInStream(stream_id, Agg::kKind);
  if (id.empty()) return nullptr;
  const auto row = t.FindRow(id);
  return row && !row->slim ? Agg::SnapshotJson(row->state) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json NetworkModel::EntitySnapshot(std::string_view stream_id) const {
  nlohmann::json j;
  // A stream is of one kind: only the table of that kind can have it.
  ForEachTable(*this, [&](const char*, const auto& table) {
    if (j.is_null()) j = SnapshotOf(table, stream_id);
  });
  return j;
}

}  // namespace assure::api
