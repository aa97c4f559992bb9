// Snapshots of single streams' states, so that loading an aggregate as at any
// position folds at most kStreamSnapshotEvery events.
//
// Every kStreamSnapshotEvery-th event of a stream (versions 499, 999, ...),
// the network projection writes the entity's state (Agg::SnapshotJson) under
// "snapbody/snap1/<stream id>/<position as 16 hex digits>" and an empty index
// key "snap1/<stream id>/<position as 16 hex digits>" in the store's state area
// ("snap1": the layout's version; a new layout takes a new prefix),
// unsynced: a snapshot is a cache, and a missing or unreadable one only makes
// a load fold from the start. LoadAggregate (aggregate_loader.h) starts from
// the newest snapshot at or before the position it is asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/event_store.h"

namespace assure::api {

inline constexpr std::uint64_t kStreamSnapshotEvery = 500;

std::string StreamSnapshotPrefix(std::string_view stream_id);

Status SaveStreamSnapshot(storage::EventStore& store, std::string_view stream_id,
                          std::uint64_t version, std::uint64_t position,
                          const nlohmann::json& state);

struct StreamSnapshot {
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  nlohmann::json state;
  std::size_t bytes = 0;  // of the stored snapshot
};

// The newest snapshot of the stream whose position is <= up_to, if any.
std::optional<StreamSnapshot> FindStreamSnapshot(storage::EventStore& store,
                                                 std::string_view stream_id, std::uint64_t up_to);

}  // namespace assure::api
