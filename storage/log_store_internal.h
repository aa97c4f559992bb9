// LogStore's private parts, shared by the files of its write path
// (log_store_queue.cc, log_store_commit.cc, and PutBlob's size check in
// log_store_read.cc): a queued append and the state of one group commit.
// Not for use outside LogStore.
#pragma once

#include <condition_variable>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/log_store.h"

namespace assure::storage {

// kTooLarge for content over max_blob_bytes: PutBlob's, and each blob an
// append carries.
inline Status CheckBlobSize(const StoreOptions& options, std::size_t size) {
  if (size <= options.max_blob_bytes) return {};
  return MakeError(ErrorCode::kTooLarge,
                   "content is larger than " + std::to_string(options.max_blob_bytes) + " bytes", "content");
}

// One stream's share of a queued append.
struct LogStore::Part {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<PreparedEvent> events;
  std::vector<Blob> blobs;
};

struct LogStore::Writer {
  std::vector<Part> parts;  // one for Append, one per stream for AppendMany
  std::size_t bytes = 0;
  std::optional<Result<std::vector<AppendResult>>> result;
  bool done = false;
  std::condition_variable cv;  // a synchronous writer waits on it
  AppendManyCallback callback; // set: an asynchronous writer (heap, owned by the queue)
};

// The state of one group commit: committed state plus what earlier appends
// of the same group have decided.
struct LogStore::Group {
  LogHead start;  // committed head when the group began
  std::uint64_t next_position = 0;
  Hash256 prev_hash{};
  std::int64_t last_recorded_at = 0;
  std::unordered_map<std::string, StreamHead> heads;
  std::unordered_map<Uuid, IdEntry, UuidHash> ids;
  std::vector<RecordedEvent> events;  // decided, in position order
  MerkleFrontier frontier;            // grows with the group's events
  CommitBatch batch;
};

}  // namespace assure::storage
