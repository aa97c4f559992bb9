// The allocator: Release builds allocate with jemalloc (server/allocator.h),
// sanitizer builds with their sanitizer's allocator.
#include "server/allocator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace assure::server {
namespace {

TEST(AllocatorTest, MallocIsJemallocAndItsFiguresFollowWhatIsAllocated) {
#ifdef ASSURE_JEMALLOC
  const auto before = AllocatorStatsNow();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->name.substr(0, 9), "jemalloc ");
  EXPECT_GT(before->allocated, 0u);
  EXPECT_GE(before->active, before->allocated);
  EXPECT_GE(before->resident, before->active);

  // 64 MiB through plain malloc (as every library here allocates): if
  // malloc were glibc's, jemalloc's figures would not see it.
  constexpr std::size_t kBytes = std::size_t{64} << 20;
  std::unique_ptr<char, decltype(&std::free)> block(static_cast<char*>(std::malloc(kBytes)), &std::free);
  ASSERT_NE(block, nullptr);
  std::memset(block.get(), 1, kBytes);
  const auto holding = AllocatorStatsNow();
  ASSERT_TRUE(holding.has_value());
  EXPECT_GE(holding->allocated, before->allocated + kBytes);
  EXPECT_GE(holding->resident, kBytes);

  block.reset();
  const auto after = AllocatorStatsNow();
  ASSERT_TRUE(after.has_value());
  EXPECT_LE(after->allocated + kBytes, holding->allocated);
#else
  EXPECT_FALSE(AllocatorStatsNow().has_value()) << "a sanitizer build has no jemalloc";
#endif
}

TEST(AllocatorTest, ResidentBytesCountTouchedMemory) {
  const std::uint64_t before = ResidentBytes();
  ASSERT_GT(before, 0u);
  constexpr std::size_t kBytes = std::size_t{32} << 20;
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);
  EXPECT_GE(ResidentBytes(), before + kBytes / 2);
}

}  // namespace
}  // namespace assure::server
