// LogStore: opening a log (checking its head, loading the Merkle tree's
// upper levels), its listeners, and the suspension of writes after a failed
// commit. The append queue and its threads are in log_store_queue.cc, one
// group commit in log_store_commit.cc, the readers in log_store_read.cc.
#include "storage/log_store.h"

#include "storage/codec.h"

namespace assure::storage {

LogStore::LogStore(std::unique_ptr<Backend> backend, StoreOptions options, LogHead head,
                   MerkleFrontier frontier)
    : backend_(std::move(backend)),
      options_(std::move(options)),
      head_(head),
      frontier_(std::move(frontier)) {
  if (!options_.clock) options_.clock = SystemClock();
  if (!options_.ids) options_.ids = RandomIds();
}

Result<std::unique_ptr<LogStore>> LogStore::Open(std::unique_ptr<Backend> backend,
                                                 StoreOptions options) {
  auto head = backend->LoadHead();
  if (!head.ok()) return head.error();
  if (head->position > 0) {
    auto last = backend->GetEvent(head->position);
    if (!last.ok()) return last.error();
    Hash256 stored{};
    if (!last->has_value() || !CanonicalPart(**last, &stored).ok() || stored != head->hash) {
      return MakeError(ErrorCode::kCorruption,
                       "the log head record (position " + std::to_string(head->position) +
                           ") does not match the stored events; run 'assure verify'");
    }
  }
  auto next = backend->GetEvent(head->position + 1);
  if (!next.ok()) return next.error();
  if (next->has_value()) {
    return MakeError(ErrorCode::kCorruption, "events are stored past the log head (position " +
                                                 std::to_string(head->position) + ")");
  }
  Backend* raw = backend.get();
  auto frontier = MerkleFrontier::Load(
      head->position, [raw](std::uint8_t level, std::uint64_t index) -> Result<Hash256> {
        auto n = raw->GetMerkleNode(level, index);
        if (!n.ok()) return n.error();
        if (!n->has_value()) {
          return MakeError(ErrorCode::kCorruption, "a Merkle tree node of the log head is missing");
        }
        return **n;
      });
  if (!frontier.ok()) return frontier.error();
  std::unique_ptr<LogStore> store(
      new LogStore(std::move(backend), std::move(options), *head, std::move(frontier).value()));
  ASSURE_TRY(store->LoadUpperNodes());
  return store;
}

Status LogStore::LoadUpperNodes() {
  std::unique_lock l(upper_mu_);
  upper_.clear();
  for (std::uint8_t level = kUpperLevel; level < 64; ++level) {
    const std::uint64_t complete = head_.position >> level;  // nodes this level has
    if (complete == 0) break;
    auto nodes = ScanLevel(*backend_, level, complete);
    if (!nodes.ok()) return nodes.error();
    upper_.push_back(std::move(*nodes));
  }
  return {};
}


void LogStore::Notify(const std::vector<RecordedEvent>& events) {
  std::lock_guard n(notify_mu_);
  std::vector<std::shared_ptr<Listener>> copy;
  {
    std::lock_guard l(listeners_mu_);
    for (auto& [id, fn] : listeners_) copy.push_back(fn);
  }
  for (auto& fn : copy) {
    try {
      (*fn)(events);
    } catch (...) {
      // A listener's failure is its own (it must catch and record what it
      // could not apply); it must not stop the others or the store's thread.
      listener_failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::uint64_t LogStore::Subscribe(Listener listener) {
  std::lock_guard l(listeners_mu_);
  std::uint64_t id = next_listener_++;
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void LogStore::Unsubscribe(std::uint64_t id) {
  std::lock_guard n(notify_mu_);
  std::lock_guard l(listeners_mu_);
  listeners_.erase(id);
}

Error LogStore::SuspendWrites(const Error& cause) {
  std::lock_guard l(suspend_mu_);
  if (!suspended_) {
    suspended_ = cause;
    last_resume_attempt_ = std::chrono::steady_clock::now();
  }
  return MakeError(ErrorCode::kWritesSuspended,
                   "the store could not write (" + cause.message +
                       "); nothing of this request was written. Writes are suspended until the "
                       "disk can be written again; reads go on");
}

Status LogStore::RefuseWhileSuspended() {
  std::lock_guard l(suspend_mu_);
  if (!suspended_) return {};
  const auto now = std::chrono::steady_clock::now();
  if (now - last_resume_attempt_ >= options_.resume_interval) {
    last_resume_attempt_ = now;
    if (backend_->Resume().ok()) {
      suspended_.reset();
      return {};
    }
  }
  return MakeError(ErrorCode::kWritesSuspended,
                   "writes are suspended: the store could not write (" + suspended_->message +
                       "); nothing was written. Reads go on; writes resume when the disk can be "
                       "written again");
}

std::optional<Error> LogStore::WriteFailure() const {
  std::lock_guard l(suspend_mu_);
  return suspended_;
}

Status LogStore::TryResumeWrites() {
  std::lock_guard l(suspend_mu_);
  if (!suspended_) return {};
  last_resume_attempt_ = std::chrono::steady_clock::now();
  ASSURE_TRY(backend_->Resume());
  suspended_.reset();
  return {};
}

std::uint64_t LogStore::ListenerFailures() const {
  return listener_failures_.load(std::memory_order_relaxed);
}

std::unique_ptr<EventStore> NewMemoryStore(StoreOptions options) {
  auto store = LogStore::Open(NewMemoryBackend(), std::move(options));
  return std::move(store).value();  // an empty memory backend always opens
}

}  // namespace assure::storage
