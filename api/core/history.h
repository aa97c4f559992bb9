// History of one entity: each change with position, time, actor, event type,
// the reason, a summary in words and the fields or items that changed.
//
// Each entry is the aggregate's Describe(state before, event)
// (domain/aggregate.h): it costs about the event, not the state, so an entry
// for the 2,000th progress note is as small and as quick as one for the first.
// The state is folded with Evolve alongside.
//
// Thread safety: stateless.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "api/core/actor_names.h"
#include "api/core/aggregate_loader.h"
#include "api/core/history_cache.h"
#include "api/core/stream_snapshots.h"
#include "domain/aggregate.h"
#include "domain/change.h"

namespace assure::api {

using domain::FieldChange;

struct HistoryEntry {
  std::uint64_t position = 0;
  std::uint64_t version = 0;
  std::int64_t recorded_at_us = 0;
  std::string actor;
  std::string type;
  std::string reason;
  std::string summary;  // what happened, in words: "Rating Amber → Red"
  std::vector<FieldChange> changes;
  std::string source;  // the event's metadata source, e.g. "api", "import:wmin.csv"
  std::string actor_name;  // the actor in words (ActorNames); empty: not resolved
  // The ids in `summary` a read names (NameActors puts their names there).
  std::vector<domain::NamedRef> refs;
  // The people the changes name by id (a change of a field ending
  // "person_id", e.g. a deliverable's owner_person_id), in words: id ->
  // name as ActorNames gives it ("erased person" after erasure). Filled by
  // NameActors; JSON "people", only when not empty.
  std::map<std::string, std::string> people;
};

// Differences between two JSON values as dotted paths. Objects are compared
// key by key (recursively); anything else, arrays included, as a whole. Not
// used for history (O(state)); evidence pack verification compares states.
std::vector<FieldChange> DiffJson(const nlohmann::json& before, const nlohmann::json& after,
                                  const std::string& prefix = {});

nlohmann::json HistoryToJson(const HistoryEntry& entry);

// The entry of one recorded event; folds it into `state` (the state before
// it on entry, after it on return).
template <domain::Describes Agg>
HistoryEntry DescribeRecorded(typename Agg::State& state, const storage::RecordedEvent& e,
                              nlohmann::json& holder) {
  const domain::EventView view = MakeView(e, holder);
  domain::Change change = Agg::Describe(state, view);
  Agg::Evolve(state, view);
  return HistoryEntry{e.position,       e.stream_version, e.recorded_at_us,
                      e.metadata.actor, e.type,           e.metadata.reason,
                      std::move(change.summary), std::move(change.changes), e.metadata.source, {},
                      std::move(change.refs), {}};
}

template <domain::Describes Agg>
Result<std::vector<HistoryEntry>> History(storage::EventStore& store, std::string_view id,
                                          std::uint64_t up_to = UINT64_MAX) {
  std::vector<HistoryEntry> out;
  const std::string stream = domain::StreamId(Agg::kKind, id);
  typename Agg::State state{};
  nlohmann::json holder;
  for (std::uint64_t from = 0;;) {
    auto page = store.ReadStream(stream, from, storage::Direction::kForwards, 1000);
    if (!page.ok()) {
      if (page.error().code == ErrorCode::kInvalidArgument ||
          page.error().code == ErrorCode::kNotFound) {
        return MakeError(ErrorCode::kNotFound,
                         "no " + std::string(Agg::kKind) + " '" + std::string(id) + "'", "id");
      }
      return page.error();
    }
    for (const auto& e : *page) {
      if (e.position > up_to) return out;
      out.push_back(DescribeRecorded<Agg>(state, e, holder));
    }
    if (page->size() < 1000) break;
    from = page->back().stream_version + 1;
  }
  if (out.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     "no " + std::string(Agg::kKind) + " '" + std::string(id) + "'", "id");
  }
  return out;
}

struct HistoryPage {
  std::vector<HistoryEntry> items;  // in the order asked for
  std::uint64_t total = 0;          // changes up to the position asked for
};

