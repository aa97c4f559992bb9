// Periodic: runs its task every interval on its own thread; at stop, once
// more when asked; a task that throws is logged and runs again.
#include "api/core/periodic.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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

// The wait after a run keeps the task within its share of the time: with
// 5 %, a run of 1 s is followed by the interval (60 s), one of 10 s by 190 s.
TEST(PeriodicTest, TheWaitAfterARunKeepsTheTaskWithinItsShare) {
  using std::chrono::milliseconds;
  EXPECT_EQ(Periodic::WaitAfter(60s, 1s, 0.05), milliseconds(60'000));
  EXPECT_EQ(Periodic::WaitAfter(60s, 10s, 0.05), milliseconds(190'000));
  EXPECT_EQ(Periodic::WaitAfter(60s, 10s, 0.5), milliseconds(60'000));
  EXPECT_EQ(Periodic::WaitAfter(1s, 3s, 0.5), milliseconds(3'000));
  // No share (1, or none that makes sense): the interval, however long the run.
  EXPECT_EQ(Periodic::WaitAfter(60s, 1000s, 1.0), milliseconds(60'000));
  EXPECT_EQ(Periodic::WaitAfter(60s, 1000s, 0.0), milliseconds(60'000));
  EXPECT_EQ(Periodic::WaitAfter(60s, 1000s, -1.0), milliseconds(60'000));
  // A run of years does not overflow the wait: a day at most, unless the
  // interval is longer.
  EXPECT_EQ(Periodic::WaitAfter(1s, std::chrono::hours(24 * 365 * 100), 0.01), milliseconds(86'400'000));
  EXPECT_EQ(Periodic::WaitAfter(std::chrono::hours(48), std::chrono::hours(24 * 365), 0.01),
            milliseconds(std::chrono::hours(48)));
}

// On the thread: a task of 20 ms with a share of 20 % (interval 1 ms) waits
// at least 80 ms between the end of one run and the start of the next.
TEST(PeriodicTest, ASlowTaskWaitsInProportionToItsRun) {
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> starts, ends;
  {
    Periodic p("slow share", 1ms, [&] {
      const auto start = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(20ms);
      std::lock_guard l(mu);
      starts.push_back(start);
      ends.push_back(std::chrono::steady_clock::now());
    }, /*run_at_stop=*/false, /*busy_share=*/0.2);
    ASSERT_TRUE(Eventually([&] {
      std::lock_guard l(mu);
      return starts.size() >= 3;
    }));
  }
  std::lock_guard l(mu);
  for (std::size_t i = 1; i < starts.size(); ++i) {
    const auto run = ends[i - 1] - starts[i - 1];
    // The run as the thread measured it is at least the task's own span.
    EXPECT_GE(starts[i] - ends[i - 1], run * 4 - 1ms) << "after run " << i;
  }
}

// A failed run's log names the wait before the next run as it is: a task of
// 20 ms that throws, with a share of 20 % (interval 1 ms), runs again in at
// least 80 ms, and the log says so (it said "runs again in 1 ms").
TEST(PeriodicTest, AFailedRunLogsTheWaitBeforeTheNextRun) {
  std::ostringstream out;
  const auto before = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("periodic-test",
                                                   std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  spdlog::set_default_logger(capture);
  std::atomic<int> runs{0};
  {
    Periodic p("fails slowly", 1ms, [&] {
      ++runs;
      std::this_thread::sleep_for(20ms);
      throw std::runtime_error("disk full, say");
    }, /*run_at_stop=*/false, /*busy_share=*/0.2);
    EXPECT_TRUE(Eventually([&] { return runs.load() >= 2; }));
  }
  spdlog::set_default_logger(before);
  const std::string log = out.str();
  EXPECT_NE(log.find("periodic task 'fails slowly' threw: disk full, say"), std::string::npos) << log;
  const std::size_t failed = log.find("periodic task 'fails slowly' failed after ");
  ASSERT_NE(failed, std::string::npos) << log;
  const std::string next = "; the next run in ";
  const std::size_t at = log.find(next, failed);
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_GE(std::stoi(log.substr(at + next.size())), 80) << log;
}

}  // namespace
}  // namespace assure::api
