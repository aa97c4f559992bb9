// assure-bench-timestamp: the cost of writing one recorded-at timestamp
// ("2024-03-01T09:30:00.123456Z"), which every history entry and event line
// carries: domain::FormatTimestampTo (date's calendar, digits by hand, the
// day kept per thread) beside date::format("%FT%TZ"), which writes through
// an ostringstream. Times in time order, ~1 s apart, as a log is read.
// Prints ns per timestamp (median of the rounds); never a pass or fail.
#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "domain/calendar.h"

namespace {

template <typename Format>
double NsPerTimestamp(Format format, std::int64_t count, int rounds) {
  std::vector<double> ns;
  char buf[assure::domain::kTimestampCapacity];
  std::size_t sink = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < count; ++i) sink += format(1709251200000000LL + i * 1'000'003LL, buf);
    const auto end = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(end - start).count() / static_cast<double>(count));
  }
  if (sink == 0) std::puts("");  // keeps the loop
  std::sort(ns.begin(), ns.end());
  return ns[ns.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t count = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const double ours = NsPerTimestamp(
      [](std::int64_t us, char* out) { return assure::domain::FormatTimestampTo(us, out); }, count, rounds);
  const double library = NsPerTimestamp(
      [](std::int64_t us, char* out) {
        const std::string s =
            date::format("%FT%TZ", date::sys_time<std::chrono::microseconds>{std::chrono::microseconds{us}});
        std::memcpy(out, s.data(), s.size());
        return s.size();
      },
      count / 10, rounds);
  std::printf("domain::FormatTimestampTo  %8.1f ns/timestamp\n", ours);
  std::printf("date::format(\"%%FT%%TZ\")    %8.1f ns/timestamp (%.1fx)\n", library, library / ours);
  return 0;
}
