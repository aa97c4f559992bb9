// What an event store reports for monitoring (GET /metrics, README
// "Watching it"): plain values, read when asked, and the sample of one
// group commit that StoreOptions::on_commit receives.
//
// Thread safety: plain values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace assure::storage {

// The on-disk engine's figures (the RocksDB store; none for the in-memory
// one). Each RocksDB property is summed over the column families.
struct EngineStats {
  std::uint64_t live_data_bytes = 0;           // rocksdb.estimate-live-data-size
  std::uint64_t sst_files_bytes = 0;           // rocksdb.total-sst-files-size
  std::uint64_t memtable_bytes = 0;            // rocksdb.cur-size-all-mem-tables
  std::uint64_t pending_compaction_bytes = 0;  // rocksdb.estimate-pending-compaction-bytes
  std::uint64_t running_compactions = 0;       // rocksdb.num-running-compactions (whole DB)
  // The one block cache's (read through the default column family; with
  // StoreOptions::block_cache_bytes 0 each family has its own, and these
  // are the default family's only).
  std::uint64_t block_cache_bytes = 0;         // rocksdb.block-cache-usage
  std::uint64_t block_cache_pinned_bytes = 0;  // rocksdb.block-cache-pinned-usage: in use, not evictable
  std::uint64_t disk_bytes = 0;                // every file under the store's directory
  std::optional<std::uint64_t> disk_free_bytes;  // free on its file system, when readable
};

struct StoreStats {
  std::size_t queued_appends = 0;     // appends waiting for a group commit (the commit queue)
  std::size_t unanswered_groups = 0;  // committed groups waiting for their listeners and answers
  std::optional<EngineStats> engine;
};

// One successful group commit.
struct CommitSample {
  std::size_t appends = 0;  // Append/AppendMany calls in the group (each counted once)
  std::size_t events = 0;
  std::size_t bytes = 0;    // encoded event bytes written
  // The backend's Commit: the batch written and, with StoreOptions::sync,
  // the write-ahead log synced.
  std::chrono::steady_clock::duration write{};
};

}  // namespace assure::storage