// The history route's body, {items, limit, offset, order, total} with each
// item as HistoryToJson: the bytes Response::Json would write for it, written
// directly (building the page as nlohmann values cost as much as describing it).
std::string HistoryPageJson(const HistoryPage& page, std::uint64_t offset, std::uint64_t limit,
                            std::string_view order);

// The position of the stream's event with this version, if it has one.
Result<std::optional<std::uint64_t>> PositionOfVersion(storage::EventStore& store,
                                                       const std::string& stream,
                                                       std::uint64_t version);

// The stream's number of events with positions <= up_to (a binary search over
// versions: O(log n) reads).
Result<std::uint64_t> CountUpTo(storage::EventStore& store, const std::string& stream,
                                std::uint64_t up_to);

// The state after the stream's event `version` (at `position`) from the
// snapshot written right after it, if there is one: one read, whatever the
// stream's length.
template <domain::Folds Agg>
std::optional<typename Agg::State> StateAtSnapshot(storage::EventStore& store, const std::string& stream,
                                                   std::uint64_t version, std::uint64_t position) {
  if constexpr (requires(const nlohmann::json& j) { Agg::FromSnapshotJson(j); }) {
    if (auto snap = StreamSnapshotAt(store, stream, version, position)) {
      auto state = Agg::FromSnapshotJson(snap->state);
      if (state.ok()) return std::move(state).value();
    }
  }
  return std::nullopt;
}

// The answer for an entity with no history (none, or none as at then).
template <domain::Describes Agg>
Error HistoryNotFound(std::string_view id) {
  return MakeError(ErrorCode::kNotFound, "no " + std::string(Agg::kKind) + " '" + std::string(id) + "'", "id");
}

// How many changes the history of `id` as at up_to holds (CountUpTo);
// kNotFound when none.
template <domain::Describes Agg>
Result<std::uint64_t> HistoryTotal(storage::EventStore& store, std::string_view id, std::uint64_t up_to) {
  auto total = CountUpTo(store, domain::StreamId(Agg::kKind, id), up_to);
  if (!total.ok()) {
    if (total.error().code == ErrorCode::kInvalidArgument) return HistoryNotFound<Agg>(id);
    return total.error();
  }
  if (*total == 0) return HistoryNotFound<Agg>(id);
  return total;
}

// One page of History: the changes [offset, offset + limit) counted from the
// oldest (or, newest_first, from the newest, newest first). Starts from the
// stream snapshot after the nearest multiple of kStreamSnapshotEvery events
// before the page (stream_snapshots.h), so a page folds fewer than
// kStreamSnapshotEvery events before describing its own: it costs about a
// page, not the whole stream. Without that snapshot (a larger stride, or the
// projection has not written it yet) it loads the state before the page from
// the newest snapshot before it.
// HistoryRangeOf counts the first `total` changes (from HistoryTotal);
// HistoryRange counts those as at up_to first.
template <domain::Describes Agg>
Result<HistoryPage> HistoryRangeOf(storage::EventStore& store, std::string_view id, std::uint64_t total,
                                   std::uint64_t offset, std::uint64_t limit, bool newest_first) {
  const std::string stream = domain::StreamId(Agg::kKind, id);
  auto not_found = [&] { return HistoryNotFound<Agg>(id); };
  HistoryPage out;
  out.total = total;
  if (offset >= out.total || limit == 0) return out;
  // Versions [first, last) in ascending order.
  const std::uint64_t count = std::min(limit, out.total - offset);
  const std::uint64_t first = newest_first ? out.total - offset - count : offset;
  const std::uint64_t last = first + count;
  // The state before version `from` (<= first): the events [from, first)
  // are folded, the page's described. A page within the first
  // kStreamSnapshotEvery events folds from the start.
  typename Agg::State state{};
  std::uint64_t from = 0;
  if (const std::uint64_t base = first / kStreamSnapshotEvery * kStreamSnapshotEvery; base > 0) {
    auto base_pos = PositionOfVersion(store, stream, base - 1);
    if (!base_pos.ok()) return base_pos.error();
    if (!base_pos->has_value()) return not_found();
    if (auto snap = StateAtSnapshot<Agg>(store, stream, base - 1, **base_pos)) {
      state = std::move(*snap);
      from = base;
    } else {
      auto before_pos = PositionOfVersion(store, stream, first - 1);
      if (!before_pos.ok()) return before_pos.error();
      if (!before_pos->has_value()) return not_found();
      auto loaded = LoadAggregate<Agg>(store, id, **before_pos);
      if (!loaded.ok()) return loaded.error();
      state = std::move(loaded->state);
      from = first;
    }
  }
  nlohmann::json holder;
  while (from < last) {
    auto page = store.ReadStream(stream, from, storage::Direction::kForwards,
                                 static_cast<std::size_t>(std::min<std::uint64_t>(last - from, 1000)));
    if (!page.ok()) return page.error();
    if (page->empty()) break;
    for (const auto& e : *page) {
      if (e.stream_version >= last) break;
      if (e.stream_version < first) {
        Agg::Evolve(state, MakeView(e, holder));
      } else {
        out.items.push_back(DescribeRecorded<Agg>(state, e, holder));
      }
    }
    from = page->back().stream_version + 1;
  }
  if (newest_first) std::reverse(out.items.begin(), out.items.end());
  return out;
}

