#include "api/core/periodic.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

namespace assure::api {

Periodic::Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> task,
                   bool run_at_stop, double busy_share)
    : name_(std::move(name)),
      interval_(interval),
      task_(std::move(task)),
      run_at_stop_(run_at_stop),
      busy_share_(busy_share) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-periodic");
    std::unique_lock l(mu_);
    std::chrono::milliseconds wait = interval_;
    while (!stop_) {
      if (cv_.wait_for(l, wait, [&] { return stop_; })) break;
      l.unlock();
      const auto start = std::chrono::steady_clock::now();
      const bool ok = RunOnce();
      const auto took = std::chrono::steady_clock::now() - start;
      wait = WaitAfter(interval_, took, busy_share_);
      if (!ok || wait > interval_) {
        spdlog::log(ok ? spdlog::level::info : spdlog::level::err,
                    "periodic task '{}' {} after {} ms; the next run in {} ms", name_, ok ? "ended" : "failed",
                    std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), wait.count());
      }
      l.lock();
    }
  });
}

std::chrono::milliseconds Periodic::WaitAfter(std::chrono::milliseconds interval,
                                              std::chrono::steady_clock::duration took, double busy_share) {
  if (!(busy_share > 0.0) || busy_share >= 1.0) return interval;
  const double took_ms = std::chrono::duration<double, std::milli>(took).count();
  const double spaced = took_ms * (1.0 - busy_share) / busy_share;
  // Capped at a day (or the interval, if longer), so that no duration overflows.
  const double wait = std::min(spaced, 86'400'000.0);
  return std::max(interval, std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait))));
}

Periodic::~Periodic() {
  {
    std::lock_guard l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (run_at_stop_) (void)RunOnce();
}

bool Periodic::RunOnce() noexcept {
  try {
    task_();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("periodic task '{}' threw: {}", name_, e.what());
  } catch (...) {
    spdlog::error("periodic task '{}' threw a non-standard exception", name_);
  }
  return false;
}

}  // namespace assure::api
