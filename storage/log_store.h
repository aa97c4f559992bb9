// LogStore: the EventStore implementation over any Backend.
//
// Write path (the shape of LevelDB's DBImpl::Write): each Append validates its
// input on the caller's thread, then joins a queue. The writer at the front
// becomes the group leader: it takes the queued appends (up to
// max_group_bytes), checks each one's expected version and idempotency
// against the committed state plus the earlier appends of the same group,
// assigns positions, versions, times and chain hashes, and commits the whole
// group as one synced batch, and hands leadership to the next queued writer.
// A failed check fails only that append; a failed commit fails every append
// of the group (each was decided against the group's uncommitted events: a
// write, a retry replayed from an earlier writer's events, a refusal because
// of an earlier writer) and suspends writes (kWritesSuspended) until the
// backend resumes; reads go on. An append may name several streams
// (AppendMany): its parts are checked first, then decided together.
//
// AppendAsync queues the same way but does not wait: a committer thread
// (started by the first AppendAsync) leads when an asynchronous append is at
// the front. One group is led at a time (leading_). A leader hands its
// committed group to the answering thread and leadership to the next writer
// at once: the answering thread runs the listeners, then wakes the group's
// synchronous writers and calls its asynchronous ones' callbacks, in commit
// order, while the next group commits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/append_validation.h"
#include "storage/backend.h"
#include "storage/event_store.h"
#include "storage/merkle.h"

namespace assure::storage {

class LogStore final : public EventStore {
 public:
  // Loads the chain head and checks it against the stored events.
  static Result<std::unique_ptr<LogStore>> Open(std::unique_ptr<Backend> backend,
                                                StoreOptions options);

  Result<AppendResult> Append(std::string_view stream_id, ExpectedVersion expected,
                              std::vector<ProposedEvent> events) override;
  void AppendAsync(std::string_view stream_id, ExpectedVersion expected,
                   std::vector<ProposedEvent> events, AppendCallback done) override;
  Result<std::vector<AppendResult>> AppendMany(std::vector<StreamAppend> parts) override;
  void AppendManyAsync(std::vector<StreamAppend> parts, AppendManyCallback done) override;
  std::optional<Error> WriteFailure() const override;
  Status TryResumeWrites() override;
  std::uint64_t ListenerFailures() const override;
  StoreStats Stats() const override;
  void WaitForAsyncAppends() override;
  // Commits the asynchronous appends still queued, then stops the committer.
  ~LogStore() override;
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream_id,
                                                std::uint64_t from_version, Direction direction,
                                                std::size_t max_count) override;
  Result<ReadAllPage> ReadAll(std::uint64_t from_position, std::size_t max_count,
                              const ReadAllFilter& filter) override;
  Status ReadAllInto(std::uint64_t from_position, std::size_t max_count, ReadAllPage& page) override;
  Result<RecordedEvent> ReadEvent(std::uint64_t position) override;
  Result<StreamInfo> GetStreamInfo(std::string_view stream_id) override;
  Result<std::vector<std::string>> StreamIds(std::string_view prefix, std::string_view after,
                                             std::size_t max_count) override;
  Result<std::optional<std::uint64_t>> FindEventId(const Uuid& event_id) override;
  Result<std::uint64_t> PositionAt(std::int64_t at_us) override;
  LogHead Head() const override;
  Result<Hash256> MerkleRoot(std::uint64_t tree_size) override;
  Result<std::vector<Hash256>> MerkleLeaves(std::uint64_t count) override;
  Result<std::vector<Hash256>> InclusionProof(std::uint64_t position,
                                              std::uint64_t tree_size) override;
  Result<std::vector<Hash256>> ConsistencyProof(std::uint64_t from_size,
                                                std::uint64_t to_size) override;
  Result<VerifyReport> Verify(std::uint64_t from, std::uint64_t to) override;
  std::uint64_t Subscribe(Listener listener) override;
  void Unsubscribe(std::uint64_t id) override;
  Result<std::optional<std::string>> GetState(std::string_view key) override;
  Status PutState(const std::vector<KeyValue>& pairs, bool sync = true) override;
  Result<std::vector<KeyValue>> ScanState(std::string_view prefix) override;
  Status VisitState(std::string_view prefix, std::string_view from,
                    const std::function<bool(std::string_view key, std::string_view value)>& visit) override;
  Status ClearState(std::string_view prefix) override;
  Result<std::optional<KeyValue>> LastState(std::string_view prefix,
                                            std::string_view below = {}) override;
  Status EraseState(const std::vector<std::string>& keys) override;
  Status ReplaceStateBeyondRecovery(const std::vector<KeyValue>& pairs) override;
  Status Checkpoint(const std::string& dir) override;
  Result<Hash256> PutBlob(std::string_view bytes) override;
  Result<std::optional<std::string>> GetBlob(const Hash256& sha256) override;
  // What the stream-heads cache is charged now (StoreOptions::stream_heads_bytes).
  std::size_t CachedHeadBytes() const;

 private:
  struct Part;
  struct Writer;
  struct Group;

