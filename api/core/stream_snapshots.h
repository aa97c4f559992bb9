// Snapshots of single streams' states, so that loading an aggregate as at any
// position, or describing a page of its history, folds a bounded number of
// events whatever the stream's length.
//
// When: after the events whose count (version + 1) is a multiple of the
// stride, StreamSnapshotStride(bytes of the snapshot): every
// kStreamSnapshotEvery (100) events while the state is small, every 200, 400,
// ... events as it grows, so that snapshots cost at most
// kStreamSnapshotBytesPerEvent bytes per event of the stream (a state of
// 6.4 KB or less: every 100 events; of 100 KB: every 1,600). The strides nest
// (every multiple of 400 is one of 100), so a load's nearest snapshot is at
// most one stride back. The network projection writes them (NetworkProjection).
//
// Where: the entity's state (Agg::SnapshotJson) under
// "snapbody/snap1/<stream id>/<position as 16 hex digits>" and an empty index
// key "snap1/<stream id>/<position as 16 hex digits>" in the store's state area
// ("snap1": the layout's version; a new layout takes a new prefix),
// unsynced: a snapshot is a cache, and a missing or unreadable one only makes
// a load fold from an earlier one or from the start. LoadAggregate
// (aggregate_loader.h) starts from the newest snapshot at or before the
// position it is asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "storage/event_store.h"

namespace assure::api {

inline constexpr std::uint64_t kStreamSnapshotEvery = 100;
inline constexpr std::uint64_t kStreamSnapshotBytesPerEvent = 64;

// The events between two snapshots of a state whose snapshot is `bytes`
// long: the smallest kStreamSnapshotEvery * 2^k with
// bytes <= stride * kStreamSnapshotBytesPerEvent.
std::uint64_t StreamSnapshotStride(std::size_t bytes);

// Whether the event with this version may be followed by a snapshot, given
// the stride the stream's state had when it was last serialised
// (kStreamSnapshotEvery if never): only then is the state serialised, to
// learn its stride now. A state that has grown since has a stride that is a
// multiple of the one known, so none is missed; the serialisations cost at
// most kStreamSnapshotBytesPerEvent bytes per event of the stream, as the
// snapshots do. (A state that shrank may skip snapshots it would have had:
// they are a cache.)
inline bool StreamSnapshotDue(std::uint64_t version, std::uint64_t known_stride = kStreamSnapshotEvery) {
  return (version + 1) % known_stride == 0;
}

// The strides of the streams whose state had outgrown kStreamSnapshotEvery
// when it was last serialised (NetworkProjection): so that such a state is
// serialised only when its stride may be due (StreamSnapshotDue), not at
// every hundredth event. A memo of bounded size, not a record of every
// stream: at most 2 x `entries` streams, in two generations (when the newer
// holds `entries`, the older is dropped and the newer takes its place; a
// stream found in the older moves to the newer). A stream forgotten is
// serialised once more at its next hundredth event, to learn its stride
// again.
//
// Thread safety: none; its owner's.
class StrideMemo {
 public:
  static constexpr std::size_t kDefaultEntries = 4096;
  explicit StrideMemo(std::size_t entries = kDefaultEntries) : entries_(entries == 0 ? 1 : entries) {}

  // The stride remembered for the stream; kStreamSnapshotEvery if none.
  std::uint64_t Find(std::string_view stream_id);
  // Remembers the stride of the stream's state as just serialised; a stride
  // of kStreamSnapshotEvery (or less) is forgotten: it is what Find answers.
  void Remember(std::string_view stream_id, std::uint64_t stride);
  void Clear();
  // Streams remembered (for tests).
  std::size_t size() const { return newer_.size() + older_.size(); }

 private:
  void Put(std::string stream_id, std::uint64_t stride);

  std::size_t entries_;
  std::unordered_map<std::string, std::uint64_t> newer_, older_;
};

std::string StreamSnapshotPrefix(std::string_view stream_id);

// Writes the snapshot after the event (version, position) if the stride of
// its state says so. `state` is the aggregate's SnapshotJson. Returns the
// state's stride (of the snapshot already stored there, if one is).
Result<std::uint64_t> SaveStreamSnapshot(storage::EventStore& store, std::string_view stream_id,
                          std::uint64_t version, std::uint64_t position,
                          const nlohmann::json& state);

struct StreamSnapshot {
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  nlohmann::json state;
};

// The newest snapshot of the stream whose position is <= up_to, if any.
// One seek among the stream's snapshot index keys (EventStore::LastState),
// whatever their number, and one more per snapshot that does not read back.
std::optional<StreamSnapshot> FindStreamSnapshot(storage::EventStore& store,
                                                 std::string_view stream_id, std::uint64_t up_to);

// The snapshot written after the event (version, position), if there is one
// that reads back: one read, whatever the stream's length.
std::optional<StreamSnapshot> StreamSnapshotAt(storage::EventStore& store,
                                               std::string_view stream_id, std::uint64_t version,
                                               std::uint64_t position);

}  // namespace assure::api
