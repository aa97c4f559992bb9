#include "server/allocator.h"

#include <unistd.h>

#include <cstddef>
#include <fstream>

#ifdef ASSURE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace assure::server {

#ifdef ASSURE_JEMALLOC
namespace {

bool ReadSize(const char* name, std::uint64_t& out) {
  std::size_t value = 0;
  std::size_t len = sizeof value;
  if (mallctl(name, &value, &len, nullptr, 0) != 0) return false;
  out = value;
  return true;
}

}  // namespace

std::optional<AllocatorStats> AllocatorStatsNow() {
  // jemalloc's statistics are refreshed when the epoch is advanced.
  std::uint64_t epoch = 1;
  std::size_t len = sizeof epoch;
  if (mallctl("epoch", &epoch, &len, &epoch, len) != 0) return std::nullopt;
  AllocatorStats s;
  s.name = "jemalloc " JEMALLOC_VERSION;
  if (!ReadSize("stats.allocated", s.allocated) || !ReadSize("stats.active", s.active) ||
      !ReadSize("stats.resident", s.resident) || !ReadSize("stats.retained", s.retained)) {
    return std::nullopt;
  }
  return s;
}
#else
std::optional<AllocatorStats> AllocatorStatsNow() { return std::nullopt; }
#endif

std::uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace assure::server