  LogStore(std::unique_ptr<Backend> backend, StoreOptions options, LogHead head,
           MerkleFrontier frontier);
  Result<Hash256> Node(std::uint8_t level, std::uint64_t index);
  // Fills upper_ from the backend (at open).
  Status LoadUpperNodes();
  // The first `count` stored nodes of a Merkle level; kCorruption when one
  // is missing.
  static Result<std::vector<Hash256>> ScanLevel(Backend& backend, std::uint8_t level, std::uint64_t count);
  Status CheckTreeSize(std::uint64_t tree_size, const char* field) const;
  // Decides one append within its group; adds its events to the group batch.
  Result<std::vector<AppendResult>> Decide(Writer& w, Group& g);
  Result<AppendResult> CheckRetry(Part& part, Group& g, std::size_t already_stored,
                                  const IdEntry& first);
  Result<std::optional<StreamHead>> HeadOf(Group& g, const std::string& stream);
  Result<RecordedEvent> EventAt(Group& g, std::uint64_t position);
  // Validates an append (PrepareAppend) into a queue entry.
  Status PrepareWriter(Writer& w, std::vector<StreamAppend> parts);
  // After a failed commit: writes are refused (kWritesSuspended) until the
  // backend resumes. Returns the error to answer the failed group with.
  Error SuspendWrites(const Error& cause);
  // kWritesSuspended while suspended; at most every resume_interval it first
  // asks the backend to resume, and lifts the suspension when it does.
  Status RefuseWhileSuspended();
  // Decides and commits a group; returns the events committed.
  std::vector<RecordedEvent> CommitGroup(std::vector<Writer*>& group);
  // With `lock` (on queue_mu_) held, !leading_ and a writer at the front:
  // commits one group from the front, answers it and returns with `lock`
  // held again.
  void LeadGroup(std::unique_lock<std::mutex>& lock);
  void CommitterLoop();
  void AnswererLoop();
  void Notify(const std::vector<RecordedEvent>& events);

  std::unique_ptr<Backend> backend_;
  StoreOptions options_;

  mutable std::mutex queue_mu_;     // guards writers_ and the members down to stopping_
  std::deque<Writer*> writers_;     // asynchronous ones are owned by the queue
  bool leading_ = false;            // a thread is committing a group
  std::size_t async_pending_ = 0;   // AppendAsync calls not yet answered
  std::condition_variable committer_cv_;  // the committer: an async writer leads, or stop
  std::condition_variable async_idle_cv_; // async_pending_ reached 0
  std::thread committer_;
  bool stopping_ = false;
  // Committed groups waiting for their listeners and answers, in commit order.
  struct Answer {
    std::vector<RecordedEvent> events;
    std::vector<Writer*> writers;
  };
  std::deque<Answer> answers_;
  std::condition_variable answerer_cv_;
  std::thread answerer_;  // started by the first group
  bool answerer_stop_ = false;

  mutable std::mutex head_mu_;      // guards head_, frontier_
  LogHead head_;
  MerkleFrontier frontier_;         // the Merkle tree's right edge at head_

  // The Merkle nodes of levels >= kUpperLevel (1/256 of all nodes: 64 bytes
  // per 256 events, 0.25 MB at 1,000,000 events, loaded when the store
  // opens) held in memory: a proof reads at most kUpperLevel nodes below
  // them (one per level) from the backend, point lookups answered from the
  // block cache. Level 2 (16 bytes an event, all but the lowest two levels)
  // was kept while a point lookup re-read a large table's filter block
  // (session 17's block cache fix): in a ten-minute soak of notes and
  // ratings (7.6 million events) it was 122 MB, all of the server's RSS
  // growth. upper_[l - kUpperLevel][i] is node
  // (l, i); nodes are immutable once stored, and appended as groups commit.
  static constexpr std::uint8_t kUpperLevel = 8;
  mutable std::shared_mutex upper_mu_;  // guards upper_
  std::vector<std::vector<Hash256>> upper_;

  // The committed heads of recently written streams, so that an append's
  // expected-version check and GetStreamInfo need no read of the backend.
  // Only the thread leading a group fills it (after its commit, or with what
  // it read while no commit could run), so an entry is never older than the
  // backend's; past options_.stream_heads_bytes it is emptied and refills.
  static constexpr std::size_t kHeadEntryBytes = 96;  // a map node and a StreamHead
  mutable std::shared_mutex heads_mu_;  // guards heads_, heads_bytes_
  std::size_t heads_bytes_ = 0;
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, StreamHead, StringHash, std::equal_to<>> heads_;
  std::optional<StreamHead> CachedHead(std::string_view stream) const;
  void CacheHeads(const std::vector<std::pair<std::string, StreamHead>>& heads);

  std::mutex listeners_mu_;         // guards listeners_, next_listener_
  std::map<std::uint64_t, std::shared_ptr<Listener>> listeners_;
  std::uint64_t next_listener_ = 1;
  std::mutex notify_mu_;            // held while listeners run
  std::atomic<std::uint64_t> listener_failures_{0};

  mutable std::mutex suspend_mu_;   // guards suspended_, last_resume_attempt_
  std::optional<Error> suspended_;  // why writes are suspended
  std::chrono::steady_clock::time_point last_resume_attempt_;
};

}  // namespace assure::storage
