// Runs a task every `interval` on its own thread until destroyed; the
// destructor wakes the thread, runs the task once more (e.g. a last snapshot
// at shutdown) and joins.
//
// Thread safety: construct and destroy from one thread; the task runs on the
// periodic thread only.
#pragma once

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace assure::api {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds interval, std::function<void()> task, bool run_at_stop = true)
      : interval_(interval), task_(std::move(task)), run_at_stop_(run_at_stop) {
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "assure-periodic");
      std::unique_lock l(mu_);
      while (!stop_) {
        if (cv_.wait_for(l, interval_, [&] { return stop_; })) break;
        l.unlock();
        task_();
        l.lock();
      }
    });
  }
  ~Periodic() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (run_at_stop_) task_();
  }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  std::chrono::milliseconds interval_;
  std::function<void()> task_;
  bool run_at_stop_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace assure::api
