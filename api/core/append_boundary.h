// Whole appends: where one command's events begin and end in the log.
//
// A command may append several events at once (an approval: VersionApproved
// and VersionSuperseded; a new deliverable and its programme's
// WorkProgrammeDeliverableAdded). The store writes them together or not at
// all, but a read "at position p" between them would show the command half
// done. So every event of such an append after its first carries, as its
// causation_id, the append's first event as "<stream id>@<stream version>"
// (storage/FORMAT.md section 1, "causation_id"), and reads at a position
// snap down to the end of the last whole append.
//
// Thread safety: pure functions, or reads of a thread-safe store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api {

// The causation id naming the event at `version` of `stream_id`.
std::string AppendCause(std::string_view stream_id, std::uint64_t version);

// Marks one append: every event after the first (across all parts, in
// order) gets the first event's AppendCause as its causation_id. The first
// part's expected version must be Exact or NoStream (what the command
// service uses); otherwise, or with fewer than two events, nothing is marked.
void MarkOneAppend(std::vector<storage::StreamAppend>& parts);
// The same for a single-stream append.
void MarkOneAppend(std::string_view stream_id, storage::ExpectedVersion expected,
                   std::vector<storage::ProposedEvent>& events);

// The end of the last whole append at or before `position`: `position`
// itself unless the event after it continues the append it is in, then the
// position just before that append began. 0 and the head are whole.
// Events written without the mark (before it existed, or by a writer that
// does not set it) are each read as whole.
Result<std::uint64_t> WholeAppendPosition(storage::EventStore& store, std::uint64_t position);

}  // namespace assure::api
