// The RocksDB backend. Column families and key layouts: storage/FORMAT.md.
// No RocksDB type escapes this header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "storage/backend.h"

namespace assure::storage {

// Free bytes on the file system holding `dir` (statvfs's f_bavail x f_frsize),
// or nullopt when it cannot be read.
using FreeSpaceProbe = std::function<std::optional<std::uint64_t>(const std::string& dir)>;
std::optional<std::uint64_t> StatvfsFreeBytes(const std::string& dir);

struct RocksOptions {
  bool create_if_missing = true;
  // RocksDB's read-only open, nothing written (StoreOptions::read_only);
  // Commit, PutState and PutBlob then answer kUnavailable.
  bool read_only = false;
  // The free-space reserve (StoreOptions::min_free_bytes): a write that
  // would leave less free than this on the store's file system is refused
  // (kIoError, "space") before it reaches RocksDB, and so are the writes
  // after it, until Resume finds the reserve free again. 0: no reserve.
  std::uint64_t min_free_bytes = 0;
  // Memory budgets (StoreOptions::memtable_bytes, block_cache_bytes). The
  // memtables of every column family share one WriteBufferManager: when
  // together they pass the budget, the largest is flushed. One LRU block
  // cache serves every column family, and index and filter blocks are read
  // through it too (nothing of them pinned there but partitioned tables'
  // top-level blocks, about 1/200 of a table's index, charged to the cache),
  // so what RocksDB keeps of its tables in memory stays within the budget.
  // 0: RocksDB's own defaults (per column family 64 MiB x 2 memtables, an
  // 8 MiB cache each, index and filters held apart from it).
  std::uint64_t memtable_bytes = 64u << 20;
  std::uint64_t block_cache_bytes = 32u << 20;
  // Tables written from now on keep their index and Bloom filters in
  // partitions of about 4 KiB under a small top-level index, rather than in
  // one block each (StoreOptions::partitioned_index). Tables already written
  // are read as they are.
  bool partitioned_index = true;
  // How free space is read; tests substitute their own. Default statvfs.
  FreeSpaceProbe free_bytes = StatvfsFreeBytes;
};

// Opens or creates the store in `dir` (see OpenRocksStore for the refusals).
Result<std::unique_ptr<Backend>> OpenRocksBackend(const std::string& dir, RocksOptions options);
Result<std::unique_ptr<Backend>> OpenRocksBackend(const std::string& dir, bool create_if_missing,
                                                  bool read_only = false);

// Names of the column families (on-disk: never rename).
inline constexpr const char* kCfEvents = "events";
inline constexpr const char* kCfStreamIndex = "stream_index";
inline constexpr const char* kCfStreamHeads = "stream_heads";
inline constexpr const char* kCfEventIds = "event_ids";
inline constexpr const char* kCfState = "state";
inline constexpr const char* kCfMerkle = "merkle";
inline constexpr const char* kCfBlobs = "blobs";

}  // namespace assure::storage
