// The one bounded pool (api/core/thread_pool.h) and work beside the caller
// (api/core/parallel.h): results and exceptions come back, waits nested on a
// pool of one thread finish, the queue refuses past its limit, Stop() runs
// what is queued.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/core/parallel.h"
#include "api/core/thread_pool.h"

namespace assure::api {
namespace {

// Holds a worker until opened.
class Gate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void WaitEntered(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool open_ = false;
};

// Runs `f` on a worker of `pool` and returns what it returned (a deadlock
// shows as a test that does not finish: ctest's timeout).
template <class F>
auto OnWorker(ThreadPool& pool, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  EXPECT_TRUE(pool.TryPost([&task] { task(); }));
  return result.get();
}

TEST(ThreadPoolTest, ResultsAndExceptionsComeBackThroughGet) {
  ThreadPool pool("t-results", 2, 8);
  auto answer = RunBesideOn(pool, [] { return 42; });
  auto thrown = RunBesideOn(pool, []() -> int { throw std::runtime_error("part failed"); });
  EXPECT_EQ(answer.get(), 42);
  try {
    thrown.get();
    FAIL() << "the part's exception was not carried back";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "part failed");
  }
}

TEST(ThreadPoolTest, PartsOfPartsOnAPoolOfOneThreadFinish) {
  ThreadPool pool("t-nested", 1, 8);
  // The only worker asks for parts (which ask for parts) and waits for
  // them: no worker is left to run them, so each waiter runs its own.
  const int sum = OnWorker(pool, [] {
    EXPECT_NE(ThreadPool::Current(), nullptr);
    auto outer = RunBeside([] {
      auto inner = RunBeside([] { return 1; });
      return inner.get() + 10;
    });
    auto other = RunBeside([] { return 100; });
    return outer.get() + other.get();
  });
  EXPECT_EQ(sum, 111);
}

TEST(ThreadPoolTest, APartNoWorkerHasStartedRunsOnItsWaiter) {
  ThreadPool pool("t-takeback", 1, 8);
  Gate gate;
  ASSERT_TRUE(pool.TryPost([&] { gate.Enter(); }));
  gate.WaitEntered(1);  // the only worker is busy
  auto part = RunBesideOn(pool, [] { return std::this_thread::get_id(); });
  EXPECT_EQ(part.get(), std::this_thread::get_id());
  // And when the queue has no room, the part is not queued at all.
  ThreadPool full("t-full", 1, 1);
  Gate held;
  ASSERT_TRUE(full.TryPost([&] { held.Enter(); }));
  held.WaitEntered(1);
  ASSERT_TRUE(full.TryPost([] {}));
  auto unqueued = RunBesideOn(full, [] { return std::this_thread::get_id(); });
  EXPECT_EQ(unqueued.get(), std::this_thread::get_id());
  held.Open();
  gate.Open();
  full.Stop();  // before the gates go
  pool.Stop();
}

TEST(ThreadPoolTest, APartDroppedBeforeItStartsNeverRuns) {
  ThreadPool pool("t-drop", 1, 8);
  Gate gate;
  ASSERT_TRUE(pool.TryPost([&] { gate.Enter(); }));
  gate.WaitEntered(1);
  std::atomic<bool> ran{false};
  { auto part = RunBesideOn(pool, [&] { ran = true; }); }  // e.g. an early return
  gate.Open();
  pool.Stop();
  EXPECT_FALSE(ran.load());
}

TEST(ThreadPoolTest, TheBoundedQueueRefusesPastItsLimit) {
  ThreadPool pool("t-bounded", 1, 2);
  Gate gate;
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TryPost([&] { gate.Enter(); }));
  gate.WaitEntered(1);
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_TRUE(pool.TryPost([&] { ++ran; }));
  EXPECT_FALSE(pool.TryPost([&] { ++ran; }));  // the server answers 503
  gate.Open();
  pool.Stop();
  EXPECT_EQ(ran.load(), 2);
}

TEST(ThreadPoolTest, StopRefusesNewWorkAndRunsWhatIsQueued) {
  ThreadPool pool("t-stop", 1, 1 << 20);  // refused only once stopping
  Gate gate;
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TryPost([&] { gate.Enter(); }));
  gate.WaitEntered(1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.TryPost([&] { ++ran; }));
  std::thread stopper([&] { pool.Stop(); });
  // Stop() refuses new work at once, while the worker is still held; what
  // was accepted before runs.
  int accepted = 0;
  while (pool.TryPost([&] { ran += 100; })) ++accepted;
  EXPECT_EQ(ran.load(), 0);
  gate.Open();
  stopper.join();
  EXPECT_EQ(ran.load(), 3 + 100 * accepted);
  EXPECT_FALSE(pool.TryPost([] {}));
  // A part asked for of a stopped pool runs on its waiter.
  EXPECT_EQ(RunBesideOn(pool, [] { return 7; }).get(), 7);
}

TEST(ThreadPoolTest, StagesStartTogetherOnlyWhenEachHasAnIdleWorker) {
  ThreadPool pool("t-together", 2, 8);
  // Two stages that each wait for the other: they finish only if both run
  // at once.
  std::promise<void> a_ready, b_ready;
  auto a_seen = a_ready.get_future();
  auto b_seen = b_ready.get_future();
  std::vector<std::function<void()>> stages;
  stages.emplace_back([&] { a_ready.set_value(); b_seen.wait(); });
  stages.emplace_back([&] { b_ready.set_value(); a_seen.wait(); });
  auto running = TryRunTogether(std::move(stages), &pool);
  ASSERT_EQ(running.size(), 2u);
  for (auto& r : running) r.get();

  // With one worker busy, two stages do not start (and none runs).
  Gate gate;
  ASSERT_TRUE(pool.TryPost([&] { gate.Enter(); }));
  gate.WaitEntered(1);
  std::atomic<int> ran{0};
  std::vector<std::function<void()>> more;
  more.emplace_back([&] { ++ran; });
  more.emplace_back([&] { ++ran; });
  EXPECT_TRUE(TryRunTogether(std::move(more), &pool).empty());
  gate.Open();
  pool.Stop();
  EXPECT_EQ(ran.load(), 0);
}

}  // namespace
}  // namespace assure::api
