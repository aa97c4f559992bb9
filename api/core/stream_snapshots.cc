#include "api/core/stream_snapshots.h"

#include "api/core/json_fast_parse.h"

#include <cstdio>

namespace assure::api {

std::uint64_t StreamSnapshotStride(std::size_t bytes) {
  std::uint64_t stride = kStreamSnapshotEvery;
  while (bytes > stride * kStreamSnapshotBytesPerEvent) stride *= 2;
  return stride;
}

std::string StreamSnapshotPrefix(std::string_view stream_id) {
  return "snap1/" + std::string(stream_id) + "/";
}

namespace {

std::string IndexKey(std::string_view stream_id, std::uint64_t position) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(position));
  return StreamSnapshotPrefix(stream_id) + hex;
}

// The body of a snapshot lives apart from its (empty-valued) index key, so
// finding the right snapshot reads keys only.
std::string BodyKey(std::string_view index_key) { return "snapbody/" + std::string(index_key); }

// The snapshot stored under `index_key`'s body, if it reads back and its
// position is <= up_to.
std::optional<StreamSnapshot> ReadBody(storage::EventStore& store, const std::string& index_key,
                                       std::uint64_t up_to) {
  auto body = store.GetState(BodyKey(index_key));
  if (!body.ok() || !body->has_value()) return std::nullopt;
  auto j = ParseJson(**body);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto pos = j.find("position");
  auto ver = j.find("version");
  if (pos == j.end() || ver == j.end() || !pos->is_number_unsigned() || !ver->is_number_unsigned()) {
    return std::nullopt;
  }
  if (pos->get<std::uint64_t>() > up_to) return std::nullopt;
  return StreamSnapshot{ver->get<std::uint64_t>(), pos->get<std::uint64_t>(), std::move(j["state"])};
}

}  // namespace

Result<std::uint64_t> SaveStreamSnapshot(storage::EventStore& store, std::string_view stream_id,
                                         std::uint64_t version, std::uint64_t position,
                                         const nlohmann::json& state) {
  const std::string key = IndexKey(stream_id, position);
  // Deterministic for (stream, position): a rebuild need not write it again.
  auto existing = store.GetState(BodyKey(key));
  if (existing.ok() && existing->has_value()) return StreamSnapshotStride((*existing)->size());
  // The object {version, position, state} as nlohmann dumps it (members in
  // name order), without copying the state into it.
  std::string text = "{\"position\":" + std::to_string(position) + ",\"state\":" + state.dump() +
                     ",\"version\":" + std::to_string(version) + "}";
  const std::uint64_t stride = StreamSnapshotStride(text.size());
  if ((version + 1) % stride != 0) return stride;
  // Body first, then the index key: an index key always has its body.
  ASSURE_TRY(store.PutState({{BodyKey(key), std::move(text)}}, /*sync=*/false));
  ASSURE_TRY(store.PutState({{key, ""}}, /*sync=*/false));
  return stride;
}

std::optional<StreamSnapshot> FindStreamSnapshot(storage::EventStore& store,
                                                 std::string_view stream_id, std::uint64_t up_to) {
  // Keys end in the position (16 hex digits), so they sort by position: the
  // last key below the one of position up_to + 1 is the newest within reach,
  // found by one seek whatever the number of snapshots (an unreadable one:
  // the one before it, and so on).
  const std::string prefix = StreamSnapshotPrefix(stream_id);
  std::string below =
      up_to == UINT64_MAX ? std::string() : IndexKey(stream_id, up_to + 1);
  for (;;) {
    auto last = store.LastState(prefix, below);
    if (!last.ok() || !last->has_value()) return std::nullopt;
    below = std::move((*last)->key);
    if (below.size() != prefix.size() + 16) continue;
    if (auto snap = ReadBody(store, below, up_to)) return snap;
  }
}

std::optional<StreamSnapshot> StreamSnapshotAt(storage::EventStore& store,
                                               std::string_view stream_id, std::uint64_t version,
                                               std::uint64_t position) {
  auto snap = ReadBody(store, IndexKey(stream_id, position), position);
  if (!snap || snap->version != version || snap->position != position) return std::nullopt;
  return snap;
}

std::uint64_t StrideMemo::Find(std::string_view stream_id) {
  const std::string key(stream_id);
  if (auto it = newer_.find(key); it != newer_.end()) return it->second;
  auto it = older_.find(key);
  if (it == older_.end()) return kStreamSnapshotEvery;
  const std::uint64_t stride = it->second;
  older_.erase(it);
  Put(key, stride);
  return stride;
}

void StrideMemo::Remember(std::string_view stream_id, std::uint64_t stride) {
  std::string key(stream_id);
  older_.erase(key);
  if (stride <= kStreamSnapshotEvery) {
    newer_.erase(key);
    return;
  }
  if (auto it = newer_.find(key); it != newer_.end()) {
    it->second = stride;
    return;
  }
  Put(std::move(key), stride);
}

void StrideMemo::Put(std::string stream_id, std::uint64_t stride) {
  if (newer_.size() >= entries_) {
    older_ = std::move(newer_);
    newer_ = {};
  }
  newer_.emplace(std::move(stream_id), stride);
}

void StrideMemo::Clear() {
  newer_ = {};
  older_ = {};
}

}  // namespace assure::api
