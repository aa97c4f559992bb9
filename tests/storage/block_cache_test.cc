// The block cache keeps a large table's filter block once it is released
// (storage/rocks_backend.cc, BlockCache).
#include <gtest/gtest.h>

#include "storage/rocks_backend_internal.h"

namespace assure::storage {
namespace {

void NoDelete(const rocksdb::Slice&, void*) {}

// A filter block of a table of a million keys is about 1.2 MB (10 bits a
// key); RocksDB's default shards of a 32 MiB cache (512 KiB) dropped it as
// soon as it was released, so every lookup read it from the file again.
TEST(BlockCacheTest, AFilterBlockOfAFewMegabytesStaysCachedOnceReleased) {
  auto cache = BlockCache(32u << 20);
  static int block = 0;
  ASSERT_TRUE(cache->Insert("filter of table 7", &block, 3u << 20, &NoDelete).ok());
  rocksdb::Cache::Handle* h = cache->Lookup("filter of table 7");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(cache->Value(h), &block);
  cache->Release(h);
  EXPECT_GE(cache->GetUsage(), std::size_t{3} << 20);  // with its metadata
}

// The budget is still the whole cache: blocks past it are evicted.
TEST(BlockCacheTest, TheCacheStaysWithinItsBudget) {
  auto cache = BlockCache(32u << 20);
  static int block = 0;
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(cache->Insert("block " + std::to_string(i), &block, 2u << 20, &NoDelete).ok());
  }
  EXPECT_LE(cache->GetUsage(), std::size_t{32} << 20);
  EXPECT_EQ(cache->GetCapacity(), std::size_t{32} << 20);
}

}  // namespace
}  // namespace assure::storage
