// The event store: an append-only, hash-chained log of opaque event records.
//
// Contract
// - Positions are global, gapless and start at 1; stream versions are 0-based
//   and gapless per stream. Nothing is ever updated or deleted.
// - Append is atomic per call (all events or none) and durable when it
//   returns ok: the write-ahead log has been synced. Concurrent appends are
//   group-committed by one writer; expected-version checks stay exact.
// - Every error is a value (Result). On any error nothing was written.
// - Listeners registered with Subscribe are called after each commit, in
//   global-position order, on the store's answering thread, before the
//   appends of that commit return: they must be quick and must not call
//   Append (enqueue and return).
//
// Thread safety: every method may be called from any thread concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/clock.h"
#include "storage/store_stats.h"
#include "storage/types.h"

namespace assure::storage {

struct StoreOptions {
  // Largest canonical encoding of one event (FORMAT.md), in bytes. Default 1 MiB.
  std::size_t max_event_bytes = 1 << 20;
  // Most events in one Append call. Default 1000.
  std::size_t max_events_per_append = 1000;
  // Longest stream id in bytes. Default 200.
  std::size_t max_stream_id_bytes = 200;
  // Longest event type name in bytes. Default 128.
  std::size_t max_type_bytes = 128;
  // Largest blob (document content) PutBlob accepts. Default 64 MiB.
  std::size_t max_blob_bytes = 64 << 20;
  // Largest page ReadStream / ReadAll return, whatever the caller asks. Default 10,000.
  std::size_t max_page = 10000;
  // Most bytes of event data one group commit gathers before it writes. Default 4 MiB.
  std::size_t max_group_bytes = 4 << 20;
  // Sync the WAL on every commit (durability). Only tests of pure logic and
  // benchmarks of the non-durable case turn this off. Default true.
  bool sync = true;
  // Create the store when the directory holds none. Tools that only read
  // (assure verify) turn this off. Default true.
  bool create_if_missing = true;
  // While writes are suspended after a failed commit (a full or failing
  // disk), how often an append may first ask the backend to resume. Default 1 s.
  std::chrono::milliseconds resume_interval{1000};
  // The free-space reserve of a RocksDB store: a commit (or any write) that
  // would leave less than this free on the store's file system is refused
  // before it reaches RocksDB, and writes are suspended (kWritesSuspended)
  // until the reserve is free again, then resume in place. A disk that
  // fills past the reserve (another process, a large flush) still fails
  // RocksDB's own write, and that store resumes only when reopened. 0: no
  // reserve. Default 64 MiB.
  std::uint64_t min_free_bytes = 64u << 20;
  // RocksDB's memory, bounded by these two budgets rather than by what the
  // store holds (see rocks_backend.h): the write buffers (memtables) of all
  // column families together, and the block cache that every table's data,
  // index and filter blocks are read through. Defaults 64 MiB and 32 MiB.
  std::uint64_t memtable_bytes = 64u << 20;
  std::uint64_t block_cache_bytes = 32u << 20;
  // How the tables RocksDB writes from now on keep their index and Bloom
  // filters: true, in partitions of about 4 KiB under a small top-level
  // index that stays in the cache (a lookup reads the top level, one index
  // partition, one filter partition and a data block); false, one index
  // block and one filter block per table, read whole through the cache. On a
  // store much larger than the cache a large table's index block (megabytes)
  // is evicted and read whole again for a lookup. Tables already written are
  // read as they are, so the setting can change between opens. Default
  // true.
  bool partitioned_index = true;
  // The store's own cache of recently written streams' heads (their version
  // and last position, so that an append's expected-version check reads
  // nothing): each entry is charged its stream id's bytes plus 96; past the
  // budget the cache is emptied and refills. Default 16 MiB (about 100,000
  // streams).
  std::size_t stream_heads_bytes = 16u << 20;
  // Open without writing a byte to the directory (RocksDB's read-only open:
  // no lock file taken, no info log rotated, no WAL recovery written back):
  // for a store on read-only media or an archived copy. The write-ahead
  // log's last commits are read into memory, so nothing acknowledged is
  // missing. Every write is refused naming the read-only open: Append
  // with kWritesSuspended (nothing can be written), PutState and PutBlob
  // with kUnavailable. Implies create_if_missing =
  // false. A store in use by a running server is refused (kUnavailable), as
  // a read-write open is. The CLI's reading commands (verify, export,
  // programmes; pack on an unwritable directory) use it. Default false.
  bool read_only = false;
  // Time source for recorded_at and id generator for events without an id.
  // Default: the system clock and OpenSSL's CSPRNG.
  std::shared_ptr<Clock> clock;
  std::shared_ptr<IdSource> ids;
  // Called by the thread that led each successful group commit, after the
  // commit and before its appends are answered (metrics). Must be quick,
  // must not throw and must not call the store. Default none.
  std::function<void(const CommitSample&)> on_commit;
};

using Listener = std::function<void(const std::vector<RecordedEvent>&)>;
// Receives the result of an AppendAsync.
using AppendCallback = std::function<void(Result<AppendResult>)>;

// One stream's part of an append that spans several streams (AppendMany).
struct StreamAppend {
  std::string stream_id;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<ProposedEvent> events;
  // Content the events refer to by SHA-256 (a document version's bytes),
  // stored content-addressed as PutBlob does, in the same synced batch as
  // the events: both or neither. Not stored when the part is refused or is
  // an idempotent replay (the first attempt stored it). Each at most
  // max_blob_bytes (kTooLarge).
  std::vector<Blob> blobs;
};
// Receives the result of an AppendManyAsync: one AppendResult per part, in
// the order of the parts.
using AppendManyCallback = std::function<void(Result<std::vector<AppendResult>>)>;

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends `events` to `stream_id` if the stream matches `expected`.
  // Errors: kInvalidArgument / kTooLarge (bad input), kWrongExpectedVersion
  // (with actual_version), kIdempotencyConflict (an event id already stored
  // with other content, or a retry with another expected version),
  // kIoError. A retry of an already-stored append returns its original
  // positions with idempotent_replay = true.
  virtual Result<AppendResult> Append(std::string_view stream_id, ExpectedVersion expected,
                                      std::vector<ProposedEvent> events) = 0;

