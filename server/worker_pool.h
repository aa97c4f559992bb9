// A fixed pool of threads running blocking work (route handlers: RocksDB
// calls block, so they never run on I/O threads).
//
// The queue is bounded: TryPost refuses work when `queue_limit` tasks are
// waiting (the server answers 503). Stop() lets running tasks finish, drops
// queued ones and joins the threads.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace assure::server {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_limit);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool has stopped.
  bool TryPost(std::function<void()> task);
  void Stop();

 private:
  void Loop();

  const std::size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace assure::server
