// LogStore's append queue: synchronous and asynchronous appends wait in one
// queue; the writer at its front leads a group (as many queued appends as
// fit in max_group_bytes) through one commit, on its own thread or, for an
// asynchronous one, on the committer's ("assure-commit"); the answering
// thread ("assure-answer") then runs the listeners and the answers in
// commit order while the next group commits. The destructor stops both.
#include <pthread.h>

#include "storage/log_store.h"
#include "storage/log_store_internal.h"

namespace assure::storage {

Status LogStore::PrepareWriter(Writer& w, std::vector<StreamAppend> parts) {
  if (parts.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an append needs at least one stream", "parts");
  }
  const bool many = parts.size() > 1;
  std::size_t total = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto named = [&](Error e) {
      if (many) {
        e.message = "parts[" + std::to_string(i) + "]: " + e.message;
        if (!e.field.empty()) e.field = "parts[" + std::to_string(i) + "]." + e.field;
      }
      return e;
    };
    for (std::size_t j = 0; j < i; ++j) {
      if (w.parts[j].stream == parts[i].stream_id) {
        return named(MakeError(ErrorCode::kInvalidArgument,
                               "stream '" + parts[i].stream_id + "' is named by two parts",
                               "stream_id"));
      }
    }
    total += parts[i].events.size();
    auto prepared = PrepareAppend(options_, parts[i].stream_id, std::move(parts[i].events), *options_.ids);
    if (!prepared.ok()) return named(prepared.error());
    Part part{std::move(parts[i].stream_id), parts[i].expected, std::move(prepared).value(), {}};
    for (const auto& e : part.events) w.bytes += e.data.size() + 128;
    for (auto& blob : parts[i].blobs) {
      if (Status s = CheckBlobSize(options_, blob.bytes().size()); !s.ok()) return named(s.error());
      w.bytes += blob.bytes().size() + 32;
      part.blobs.push_back(std::move(blob));
    }
    w.parts.push_back(std::move(part));
  }
  if (total > options_.max_events_per_append) {
    return MakeError(ErrorCode::kTooLarge,
                     "an append may hold at most " + std::to_string(options_.max_events_per_append) +
                         " events, not " + std::to_string(total),
                     "events");
  }
  return {};
}

Result<std::vector<AppendResult>> LogStore::AppendMany(std::vector<StreamAppend> parts) {
  Writer w;
  ASSURE_TRY(PrepareWriter(w, std::move(parts)));
  ASSURE_TRY(RefuseWhileSuspended());

  std::unique_lock lock(queue_mu_);
  writers_.push_back(&w);
  // Wakes answered, or at the front to lead (a writer of a group being
  // answered is no longer queued: the queue may be empty).
  w.cv.wait(lock, [&] {
    return w.done || (!leading_ && !writers_.empty() && writers_.front() == &w);
  });
  if (!w.done) {
    LeadGroup(lock);  // this writer leads; it is answered like the others
    w.cv.wait(lock, [&] { return w.done; });
  }
  return std::move(*w.result);
}

Result<AppendResult> LogStore::Append(std::string_view stream_id, ExpectedVersion expected,
                                      std::vector<ProposedEvent> events) {
  std::vector<StreamAppend> parts(1);
  parts[0].stream_id = std::string(stream_id);
  parts[0].expected = expected;
  parts[0].events = std::move(events);
  auto r = AppendMany(std::move(parts));
  if (!r.ok()) return r.error();
  return r->front();
}

void LogStore::AppendManyAsync(std::vector<StreamAppend> parts, AppendManyCallback done) {
  auto w = std::make_unique<Writer>();
  Status s = PrepareWriter(*w, std::move(parts));
  if (s.ok()) s = RefuseWhileSuspended();
  if (!s.ok()) {
    done(s.error());
    return;
  }
  w->callback = std::move(done);

  std::unique_lock lock(queue_mu_);
  if (stopping_) {
    lock.unlock();
    w->callback(MakeError(ErrorCode::kUnavailable, "the event store is closing"));
    return;
  }
  if (!committer_.joinable()) committer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-commit");
    CommitterLoop();
  });
  ++async_pending_;
  writers_.push_back(w.release());
  if (!leading_ && writers_.size() == 1) committer_cv_.notify_one();
}