  // Append without waiting for the commit: `done` is called exactly once
  // with what Append would have returned. An append refused by its own
  // validation is answered on the caller's thread before this returns; any
  // other result comes after the group commit (durable) and after the
  // listeners ran, on the store's answering thread. `done` must be quick and
  // must not throw or call Append (it may call AppendAsync).
  virtual void AppendAsync(std::string_view stream_id, ExpectedVersion expected,
                           std::vector<ProposedEvent> events, AppendCallback done) = 0;

  // Appends to several streams as one unit: every part's expected version
  // is checked, then all parts are written in one commit (positions follow
  // the order of the parts), or none is. The streams must differ. A retry of
  // an append whose every event id is stored returns the original results
  // (idempotent_replay); some stored and some not is kIdempotencyConflict.
  // Errors as Append's; a refusal names the part ("parts[1]: ...").
  virtual Result<std::vector<AppendResult>> AppendMany(std::vector<StreamAppend> parts) = 0;
  // AppendMany without waiting, answered as AppendAsync is.
  virtual void AppendManyAsync(std::vector<StreamAppend> parts, AppendManyCallback done) = 0;

  // Blocks until every AppendAsync accepted so far has been answered (its
  // `done` returned). A server calls this on shutdown, before what the
  // callbacks use goes away.
  virtual void WaitForAsyncAppends() = 0;

