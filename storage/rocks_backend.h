// The RocksDB backend. Column families and key layouts: storage/FORMAT.md.
// No RocksDB type escapes this header.
#pragma once

#include <memory>
#include <string>

#include "storage/backend.h"

namespace assure::storage {

// Opens or creates the store in `dir` (see OpenRocksStore for the refusals).
// read_only: RocksDB's read-only open, nothing written (StoreOptions::read_only);
// Commit, PutState and PutBlob then answer kUnavailable.
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
