// Replacement operator new and delete for the api test program: each keeps
// a running total of the bytes held (malloc_usable_size of each block, as
// the allocator gave it: the real cost, rounding included). Every form but
// the aligned ones is replaced, so that a block is freed by the allocator
// that made it (a sanitizer's runtime intercepts the forms left out: the
// nothrow new of std::stable_sort's buffer, freed by plain delete, was
// reported by ASan as a mismatch while only the plain forms were replaced).
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

namespace {

void* Allocate(std::size_t n) noexcept {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p != nullptr) {
    assure::testing::live.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
  return p;
}

void Free(void* p) noexcept {
  if (p == nullptr) return;
  assure::testing::live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void operator delete(void* p) noexcept { Free(p); }
void operator delete[](void* p) noexcept { Free(p); }
void operator delete(void* p, std::size_t) noexcept { Free(p); }
void operator delete[](void* p, std::size_t) noexcept { Free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Free(p); }
