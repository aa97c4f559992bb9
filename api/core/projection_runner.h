// Feeds projections from the event store, in global order.
//
// Start() restores each projection's snapshot and the shared checkpoint (all
// written in one atomic PutState), catches up from the checkpoint, then
// subscribes to the store: events committed later are applied on the
// store's answering thread before the append returns, so a client that wrote and
// then reads sees its write. A gap between the checkpoint and a notification
// is filled by reading the log. If a projection fails on an event the runner
// stops at that position and reports it (failure()); it never skips.
//
// Thread safety: all methods are thread-safe. Queries hold ReadLock() while
// they read projections.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "api/core/projection.h"
#include "storage/event_store.h"

namespace assure::api {

class ProjectionRunner {
 public:
  ProjectionRunner(storage::EventStore& store, std::vector<std::shared_ptr<Projection>> projections);
  ~ProjectionRunner();
  ProjectionRunner(const ProjectionRunner&) = delete;
  ProjectionRunner& operator=(const ProjectionRunner&) = delete;

  // Restore, catch up, subscribe. Call once.
  Status Start();
  // Forgets every read model and replays the log from position 1.
  Status Rebuild();
  // Writes every snapshot's text and the checkpoint in one atomic, synced
  // batch, after the snapshots' parts (in slot "a" or "b", whichever the
  // saved snapshots do not use, so a save cut short leaves those whole):
  // the models as they were at one position, taken under the lock (shared,
  // so events wait) only while each projection's SnapshotLater() copies
  // what it needs; rendered and written without it. One save at a
  // time. Nothing is written when the models are still at the position this
  // runner last saved (an idle server does not rewrite the same snapshot
  // every interval).
  Status SaveSnapshots();

  std::uint64_t position() const;
  std::optional<Error> failure() const;
  // Waits until position() >= target or the timeout passes; true if reached.
  bool WaitFor(std::uint64_t target, std::chrono::milliseconds timeout) const;

  std::shared_lock<std::shared_mutex> ReadLock() const { return std::shared_lock(mu_); }

 private:
  // Applies events from the log after position_ up to `to` (0: the end).
  // Caller holds mu_ exclusively.
  Status CatchUpLocked(std::uint64_t to);
  Status ApplyLocked(const storage::RecordedEvent& e);
  // The slot of the saved snapshots' parts: "a" or "b"; "" when none is
  // stored or the stored value is neither.
  Result<std::string> SavedSlot() const;
  void OnCommitted(const std::vector<storage::RecordedEvent>& events);

  storage::EventStore& store_;
  std::vector<std::shared_ptr<Projection>> projections_;
  mutable std::shared_mutex mu_;  // guards projections_' models, position_, failure_
  std::uint64_t position_ = 0;
  std::optional<Error> failure_;
  // Empties the saved checkpoint (synced) and resets every projection, to
  // replay the log from its start; on failure the runner stops (failure_).
  // Under mu_.
  Status StartOverLocked();
  // position_, readable without mu_ (WaitFor must not take mu_: lock order is
  // mu_ then wait_mu_).
  std::atomic<std::uint64_t> applied_{0};
  mutable std::mutex wait_mu_;
  mutable std::condition_variable advanced_;
  std::uint64_t subscription_ = 0;
  std::mutex save_mu_;  // one SaveSnapshots at a time (taken before mu_)
  std::optional<std::uint64_t> saved_position_;  // guarded by save_mu_
};

}  // namespace assure::api
