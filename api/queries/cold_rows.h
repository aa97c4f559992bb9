// Where the live read model keeps the rows it has let go cold: a meeting or
// document not changed within the hot window (NetworkProjection) is slimmed
// (slim_rows.h), written to the store's state area under a key of its own,
// and dropped from memory, so the model's memory follows what is active, not
// how many meetings and documents the network has ever had. EntityTable
// reads a cold row back when it is looked up (Find) or scanned (ForEach),
// decoding it each time; nothing of it stays in memory.
//
// Keys and values (storage/FORMAT.md 2.1, row1/): "row1/<kind>/<id>" (kind: the
// aggregate's on-disk kind, "meeting" or "controlled_document"); the value
// is byte kColdRowLayout (0x02), then the row's stream version and global
// position (LEB128), then the length (LEB128) and bytes of the slim state's
// snapshot JSON (the aggregate's SnapshotJson, as a snapshot row's "state",
// FORMAT.md 2.1), then the slim row's packed part to the end (a meeting's
// attendance, decisions and open actions, layout in slim_rows.h and
// FORMAT.md; nothing for a document). Another first byte does not read back
// (0x01 was the layout whose meetings packed no open actions).
//
// A cold row is written unsynced: the model's snapshot that leaves it out is
// written after it, synced, and one write-ahead log makes both durable in
// that order. A row in memory shadows a cold row of the same id (it was
// loaded back when an event of it came, and is newer); the cold one is
// overwritten when the row goes cold again. An event of a cold row loads the
// row whole from its stream, up to the event before, whatever the cold row
// holds (NetworkModel::Unslim): so a snapshot, the cold rows and the log
// replayed after the snapshot agree whatever a crash kept of the unsynced
// cold writes (a cold row written after the snapshot is newer than the
// events replayed, one lost leaves an older one or none; a row the snapshot
// left out was cold before it, so durable by then).
//
// Thread safety: as the store's; the table that uses it serialises writes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api {

class ColdRows {
 public:
  // The rows of `kind` in `store` (which must outlive this).
  ColdRows(storage::EventStore& store, std::string_view kind);

  std::string Key(std::string_view id) const { return prefix_ + std::string(id); }
  // The value of `id`'s cold row, if it has one.
  Result<std::optional<std::string>> Get(std::string_view id) const;
  // fn(id, value) for every cold row in id order, until fn returns false.
  Status Visit(const std::function<bool(std::string_view id, std::string_view value)>& fn) const;
  // Writes the pairs (keys from Key) in one batch, unsynced.
  Status Put(const std::vector<storage::KeyValue>& pairs) const;
  // Deletes every cold row (a rebuild of the model from the log).
  Status Clear() const;

  // Reads that failed and values that did not decode, since this was made:
  // such a row is left out of a lookup or a scan (there is no other copy of
  // it but the log; a rebuild makes it again).
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  void CountFailure() const { failures_.fetch_add(1, std::memory_order_relaxed); }

 private:
  storage::EventStore& store_;
  std::string prefix_;
  mutable std::atomic<std::uint64_t> failures_{0};
};

// The first byte of a cold row's value: its layout.
inline constexpr char kColdRowLayout = '\x02';

// Unsigned LEB128, as the cold rows' and slim meetings' bytes use it.
void PutLeb128(std::string& out, std::uint64_t n);
// Reads one from the front of `in`; false (in unchanged) if it runs past
// the end or past 64 bits.
bool GetLeb128(std::string_view& in, std::uint64_t& n);

}  // namespace assure::api
