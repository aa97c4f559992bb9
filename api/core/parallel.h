// Work beside the calling thread, on the one pool, with its exceptions
// carried back.
//
// The one way the code base runs a piece of a computation in parallel (the
// evidence pack's pipeline, its halves of a fold or a rendering). The work
// goes to the pool of the calling thread's worker (ThreadPool::Current()),
// else to ThreadPool::Shared(); the returned Beside's get() returns its
// result or rethrows what it threw. A Beside never waits for a pool that is
// busy with other work: get() runs the part itself if no worker has started
// it (or the queue had no room for it), so nested parts cannot deadlock the
// pool, even one of a single thread. Long-lived service threads (the
// store's committer and answerer, the entity writer, the live feed's
// fan-out, ...) are named in README's thread picture instead.
//
// Thread safety: the work must synchronise what it shares with the caller.
// One Beside is used by one thread.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/core/thread_pool.h"

namespace assure::api {

template <class R>
class Beside {
 public:
  Beside() = default;
  Beside(Beside&&) noexcept = default;
  Beside& operator=(Beside&& other) noexcept {
    if (this != &other) {
      Drop();
      future_ = std::move(other.future_);
      job_ = std::move(other.job_);
      pool_ = other.pool_;
    }
    return *this;
  }
  // A part no worker has started is dropped (it refers to the caller's
  // locals, which are going); one that runs is waited for.
  ~Beside() { Drop(); }

  bool valid() const { return future_.valid(); }
  // Waits for the part (running it here if no worker has started it).
  void wait() {
    Settle(true);
    future_.wait();
  }
  // Its result, or what it threw.
  R get() {
    Settle(true);
    return future_.get();
  }

 private:
  template <class F>
  friend auto RunBesideOn(ThreadPool& pool, F&& work);
  friend std::vector<Beside<void>> TryRunTogether(std::vector<std::function<void()>> stages,
                                                  ThreadPool* pool);

  // Holds `job_` until settled; `pool_` is where it is queued (null: it was
  // not, and runs here).
  Beside(std::future<R> future, std::shared_ptr<ThreadPool::Job> job, ThreadPool* pool)
      : future_(std::move(future)), job_(std::move(job)), pool_(pool) {}

  void Settle(bool run) {
    if (!job_) return;
    if (pool_ == nullptr || pool_->TakeBack(job_.get())) {
      if (run) job_->Run();
    }
    job_.reset();
  }
  void Drop() {
    Settle(false);
    if (future_.valid()) future_.wait();  // a dropped part's future is ready (broken promise)
  }

  std::future<R> future_;
  std::shared_ptr<ThreadPool::Job> job_;
  ThreadPool* pool_ = nullptr;
};

namespace parallel_detail {

template <class R>
struct TaskJob final : ThreadPool::Job {
  template <class F>
  explicit TaskJob(F&& f) : task(std::forward<F>(f)) {}
  void Run() override { task(); }
  std::packaged_task<R()> task;
};

inline ThreadPool& PoolHere() {
  ThreadPool* pool = ThreadPool::Current();
  return pool != nullptr ? *pool : ThreadPool::Shared();
}

}  // namespace parallel_detail

// Hands `work` to `pool`; the caller goes on with its own share and then
// calls get().
template <class F>
auto RunBesideOn(ThreadPool& pool, F&& work) {
  using R = std::invoke_result_t<std::decay_t<F>&>;
  auto job = std::make_shared<parallel_detail::TaskJob<R>>(std::forward<F>(work));
  auto future = job->task.get_future();
  ThreadPool* queued_on = pool.Offer(job) ? &pool : nullptr;
  return Beside<R>(std::move(future), std::move(job), queued_on);
}

// The same on the pool of the calling thread's worker, else Shared().
template <class F>
auto RunBeside(F&& work) {
  return RunBesideOn(parallel_detail::PoolHere(), std::forward<F>(work));
}

// Starts every stage on a worker of its own at once, or none (an empty
// vector): for a pipeline whose stages wait on each other through queues,
// not through their futures, so that all must run at the same time. When
// the pool (`pool`, else the calling thread's, else Shared()) has too few
// idle workers, the caller does the work another way (one stage after
// another on its own thread).
inline std::vector<Beside<void>> TryRunTogether(std::vector<std::function<void()>> stages,
                                                ThreadPool* pool = nullptr) {
  std::vector<std::shared_ptr<ThreadPool::Job>> jobs;
  std::vector<std::future<void>> futures;
  for (auto& stage : stages) {
    auto job = std::make_shared<parallel_detail::TaskJob<void>>(std::move(stage));
    futures.push_back(job->task.get_future());
    jobs.push_back(std::move(job));
  }
  std::vector<Beside<void>> out;
  if (!(pool != nullptr ? *pool : parallel_detail::PoolHere()).StartAllNow(jobs)) return out;
  // Each has a worker: get() only waits (never takes a stage back).
  for (auto& f : futures) out.push_back(Beside<void>(std::move(f), nullptr, nullptr));
  return out;
}

}  // namespace assure::api
