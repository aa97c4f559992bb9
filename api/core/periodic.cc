#include "api/core/periodic.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace assure::api {

Periodic::Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> task,
                   bool run_at_stop)
    : name_(std::move(name)), interval_(interval), task_(std::move(task)), run_at_stop_(run_at_stop) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-periodic");
    std::unique_lock l(mu_);
    while (!stop_) {
      if (cv_.wait_for(l, interval_, [&] { return stop_; })) break;
      l.unlock();
      RunOnce();
      l.lock();
    }
  });
}

Periodic::~Periodic() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (run_at_stop_) RunOnce();
}

void Periodic::RunOnce() noexcept {
  try {
    task_();
  } catch (const std::exception& e) {
    spdlog::error("periodic task '{}' threw: {}; it runs again in {} ms", name_, e.what(), interval_.count());
  } catch (...) {
    spdlog::error("periodic task '{}' threw a non-standard exception; it runs again in {} ms", name_,
                  interval_.count());
  }
}

}  // namespace assure::api
