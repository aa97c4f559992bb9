#include "api/core/thread_pool.h"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace assure::api {

namespace {

thread_local ThreadPool* current_pool = nullptr;

struct FunctionJob final : ThreadPool::Job {
  explicit FunctionJob(std::function<void()> f) : fn(std::move(f)) {}
  void Run() override { fn(); }
  std::function<void()> fn;
};

}  // namespace

ThreadPool::ThreadPool(std::string name, std::size_t threads, std::size_t queue_limit)
    : name_(std::move(name)), thread_count_(std::max<std::size_t>(threads, 1)),
      queue_limit_(std::max<std::size_t>(queue_limit, 1)) {
  threads_.reserve(thread_count_);
  for (std::size_t i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
      current_pool = this;
      Loop();
    });
  }
  // Returns once every worker waits for work, so that the first
  // StartAllNow finds them idle.
  std::unique_lock lock(mu_);
  started_.wait(lock, [this] { return idle_ == thread_count_; });
}

ThreadPool::~ThreadPool() { Stop(); }

bool ThreadPool::TryPost(std::function<void()> task) {
  return Offer(std::make_shared<FunctionJob>(std::move(task)));
}

bool ThreadPool::Offer(std::shared_ptr<Job> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

bool ThreadPool::TakeBack(const Job* job) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(queue_.begin(), queue_.end(), [job](const auto& j) { return j.get() == job; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  return true;
}

bool ThreadPool::StartAllNow(const std::vector<std::shared_ptr<Job>>& jobs) {
  {
    std::lock_guard lock(mu_);
    // Every idle worker takes a task from the front once woken: with at
    // least as many idle as queued (these included), none of these waits
    // for a running task to finish. Tasks queued later go behind them.
    if (stopping_ || idle_ < queue_.size() + jobs.size()) return false;
    queue_.insert(queue_.begin(), jobs.begin(), jobs.end());
  }
  cv_.notify_all();
  return true;
}

void ThreadPool::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void ThreadPool::Loop() {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      if (++idle_ == thread_count_) started_.notify_all();
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      --idle_;
      if (queue_.empty()) return;  // stopping, and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job->Run();
    } catch (const std::exception& e) {
      spdlog::error("{} task threw: {}", name_, e.what());
    } catch (...) {
      spdlog::error("{} task threw a non-standard exception", name_);
    }
  }
}

ThreadPool* ThreadPool::Current() { return current_pool; }

ThreadPool& ThreadPool::Shared() {
  // Never destroyed: a part may still be asked for while the process exits
  // (a static's destructor running after main), and a stopped pool runs it
  // on the caller anyway. Its idle threads end with the process.
  static ThreadPool* shared =
      new ThreadPool("assure-parallel", std::max(2u, std::thread::hardware_concurrency()), 1024);
  return *shared;
}

std::size_t ThreadPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::size_t ThreadPool::busy() const {
  std::lock_guard lock(mu_);
  // Before every worker has started, fewer than thread_count_ are idle
  // without running anything; they are counted busy until they wait.
  return thread_count_ - std::min(idle_, thread_count_);
}

}  // namespace assure::api