template <domain::Describes Agg>
Result<HistoryPage> HistoryRange(storage::EventStore& store, std::string_view id,
                                 std::uint64_t up_to, std::uint64_t offset, std::uint64_t limit,
                                 bool newest_first) {
  auto total = HistoryTotal<Agg>(store, id, up_to);
  if (!total.ok()) return total.error();
  return HistoryRangeOf<Agg>(store, id, *total, offset, limit, newest_first);
}

// Fills each entry's actor_name and people from `names`, and puts the names
// of the entities its summary refers to in place of their ids (null: leaves
// them).
void NameActors(HistoryPage& page, const ActorNames* names);

// The history route's body (HistoryPageJson of HistoryRange; order "asc" or
// "desc"), with the actors named by `names` (may be null), from `cache` when
// it holds the page or is building it (cache null: none). A page built here
// is kept there under a key that also holds the names' Version, so a
// person's new name or erasure is never answered from an older page; a page
// as at now (up_to UINT64_MAX) is marked current as at the log head read
// before counting (HistoryPageCache::MarkCurrent), for CurrentHistoryPage,
// once the names have caught up with that head.
template <domain::Describes Agg>
Result<std::string> HistoryPageBody(storage::EventStore& store, HistoryPageCache* cache,
                                    const ActorNames* names, std::string_view id, std::uint64_t up_to,
                                    std::uint64_t offset, std::uint64_t limit, std::string_view order) {
  const std::uint64_t head = store.Head().position;
  const std::uint64_t names_version = names ? names->Version() : 0;
  auto total = HistoryTotal<Agg>(store, id, up_to);
  if (!total.ok()) return total.error();
  auto build = [&]() -> Result<std::string> {
    auto page = HistoryRangeOf<Agg>(store, id, *total, offset, limit, order == "desc");
    if (!page.ok()) return page.error();
    NameActors(*page, names);
    return HistoryPageJson(*page, offset, limit, order);
  };
  if (cache == nullptr) return build();
  const std::string shape = HistoryPageCache::Shape(domain::StreamId(Agg::kKind, id), offset, limit, order);
  const std::string key = HistoryPageCache::KeyOf(shape, *total) + " names " + std::to_string(names_version);
  auto body = cache->FindOrBuild(key, build);
  if (!body.ok()) return body.error();
  if (up_to == UINT64_MAX && (names == nullptr || names->CaughtUpTo(head))) cache->MarkCurrent(key, shape, head);
  return std::string(**body);
}

// The body HistoryPageBody would answer as at now, when `cache` holds it
// marked current at the store's present log head: reads nothing from the
// store and never waits, so an I/O thread may call it. Null otherwise.
template <domain::Describes Agg>
std::shared_ptr<const std::string> CurrentHistoryPage(const storage::EventStore& store, HistoryPageCache& cache,
                                                      std::string_view id, std::uint64_t offset,
                                                      std::uint64_t limit, std::string_view order) {
  return cache.FindCurrent(HistoryPageCache::Shape(domain::StreamId(Agg::kKind, id), offset, limit, order),
                           store.Head().position);
}

}  // namespace assure::api
