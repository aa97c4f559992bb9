#include "api/core/progress_notes.h"

#include <algorithm>

#include "api/core/event_mapping.h"
#include "domain/event.h"
#include "domain/json_read.h"

namespace assure::api {

namespace {

constexpr std::string_view kNoteAdded = "DeliverableProgressNoteAdded";  // on-disk

RecordedNote NoteOf(const storage::RecordedEvent& e, nlohmann::json& holder) {
  const domain::EventView view = MakeView(e, holder);
  const nlohmann::json& d = *view.data;
  return RecordedNote{domain::GetStr(d, "note_id"), domain::GetStr(d, "note_date"), domain::GetStr(d, "text"),
                      e.metadata.actor, e.position, e.recorded_at_us};
}

}  // namespace

Result<NotesPage> ProgressNotesRange(storage::EventStore& store, std::string_view deliverable_id,
                                     std::uint64_t up_to, std::uint64_t total, std::uint64_t offset,
                                     std::uint64_t limit, bool newest_first) {
  NotesPage out;
  out.total = total;
  if (offset >= total || limit == 0) return out;
  const std::uint64_t count = std::min(limit, total - offset);
  // Notes [first, last) in ascending order, 0-based.
  const std::uint64_t first = newest_first ? total - offset - count : offset;
  const std::uint64_t last = first + count;
  const bool backwards = total - last < first;
  std::uint64_t skip = backwards ? total - last : first;
  const std::string stream = domain::StreamId("deliverable", deliverable_id);
  // Enough events for the page when the stream is mostly notes; more rounds otherwise.
  const auto chunk = static_cast<std::size_t>(std::clamp<std::uint64_t>(skip + count, 16, 1000));
  nlohmann::json holder;
  std::uint64_t from = backwards ? UINT64_MAX : 0;
  while (out.items.size() < count) {
    auto page = store.ReadStream(stream, from,
                                 backwards ? storage::Direction::kBackwards : storage::Direction::kForwards,
                                 chunk);
    if (!page.ok()) return page.error();
    if (page->empty()) break;
    for (const auto& e : *page) {
      if (e.position > up_to) {
        if (backwards) continue;  // newer than asked: not counted
        break;
      }
      if (e.type != kNoteAdded) continue;
      if (skip > 0) {
        --skip;
        continue;
      }
      out.items.push_back(NoteOf(e, holder));
      if (out.items.size() == count) break;
    }
    const std::uint64_t v = page->back().stream_version;
    if (page->size() < chunk || (backwards ? v == 0 : page->back().position > up_to)) break;
    from = backwards ? v - 1 : v + 1;
  }
  // Ascending order first, then the order asked for.
  if (backwards) std::reverse(out.items.begin(), out.items.end());
  if (newest_first) std::reverse(out.items.begin(), out.items.end());
  return out;
}

}  // namespace assure::api
