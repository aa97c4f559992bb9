// The memory allocator of `assure`, and what it says about the memory it
// holds (GET /metrics: assure_allocator_*, process_resident_memory_bytes).
//
// Release builds link jemalloc (Debian's libjemalloc-dev, the allocator
// RocksDB's own builds recommend) in place of glibc's malloc: on the mixed
// write workload glibc's malloc and free took a fifth of the server's CPU,
// and memory freed after bursts stayed in its arenas, so RSS kept rising
// (README "Memory"). Sanitizer and fuzz builds keep their sanitizer's
// allocator: there AllocatorStatsNow() is empty.
//
// Thread safety: both functions may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace assure::server {

struct AllocatorStats {
  std::string_view name;        // "jemalloc 5.3.0-0-g..."
  std::uint64_t allocated = 0;  // bytes the program has allocated and not freed
  std::uint64_t active = 0;     // bytes of the pages those allocations occupy
  std::uint64_t resident = 0;   // bytes of the allocator's pages in memory (its metadata too)
  std::uint64_t retained = 0;   // bytes of address space kept for reuse, not in memory
};

// The allocator's figures as of now; empty without jemalloc (or if it
// refuses to say).
std::optional<AllocatorStats> AllocatorStatsNow();

// The process's resident set size, from /proc/self/statm (0 if unreadable).
std::uint64_t ResidentBytes();

}  // namespace assure::server
