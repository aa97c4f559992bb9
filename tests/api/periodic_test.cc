// Periodic: runs its task every interval on its own thread; at stop, once
// more when asked; a task that throws is logged and runs again.
#include "api/core/periodic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace assure::api {
namespace {

using namespace std::chrono_literals;

// Waits (up to 10 s) until `done` says so.
template <class Done>
bool Eventually(Done done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(PeriodicTest, RunsEveryIntervalOnItsOwnThreadAndOnceMoreAtStop) {
  std::atomic<int> runs{0};
  std::atomic<bool> other_thread{true};
  const auto self = std::this_thread::get_id();
  int at_stop = 0;
  {
    Periodic p("count", 5ms, [&] {
      if (std::this_thread::get_id() == self) {
        ++at_stop;
      } else {
        ++runs;
      }
    });
    EXPECT_TRUE(Eventually([&] { return runs.load() >= 3; }));
  }
  EXPECT_EQ(at_stop, 1);  // the last run is the destroying thread's
  const int after = runs.load();
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(runs.load(), after);  // nothing runs once destroyed
}

TEST(PeriodicTest, WithoutRunAtStopTheDestructorDoesNotRunIt) {
  std::atomic<int> runs{0};
  { Periodic p("never", std::chrono::hours(1), [&] { ++runs; }, /*run_at_stop=*/false); }
  EXPECT_EQ(runs.load(), 0);  // an hour's interval: stopping did not wait for it, nor run it
}

// A task that throws (a snapshot's std::bad_alloc) used to escape the
// thread: std::terminate, the server gone. Now it is logged and runs again.
TEST(PeriodicTest, ATaskThatThrowsRunsAgainAtTheNextInterval) {
  std::atomic<int> runs{0};
  {
    Periodic p("throws", 5ms, [&] {
      ++runs;
      if (runs.load() % 2 == 1) throw std::runtime_error("out of memory, say");
      throw 42;  // not a std::exception
    }, /*run_at_stop=*/true);
    EXPECT_TRUE(Eventually([&] { return runs.load() >= 4; }));
  }
  EXPECT_GE(runs.load(), 5);  // and once more at stop, which threw too
}

// The destructor waits for a run under way to end before it returns.
TEST(PeriodicTest, StoppingWaitsForARunUnderWay) {
  std::atomic<bool> started{false}, finished{false};
  {
    Periodic p("slow", 1ms, [&] {
      if (started.exchange(true)) return;
      std::this_thread::sleep_for(100ms);
      finished = true;
    }, /*run_at_stop=*/false);
    ASSERT_TRUE(Eventually([&] { return started.load(); }));
  }
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace assure::api
