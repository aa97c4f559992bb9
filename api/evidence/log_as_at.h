// The log up to an evidence pack's as-at position, read once: the network
// model folded from it, and what events.jsonl and the batch proof need of
// every event. Read by a three-stage pipeline on the one pool when two of
// its workers are idle, else one page at a time on the caller.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/evidence/pack_content.h"
#include "api/evidence/spill_file.h"
#include "api/queries/network_model.h"
#include "storage/event_store.h"

namespace assure::api {

// A page of the log, read once and used by two threads (the folding and the
// rendering one); the second to finish hands it back to the reader, which
// reads the next page into it (its events' strings keep their capacity, so
// that once a few pages are warm reading allocates and frees nothing).
struct LogPage {
  storage::ReadAllPage read;
  std::atomic<int> users{0};
};

// The log up to the as-at position: the model, and what events.jsonl and the
// batch proof need of every event (its stream, leaf hash and rendered line;
// the events themselves are not kept).
struct LogAsAt {
  NetworkModel model;
  PackFold fold;  // and the deliverables' RAGB changes
  std::int64_t last_recorded_at_us = 0;
  std::vector<std::string> streams;          // interned stream ids
  std::vector<std::uint32_t> stream_of;      // stream_of[i]: position i + 1's, into streams
  std::vector<storage::Hash256> leaves;      // leaves[i]: position i + 1's Merkle leaf hash
  std::optional<SpillFile> lines;            // every event's events.jsonl line, by position
  std::vector<std::uint64_t> line_end;       // line_end[i]: end of position i + 1's line in it (after '\n')
  std::vector<std::unique_ptr<LogPage>> pages;  // the pages read into (about 100,000 events)
};

// Reads, folds and renders the log up to `position`, the lines into a
// SpillFile in `spill_dir`. `folded` runs on the calling thread once the
// model is complete (while the last lines may still be rendered); it may
// read `model`, `fold` and `last_recorded_at_us` only.
// Errors: the store's, kCorruption for a gap or a log that ends early,
// kIoError when the lines cannot be written.
Result<LogAsAt> ReadLogUpTo(storage::EventStore& store, std::uint64_t position, const std::string& spill_dir,
                            const std::function<void(const LogAsAt&)>& folded);

}  // namespace assure::api
