// The primitive operations a LogStore needs from its storage medium.
//
// LogStore (log_store.h) owns every rule: validation, positions, versions,
// expected-version checks, idempotency, the hash chain and group commit.
// A Backend only stores and fetches bytes, so the memory and RocksDB stores
// behave identically by construction. Commit is atomic: all of a batch or
// none of it.
//
// Thread safety: reads may run concurrently with each other and with Commit;
// Commit is called by one thread at a time (the LogStore's group leader).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/merkle.h"
#include "storage/store_stats.h"
#include "storage/types.h"

namespace assure::storage {

// What the stream_heads column family holds for one stream.
struct StreamHead {
  std::uint64_t version = 0;  // of the last event
  std::uint64_t last_position = 0;
  std::int64_t first_recorded_at_us = 0;
  std::int64_t last_recorded_at_us = 0;
};

// What the event_ids column family holds for one event id.
struct IdEntry {
  std::uint64_t position = 0;
  std::int64_t expected_version = -1;  // ExpectedVersion::Encode() of its append
};

struct CommitBatch {
  struct Event {
    std::uint64_t position;
    std::string value;  // EncodeEventValue
  };
  struct IndexEntry {
    std::string stream_id;
    std::uint64_t version;
    std::uint64_t position;
  };
  std::vector<Event> events;
  std::vector<IndexEntry> stream_index;
  std::vector<std::pair<std::string, StreamHead>> heads;
  std::vector<std::pair<Uuid, IdEntry>> ids;
  std::vector<MerkleNode> merkle_nodes;  // complete subtrees this batch creates
  std::vector<Blob> blobs;  // content, stored by its SHA-256
  LogHead head;  // the chain head after this batch
};

// Visitors return false to stop.
using EventVisitor = std::function<bool(std::uint64_t position, std::string_view value)>;
using IndexVisitor = std::function<bool(std::uint64_t version, std::uint64_t position)>;
using MerkleVisitor = std::function<bool(std::uint64_t index, const Hash256& hash)>;
using StreamIdVisitor = std::function<bool(std::string_view stream_id)>;
using StateVisitor = std::function<bool(std::string_view key, std::string_view value)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<std::optional<StreamHead>> GetStreamHead(std::string_view stream_id) = 0;
  virtual Result<std::optional<IdEntry>> GetIdEntry(const Uuid& id) = 0;
  virtual Result<std::optional<std::string>> GetEvent(std::uint64_t position) = 0;
  // The events at `positions` (a stream's, as ScanStream gives them), each
  // visited in the order given; a position with no event is kNotFound
  // naming it. The RocksDB backend reads them with one iterator, stepping
  // from one position to the next where they are close, rather than a
  // lookup each. This default asks GetEvent for each.
  virtual Status GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit);
  // The chain head as last committed ({0} for an empty log).
  virtual Result<LogHead> LoadHead() = 0;
  // The stored hash of a complete Merkle subtree, if stored.
  virtual Result<std::optional<Hash256>> GetMerkleNode(std::uint8_t level, std::uint64_t index) = 0;
  // The stored nodes of one level, by ascending index.
  virtual Status ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) = 0;
  virtual Status Commit(const CommitBatch& batch, bool sync) = 0;
  // Events at positions >= from, ascending.
  virtual Status ScanEvents(std::uint64_t from, const EventVisitor& visit) = 0;
  // A stream's (version, position) pairs from from_version in `direction`.
  virtual Status ScanStream(std::string_view stream_id, std::uint64_t from_version,
                            Direction direction, const IndexVisitor& visit) = 0;
  // The ids of the streams that start with `prefix` and sort after `after`
  // ("" = from the first), ascending by byte, each once; found in the stream
  // index, so the cost is that of the matching streams, not of the log.
  virtual Status ScanStreamIds(std::string_view prefix, std::string_view after,
                               const StreamIdVisitor& visit) = 0;
  virtual Result<std::optional<std::string>> GetState(std::string_view key) = 0;
  virtual Status PutState(const std::vector<KeyValue>& pairs, bool sync) = 0;
  virtual Result<std::vector<KeyValue>> ScanState(std::string_view prefix) = 0;
  // EventStore::VisitState; by default over ScanState's copy.
  virtual Status VisitState(std::string_view prefix, std::string_view from, const StateVisitor& visit) {
    auto all = ScanState(prefix);
    if (!all.ok()) return all.error();
    for (const auto& kv : *all) {
      if (kv.key < from) continue;
      if (!visit(kv.key, kv.value)) break;
    }
    return {};
  }
  // EventStore::ClearState.
  virtual Status ClearState(std::string_view prefix) = 0;
  // EventStore::LastState; by default the last of ScanState's below `below`.
  virtual Result<std::optional<KeyValue>> LastState(std::string_view prefix, std::string_view below) {
    auto all = ScanState(prefix);
    if (!all.ok()) return all.error();
    for (auto it = all->rbegin(); it != all->rend(); ++it) {
      if (below.empty() || it->key < below) return std::optional<KeyValue>{std::move(*it)};
    }
    return std::optional<KeyValue>{};
  }
  // EventStore::EraseState and ReplaceStateBeyondRecovery (event_store.h):
  // one synced batch deleting `erase` and writing `replace`, after which the
  // values deleted or replaced leave the medium's files.
  virtual Status ScrubState(const std::vector<std::string>& erase, const std::vector<KeyValue>& replace) = 0;
  virtual Result<std::optional<std::string>> GetBlob(const Hash256& key) = 0;
  // EventStore::Checkpoint (event_store.h). Default: kUnavailable.
  virtual Status Checkpoint(const std::string& dir);
  virtual Status PutBlob(const Hash256& key, std::string_view bytes, bool sync) = 0;
  // After a failed Commit: makes the medium writable again if it can (RocksDB
  // DB::Resume), else an error. The failed batch is not in the store.
  virtual Status Resume() { return {}; }
  // The medium's figures (EventStore::Stats); none for one not on disk.
  virtual std::optional<EngineStats> Engine() { return std::nullopt; }
};

inline Status Backend::Checkpoint(const std::string&) {
  return MakeError(ErrorCode::kUnavailable, "this store cannot be backed up (it is not on disk)");
}

inline Status Backend::GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit) {
  for (const std::uint64_t p : positions) {
    auto v = GetEvent(p);
    if (!v.ok()) return v.error();
    if (!v->has_value()) return MakeError(ErrorCode::kNotFound, "no event at position " + std::to_string(p));
    if (!visit(p, **v)) return {};
  }
  return {};
}

std::unique_ptr<Backend> NewMemoryBackend();

}  // namespace assure::storage