void LogStore::AppendAsync(std::string_view stream_id, ExpectedVersion expected,
                           std::vector<ProposedEvent> events, AppendCallback done) {
  std::vector<StreamAppend> parts(1);
  parts[0].stream_id = std::string(stream_id);
  parts[0].expected = expected;
  parts[0].events = std::move(events);
  AppendManyAsync(std::move(parts), [done = std::move(done)](Result<std::vector<AppendResult>> r) {
    if (!r.ok()) return done(r.error());
    done(r->front());
  });
}

void LogStore::LeadGroup(std::unique_lock<std::mutex>& lock) {
  leading_ = true;
  std::vector<Writer*> group;
  std::size_t bytes = 0;
  for (Writer* x : writers_) {
    if (!group.empty() && bytes + x->bytes > options_.max_group_bytes) break;
    group.push_back(x);
    bytes += x->bytes;
  }
  lock.unlock();

  std::vector<RecordedEvent> events = CommitGroup(group);

  lock.lock();
  for (std::size_t i = 0; i < group.size(); ++i) writers_.pop_front();
  // The listeners and the answers run on the answering thread, in commit
  // order, while the next group commits.
  if (!answerer_.joinable()) answerer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-answer");
    AnswererLoop();
  });
  answers_.push_back({std::move(events), std::move(group)});
  answerer_cv_.notify_one();
  leading_ = false;
  // Leadership passes to the writer now at the front: a synchronous one
  // leads on its own thread, an asynchronous one on the committer's.
  if (!writers_.empty()) {
    if (writers_.front()->callback) {
      committer_cv_.notify_one();
    } else {
      writers_.front()->cv.notify_one();
    }
  } else if (stopping_) {
    committer_cv_.notify_one();
  }
}

void LogStore::AnswererLoop() {
  std::unique_lock lock(queue_mu_);
  for (;;) {
    answerer_cv_.wait(lock, [&] { return !answers_.empty() || answerer_stop_; });
    if (answers_.empty()) return;  // stopping, and every group answered
    Answer a = std::move(answers_.front());
    answers_.pop_front();
    lock.unlock();
    if (!a.events.empty()) Notify(a.events);
    std::vector<std::unique_ptr<Writer>> async;
    for (Writer* x : a.writers) {
      if (x->callback) async.emplace_back(x);
    }
    lock.lock();
    for (Writer* x : a.writers) {
      if (x->callback) continue;
      x->done = true;  // a synchronous writer returns (and its Writer goes) from here
      x->cv.notify_one();
    }
    if (async.empty()) continue;
    lock.unlock();
    for (auto& x : async) {
      try {
        x->callback(std::move(*x->result));
      } catch (...) {
        listener_failures_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    lock.lock();
    async_pending_ -= async.size();
    if (async_pending_ == 0) async_idle_cv_.notify_all();
  }
}

void LogStore::CommitterLoop() {
  std::unique_lock lock(queue_mu_);
  for (;;) {
    committer_cv_.wait(lock, [&] {
      return (!leading_ && !writers_.empty() && writers_.front()->callback) ||
             (stopping_ && writers_.empty());
    });
    if (writers_.empty()) return;  // stopping, and every append answered
    LeadGroup(lock);
  }
}

StoreStats LogStore::Stats() const {
  StoreStats stats;
  {
    std::lock_guard lock(queue_mu_);
    stats.queued_appends = writers_.size();
    stats.unanswered_groups = answers_.size();
  }
  stats.engine = backend_->Engine();
  return stats;
}

void LogStore::WaitForAsyncAppends() {
  std::unique_lock lock(queue_mu_);
  async_idle_cv_.wait(lock, [&] { return async_pending_ == 0; });
}

LogStore::~LogStore() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  committer_cv_.notify_one();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard lock(queue_mu_);
    answerer_stop_ = true;
  }
  answerer_cv_.notify_one();
  if (answerer_.joinable()) answerer_.join();
}

}  // namespace assure::storage
