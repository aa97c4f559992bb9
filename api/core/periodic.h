// Runs a task every `interval` on its own thread until destroyed; the
// destructor wakes the thread, waits for a run under way to end, joins it,
// and then, when `run_at_stop`, runs the task once more on the destroying
// thread (e.g. a last snapshot at shutdown).
//
// With a `busy_share` below 1 the wait after a run is also at least
// WaitAfter's: the task then takes at most that share of the time however
// long a run becomes (a read-model snapshot's grows with the model).
//
// A task that throws is logged with its name, and then with the wait before
// its next run (the interval, or WaitAfter's if longer); an exception (a
// snapshot's std::bad_alloc) must not end the server, as it did when it
// escaped the thread (std::terminate).
//
// Thread safety: construct and destroy from one thread; the task runs on the
// periodic thread, and at stop on the destroying one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace assure::api {

class Periodic {
 public:
  Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> task,
           bool run_at_stop = true, double busy_share = 1.0);
  // The wait after a run that took `took`: `interval`, or longer when the
  // run took more than `busy_share` of the run and the wait together
  // (took * (1 - share) / share); a share >= 1 (or not above 0) is interval.
  static std::chrono::milliseconds WaitAfter(std::chrono::milliseconds interval,
                                             std::chrono::steady_clock::duration took, double busy_share);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  // The task once, an exception logged; false if it threw.
  bool RunOnce() noexcept;

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> task_;
  bool run_at_stop_;
  double busy_share_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace assure::api
