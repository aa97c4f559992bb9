// Faulting in a large buffer ahead of the thread that writes it.
//
// Writing hundreds of MB into freshly reserved memory stops the writer at
// every 4 KiB page for the kernel to supply it (75,000 page faults for an
// evidence pack's events.jsonl). PrefaultAhead starts a thread that asks the
// kernel to populate the range in one go (madvise MADV_POPULATE_WRITE: page
// tables only, the bytes are not changed), which runs ahead of the writer.
// Where the kernel lacks it (before Linux 5.14) nothing happens.
//
// Thread safety: the returned thread only calls madvise on the range; it is
// harmless even if the buffer is freed meanwhile, but join it before
// returning from the function that started it.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <thread>

namespace assure::api {

inline std::thread PrefaultAhead(const void* data, std::size_t size) {
  constexpr std::uintptr_t kPage = 4096;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t last = (begin + size) & ~(kPage - 1);
  if (size < (16u << 20) || last <= first) return std::thread();
  return std::thread([first, last] {
    (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
  });
}

}  // namespace assure::api