  // Up to max_count events of a stream starting at from_version, forwards
  // (ascending) or backwards (descending; from_version UINT64_MAX = the end).
  // An absent stream is kNotFound.
  virtual Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream_id,
                                                        std::uint64_t from_version,
                                                        Direction direction,
                                                        std::size_t max_count) = 0;

  // Up to max_count events at or after from_position that pass the filter.
  // A filtered read examines at most 16 x max_page events per call; the page
  // says where to continue.
  virtual Result<ReadAllPage> ReadAll(std::uint64_t from_position, std::size_t max_count,
                                      const ReadAllFilter& filter = {}) = 0;
  // ReadAll without a filter, into `page`: its events are overwritten in
  // place, their strings keeping their capacity, so that a long scan which
  // hands its pages back (the evidence pack's) allocates nothing once its
  // pages are warm. On an error the page's contents are unspecified.
  virtual Status ReadAllInto(std::uint64_t from_position, std::size_t max_count, ReadAllPage& page) = 0;

  // One event by global position; kNotFound when past the head.
  virtual Result<RecordedEvent> ReadEvent(std::uint64_t position) = 0;

  virtual Result<StreamInfo> GetStreamInfo(std::string_view stream_id) = 0;

  // Up to max_count (at most max_page) ids of the streams whose id starts
  // with `prefix` and sorts after `after` ("" = from the first), ascending
  // by byte. Read from the stream index: the cost is that of the matching
  // streams, not of the log (a start-up index of a few streams, such as the
  // tokens', need not scan every event). Fewer than max_count: the last page.
  virtual Result<std::vector<std::string>> StreamIds(std::string_view prefix, std::string_view after,
                                                     std::size_t max_count) = 0;

  // The position of the event with this id, if one is stored.
  virtual Result<std::optional<std::uint64_t>> FindEventId(const Uuid& event_id) = 0;

  // The last position whose recorded_at is at or before `at_us` (0 when the
  // first event is later). recorded_at never decreases along positions, so
  // this is a binary search.
  virtual Result<std::uint64_t> PositionAt(std::int64_t at_us) = 0;

  virtual LogHead Head() const = 0;

  // Why writes are suspended, or nullopt when the store writes. A commit that
  // fails (disk full, I/O error) fails every append of its group and
  // suspends writes: every later append is refused with kWritesSuspended
  // (nothing written) while reads go on. The store asks its medium to resume
  // at most every StoreOptions::resume_interval as appends arrive, and
  // TryResumeWrites asks at once; the suspension lifts when the medium resumes.
  virtual std::optional<Error> WriteFailure() const = 0;
  virtual Status TryResumeWrites() = 0;
  // How many times a listener or an AppendAsync callback threw (the store
  // catches it and goes on).
  virtual std::uint64_t ListenerFailures() const = 0;
  // Queue depths and the engine's figures, read now (store_stats.h). May
  // read the disk (the directory's size): not for a hot path.
  virtual StoreStats Stats() const { return {}; }

  // Merkle tree over the log (merkle.h, FORMAT.md section 4). Tree sizes
  // count events: the tree of size n holds positions 1..n. A size past the
  // head is kInvalidArgument.
  virtual Result<Hash256> MerkleRoot(std::uint64_t tree_size) = 0;
  // The audit path of the event at `position` in the tree of `tree_size`.
  virtual Result<std::vector<Hash256>> InclusionProof(std::uint64_t position,
                                                      std::uint64_t tree_size) = 0;
  // Proof that the tree of from_size is a prefix of the tree of to_size.
  virtual Result<std::vector<Hash256>> ConsistencyProof(std::uint64_t from_size,
                                                        std::uint64_t to_size) = 0;
  // The stored leaf hashes of positions 1..count (leaf i - 1 is position
  // i's), as committed with the events: one scan, no event decoded or
  // hashed. A count past the head is kInvalidArgument; a leaf missing from
  // the store is kCorruption.
  virtual Result<std::vector<Hash256>> MerkleLeaves(std::uint64_t count) = 0;

  // Walks the chain over [from, to] (to = 0 or past the head: to the head),
  // recomputing every hash. Reports the first position that does not verify.
  virtual Result<VerifyReport> Verify(std::uint64_t from, std::uint64_t to) = 0;

  // Listeners get each committed group in position order. Returns an id for
  // Unsubscribe. Unsubscribe waits until no call to that listener is running.
  virtual std::uint64_t Subscribe(Listener listener) = 0;
  virtual void Unsubscribe(std::uint64_t id) = 0;

  // Named checkpoints and small state: a key-value area written atomically.
  // PutState writes every pair in one batch (all or none), synced unless
  // `sync` is false (for caches that can be rebuilt, e.g. stream snapshots).
  virtual Result<std::optional<std::string>> GetState(std::string_view key) = 0;
  virtual Status PutState(const std::vector<KeyValue>& pairs, bool sync = true) = 0;
  // Every (key, value) whose key starts with prefix, in key order.
  virtual Result<std::vector<KeyValue>> ScanState(std::string_view prefix) = 0;
  // The same pairs, one at a time, without copying them all first, from the
  // first key at or after `from` (empty: the prefix's first): visit returns
  // false to stop. The key and value are valid during the call only. What a
  // concurrent PutState writes meanwhile may or may not be seen.
  virtual Status VisitState(std::string_view prefix, std::string_view from,
                            const std::function<bool(std::string_view key, std::string_view value)>& visit) = 0;
  // Deletes every key that starts with `prefix` (one batch, not synced: the
  // next synced write makes it durable). The values may stay in the store's
  // files until compaction: not for secrets (EraseState is). Read-only
  // opens: kUnavailable.
  virtual Status ClearState(std::string_view prefix) = 0;
  // The (key, value) with the greatest key that starts with prefix and, if
  // `below` is not empty, sorts before `below`, if any: ScanState's last such
  // key, found without reading the others (the newest of keys that grow, e.g.
  // checkpoints by tree size, or the newest at or before a position).
  virtual Result<std::optional<KeyValue>> LastState(std::string_view prefix,
                                                    std::string_view below = {}) = 0;
  // Deletes `keys` (absent ones are no error) and puts their values beyond
  // recovery from the store's files, for secrets that must be destroyed
  // (FORMAT.md 2.2): the delete is synced, every column family is flushed
  // (so no write-ahead-log file still holding the values stays alive) and
  // the keys' range of the state area is compacted to the bottom level (so
  // no table file still holds them). Slow (a flush and a compaction): not
  // for routine writes. Read-only opens: kUnavailable.
  virtual Status EraseState(const std::vector<std::string>& keys) = 0;
  // Writes `pairs` in one synced batch and puts the values they replace
  // beyond recovery, as EraseState does for deleted ones (e.g. data keys
  // re-wrapped under a new master key). Read-only opens: kUnavailable.
  virtual Status ReplaceStateBeyondRecovery(const std::vector<KeyValue>& pairs) = 0;

  // An online, consistent copy of the store's database in `dir` (absolute;
  // must not exist; created), openable with OpenRocksStore: every append
  // acknowledged before the call is in it (the memtables are flushed first and
  // the write-ahead log still live is copied with the tables), and so may be
  // appends made during it; never part of an append group. Table files are
  // hard-linked when `dir` is on the store's file system (so they take no
  // space until the store compacts them away), copied otherwise. Files that
  // live beside the database (signing-key.pem, master.key) are not copied.
  // Concurrent with appends and reads. The in-memory store: kUnavailable.
  virtual Status Checkpoint(const std::string& dir) = 0;

  // Content-addressed bytes (controlled documents' contents): stored under
  // their SHA-256, synced before PutBlob returns; storing the same bytes again
  // is a no-op. Events refer to blobs by hash, so the hash chain covers them.
  // Over max_blob_bytes is kTooLarge.
  virtual Result<Hash256> PutBlob(std::string_view bytes) = 0;
  virtual Result<std::optional<std::string>> GetBlob(const Hash256& sha256) = 0;
};

// An in-memory store with the same behaviour (no durability). For tests.
std::unique_ptr<EventStore> NewMemoryStore(StoreOptions options = {});

// Opens (creating if missing) the RocksDB store in `dir`. Refuses a directory
// that is not an Assure store or was written by a newer format version.
// With options.read_only, opens without writing (see StoreOptions).
Result<std::unique_ptr<EventStore>> OpenRocksStore(const std::string& dir,
                                                    StoreOptions options = {});

}  // namespace assure::storage
