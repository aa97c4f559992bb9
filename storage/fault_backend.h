// FaultBackend: a Backend that passes every call to another one, except
// where a test has asked it to fail. For tests of what the store and the
// layers above it do when the disk is full or failing (the injectable medium
// of STYLE.md: tests use a fake, never a real full disk).
//
// Faults (each may be set or cleared at any time, from any thread):
// - FailCommits(e): every Commit returns `e` and stores nothing (as RocksDB
//   does on a failed WAL write or sync: "No space left on device", an I/O
//   error), until cleared.
// - FailStateWrites(e): every PutState returns `e` (Commit still works), as
//   when a write of the idempotency record after a committed event fails.
// - FailReads(e): every read (Get*, Scan*, LoadHead) returns `e`.
// - FailResume(e): Resume returns `e` (the disk is still full).
// - HoldCommits(true): Commit waits until HoldCommits(false), so a test can
//   queue appends behind a commit in progress and have them form one group.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "storage/backend.h"

namespace assure::storage {

class FaultBackend final : public Backend {
 public:
  explicit FaultBackend(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}

  void FailCommits(std::optional<Error> e);
  // Commits from the n-th on (counting every Commit call from 1) fail with `e`.
  void FailCommitsFrom(std::uint64_t n, Error e);
  void FailStateWrites(std::optional<Error> e);
  void FailReads(std::optional<Error> e);
  void FailResume(std::optional<Error> e);
  void HoldCommits(bool hold);
  // Blocks until a Commit is waiting in HoldCommits (or has started).
  void AwaitHeldCommit();
  std::uint64_t commits() const { return commits_.load(); }
  std::uint64_t resumes() const { return resumes_.load(); }
  // Events ScanEvents has visited so far: what a reader scans of the log.
  std::uint64_t scanned_events() const { return scanned_events_.load(); }
  // Events read by position so far (GetEvent calls and each position of a
  // GetEvents): what a read cost in events (tests of bounded reads).
  std::uint64_t event_reads() const { return event_reads_.load(); }
  // State pairs ScanState has returned and VisitState has visited so far:
  // what a reader of the state area read (tests of bounded reads).
  std::uint64_t state_values_read() const { return state_values_read_.load(); }

  // A disk-full error as the RocksDB backend reports one.
  static Error NoSpace();

  Result<std::optional<StreamHead>> GetStreamHead(std::string_view stream_id) override;
  Result<std::optional<IdEntry>> GetIdEntry(const Uuid& id) override;
  Result<std::optional<std::string>> GetEvent(std::uint64_t position) override;
  Status GetEvents(std::span<const std::uint64_t> positions, const EventVisitor& visit) override;
  Result<LogHead> LoadHead() override;
  Result<std::optional<Hash256>> GetMerkleNode(std::uint8_t level, std::uint64_t index) override;
  Status ScanMerkleLevel(std::uint8_t level, const MerkleVisitor& visit) override;
  Status Commit(const CommitBatch& batch, bool sync) override;
  Status ScanEvents(std::uint64_t from, const EventVisitor& visit) override;
  Status ScanStream(std::string_view stream_id, std::uint64_t from_version, Direction direction,
                    const IndexVisitor& visit) override;
  Status ScanStreamIds(std::string_view prefix, std::string_view after,
                       const StreamIdVisitor& visit) override;
  Result<std::optional<std::string>> GetState(std::string_view key) override;
  Status PutState(const std::vector<KeyValue>& pairs, bool sync) override;
  Result<std::vector<KeyValue>> ScanState(std::string_view prefix) override;
  Status VisitState(std::string_view prefix, std::string_view from, const StateVisitor& visit) override;
  Status ClearState(std::string_view prefix) override;
  Status ScrubState(const std::vector<std::string>& erase, const std::vector<KeyValue>& replace) override;
  Status Checkpoint(const std::string& dir) override { return inner_->Checkpoint(dir); }
  Result<std::optional<std::string>> GetBlob(const Hash256& key) override;
  Status PutBlob(const Hash256& key, std::string_view bytes, bool sync) override;
  Status Resume() override;
  std::optional<EngineStats> Engine() override { return inner_->Engine(); }

 private:
  std::optional<Error> ReadFault() const;
  std::optional<Error> WriteFault() const;

  std::unique_ptr<Backend> inner_;
  mutable std::mutex mu_;  // guards the faults and held_
  std::optional<Error> commit_fault_, state_fault_, read_fault_, resume_fault_;
  std::uint64_t commit_fault_from_ = 1;  // commit_fault_ applies from this commit on
  bool hold_ = false;
  bool held_waiting_ = false;
  std::condition_variable cv_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> resumes_{0};
  std::atomic<std::uint64_t> scanned_events_{0};
  std::atomic<std::uint64_t> event_reads_{0};
  std::atomic<std::uint64_t> state_values_read_{0};
};

}  // namespace assure::storage
