// The one bounded pool of threads that runs blocking and parallel work.
//
// The server makes one (`workers.threads` named "assure-worker",
// `workers.queue_limit`): it runs the route handlers (RocksDB calls block, so
// they never run on I/O threads) and the parallel parts of what they do (an
// evidence pack's pipeline and halves, api/core/parallel.h). A command-line
// tool or a test that asks for parallel work outside any pool gets Shared():
// one per process, a thread per core.
//
// The queue is bounded: TryPost refuses work when `queue_limit` tasks wait
// (the server answers 503). Work that waits on a part it handed to the pool
// cannot deadlock it, even with one thread: the waiter takes a part that no
// worker has started back out of the queue and runs it itself (Beside::get
// in parallel.h), and a part the queue has no room for runs on the waiter.
// Stop() refuses new work, lets the queued and running tasks finish (drains)
// and joins the threads.
//
// Thread safety: every method may be called from any thread (Stop() from
// none of the pool's own).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace assure::api {

class ThreadPool {
 public:
  // A piece of work in the queue; run once, by a worker or by its waiter.
  struct Job {
    virtual ~Job() = default;
    virtual void Run() = 0;
  };

  // `threads` (at least 1) named `name` (at most 15 characters, the kernel's
  // limit); `queue_limit` (at least 1) tasks may wait.
  ThreadPool(std::string name, std::size_t threads, std::size_t queue_limit);
  ~ThreadPool();  // Stop()
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Fire and forget (a route handler). False when the queue is full or the
  // pool is stopping. What the task throws is logged and dropped: a task
  // with a caller to answer catches its own.
  bool TryPost(std::function<void()> task);

  // Queues `job` behind the waiting tasks; false (nothing queued) when the
  // queue is full or the pool is stopping, and the caller runs it itself.
  bool Offer(std::shared_ptr<Job> job);
  // Takes `job` back out of the queue if no worker has started it; true when
  // it did (the caller then runs it, or drops it).
  bool TakeBack(const Job* job);
  // Queues every job at the front of the queue only if there are enough
  // idle workers for them and for every task already queued, so that each
  // starts at once without waiting for a running task; else queues none.
  // For pipeline stages that wait on each other, not on a future.
  bool StartAllNow(const std::vector<std::shared_ptr<Job>>& jobs);

  // Refuses new work, runs what is queued, waits for what runs, joins the
  // threads. Idempotent.
  void Stop();

  std::size_t threads() const { return thread_count_; }
  // Tasks waiting in the queue, and workers running one (for metrics).
  std::size_t queued() const;
  std::size_t busy() const;

  // The pool whose worker runs the calling thread, or nullptr.
  static ThreadPool* Current();
  // The process's pool for parallel work asked for outside any pool: as
  // many threads as cores (at least 2), made at first use.
  static ThreadPool& Shared();

 private:
  void Loop();

  const std::string name_;
  const std::size_t thread_count_;
  const std::size_t queue_limit_;
  std::mutex stop_mu_;  // held while joining, so that a second Stop() waits
  mutable std::mutex mu_;  // guards the members below
  std::condition_variable cv_;
  std::condition_variable started_;  // idle_ reached thread_count_
  std::deque<std::shared_ptr<Job>> queue_;
  std::size_t idle_ = 0;  // workers waiting for work
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace assure::api
