// Replacement operator new and delete for the api test program: each keeps
// a running total of the bytes held (malloc_usable_size of each block, as
// the allocator gave it: the real cost, rounding included). The sized and
// array forms of the standard library forward to these two.
#include "tests/api/live_bytes.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace assure::testing {
namespace {
std::atomic<std::int64_t> live{0};
}  // namespace

std::int64_t LiveBytes() { return live.load(std::memory_order_relaxed); }

}  // namespace assure::testing

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  assure::testing::live.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)),
                                  std::memory_order_relaxed);
  return p;
}

void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  assure::testing::live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)),
                                  std::memory_order_relaxed);
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
