// The security access log, kept apart from the business events.
//
// Storage: the event store's state area (never the event log), one entry per
// key "security/<seq>" where <seq> is the 20-digit zero-padded decimal
// sequence number from 1 (so key order is numeric order and keys stay
// UTF-8), and the next sequence number under "security-meta/next". Entries
// and the counter are written in one synced PutState batch (one entry, or
// the many a writer thread drains at once). Values are compact JSON objects
// (the fields of SecurityEvent; `at` as ISO 8601 UTC). Key names and fields
// are on-disk: never renamed.
//
// No entry is dropped. Once Start() has run, entries go through one writer
// thread that drains a bounded queue (queue_limit entries) and writes up to
// batch_limit of them per synced batch. Room in the queue is reserved before
// the action to be logged happens (Reserve): a request that cannot get room
// waits, or is refused (503) before it acts; an entry submitted with a
// reservation is always written. A failed write is retried (with back-off)
// until it succeeds; meanwhile the queue stays full, so privileged requests
// are refused rather than done unlogged. Stop() writes what is queued (one
// last attempt after a failure, logged as an error if it fails too).
// Before Start() (command-line tools) Record writes synchronously.
//
// What the server records: authentication failures, authorisation refusals,
// every request made with an assessor token, every state-changing request
// made with an admin token, and every access to routes flagged
// security_audit (evidence-pack downloads). Tokens are never recorded.
//
// Thread safety: every method may be called from any thread; Record blocks on
// a synced write (call it off I/O threads); Reserve blocks for at most its
// `wait`; Submit never blocks. Read seeks to its first entry and reads
// only its page; Prune reads every entry (one at a time, keeping the keys it
// deletes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/clock.h"
#include "storage/event_store.h"

namespace assure::auth {

namespace security_kind {
inline constexpr const char* kAuthenticationFailure = "authentication_failure";
inline constexpr const char* kForbidden = "forbidden";
inline constexpr const char* kAssessorAccess = "assessor_access";
inline constexpr const char* kAdminAction = "admin_action";
inline constexpr const char* kEvidencePackDownload = "evidence_pack_download";
inline constexpr const char* kAuditedAccess = "audited_access";
}  // namespace security_kind

struct SecurityEvent {
  std::uint64_t seq = 0;     // assigned by Record
  std::int64_t at_us = 0;    // assigned by Record
  std::string kind;          // one of security_kind
  std::string token_id;      // empty when unauthenticated
  std::string role;
  std::string client_ip;
  std::string method;
  std::string path;          // without the query string
  int status = 0;
  std::string detail;
  std::string correlation_id;

  nlohmann::json ToJson() const;
  static SecurityEvent FromJson(const nlohmann::json& j);
};

struct SecurityLogOptions {
  // Entries reserved, queued or being written at once. Default 16,384.
  std::size_t queue_limit = 16384;
  // Entries per synced batch. Default 1,024.
  std::size_t batch_limit = 1024;
  // First pause after a failed write; doubles up to 1 s. Default 50 ms.
  std::chrono::milliseconds retry_backoff{50};
  // Where write failures are reported (the server passes its error log).
  // Default: standard error.
  std::function<void(const std::string&)> report;
};

class SecurityLog {
 public:
  // Room for `count()` entries in the writer's queue, taken by Reserve and
  // used by Submit. Move-only; room not used is given back on destruction.
  class Slots {
   public:
    Slots() = default;
    Slots(Slots&& other) noexcept;
    Slots& operator=(Slots&& other) noexcept;
    Slots(const Slots&) = delete;
    Slots& operator=(const Slots&) = delete;
    ~Slots();
    std::size_t count() const { return count_; }

   private:
    friend class SecurityLog;
    Slots(SecurityLog* log, std::size_t count) : log_(log), count_(count) {}
    SecurityLog* log_ = nullptr;
    std::size_t count_ = 0;
  };

  SecurityLog(storage::EventStore& store, std::shared_ptr<storage::Clock> clock,
              SecurityLogOptions options = {});
  ~SecurityLog();  // Stop()
  SecurityLog(const SecurityLog&) = delete;
  SecurityLog& operator=(const SecurityLog&) = delete;

  // Reads the sequence counter. Call once before Record or Start.
  Status Open();
  // Starts the writer thread (after Open). Call once.
  void Start();
  // Writes every queued entry, then joins the writer. Idempotent. Reserve
  // refuses from then on; Record writes synchronously again.
  void Stop();

  // Room for n entries (1 <= n <= queue_limit), waiting up to `wait` for it;
  // nullopt when there is none in time (or the writer has stopped). Without
  // a writer (before Start) room is always granted.
  std::optional<Slots> Reserve(std::size_t n, std::chrono::milliseconds wait);
  // Queues an entry in one of `slots` (at_us stamped now, seq when written).
  // Never blocks and never drops: the caller must hold an unused slot
  // (a programmer error otherwise, asserted). Without a writer, writes
  // synchronously (errors logged).
  void Submit(Slots& slots, SecurityEvent event);
  // Reserves, queues, and returns once the entry is durable, with the
  // write's status; kUnavailable when there was no room or the write did not
  // finish within 10 s (the entry, once queued, is still written).
  Status Record(SecurityEvent event);
  // Entries with seq >= from_seq, at most limit, oldest first (an entry that
  // does not read is skipped); memory and reads follow the page, not the log.
  Result<std::vector<SecurityEvent>> Read(std::uint64_t from_seq, std::size_t limit);
  // Retention: deletes every entry recorded before `before_us`
  // (EventStore::EraseState: gone from the store's files too) and returns
  // how many. The entries kept stay gapless from the first kept one; the
  // security log is not part of the hash chain (storage/FORMAT.md 2.1), so
  // no proof depends on the entries deleted.
  Result<std::size_t> Prune(std::int64_t before_us);

 private:
  struct Queued {
    SecurityEvent event;
    std::shared_ptr<std::promise<Status>> done;  // Record's waiter, or null
  };
  void Release(std::size_t n);
  void Enqueue(Queued q);
  // Writes `batch` (assigning seqs) in one synced PutState. Caller holds
  // write_mu_.
  Status WriteBatchLocked(std::vector<Queued>& batch);
  void WriterLoop();
  void Report(const std::string& message) const;

  storage::EventStore& store_;
  std::shared_ptr<storage::Clock> clock_;
  const SecurityLogOptions options_;

  std::mutex write_mu_;  // serialises writes: one sequence, one writer
  std::uint64_t next_seq_ = 1;

  std::mutex mu_;  // the queue and its accounting
  std::condition_variable work_cv_;
  std::condition_variable room_cv_;
  std::deque<Queued> queue_;
  std::size_t used_ = 0;  // reserved + queued + being written
  bool running_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace assure::auth
