// Every progress note of a deliverable, a page at a time, read from the
// stream's DeliverableProgressNoteAdded events. The deliverable's state keeps
// only the newest few (domain::kRecentProgressNotes) so that its memory does
// not grow with its notes; this is where the rest are read.
//
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api {

struct RecordedNote {
  std::string note_id;
  std::string note_date;
  std::string text;
  std::string actor;
  std::uint64_t position = 0;
  std::int64_t recorded_at_us = 0;
};

struct NotesPage {
  std::vector<RecordedNote> items;  // in the order asked for
  std::uint64_t total = 0;          // notes up to the position asked for
};

// Notes [offset, offset + limit) counted from the oldest (or, newest_first,
// from the newest, newest first) among the `total` notes the stream holds at
// positions <= up_to (the deliverable's progress_note_count as at up_to).
// Reads the stream from whichever end is nearer the page, so a page near
// either end costs about the page (plus the other events interleaved with
// its notes), not the whole stream. An absent stream is kNotFound.
Result<NotesPage> ProgressNotesRange(storage::EventStore& store, std::string_view deliverable_id,
                                     std::uint64_t up_to, std::uint64_t total, std::uint64_t offset,
                                     std::uint64_t limit, bool newest_first);

}  // namespace assure::api
