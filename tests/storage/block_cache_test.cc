// The block cache keeps a large table's filter block once it is released
// (storage/rocks_backend.cc, BlockCache), and pins nothing that grows with
// the log (CfOptions).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "storage/event_store.h"
#include "storage/rocks_backend_internal.h"
#include "tests/storage/raw_rocks.h"
#include "tests/storage/test_util.h"

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

// Tables flushed to level 0 and moved down whole (every table of `events`)
// kept their index and filter blocks pinned while level 0's were pinned: the
// pinned part of the cache grew with the log, past its budget. Now only a
// partitioned table's top-level index and filter are pinned, a few hundred
// bytes a table whatever its size.
class PinnedBlocksTest : public ::testing::TestWithParam<bool> {};

TEST_P(PinnedBlocksTest, OnlyAFewHundredBytesATableArePinned) {
  testing::TempDir dir;
  const std::string db = dir.sub("db");
  std::uint64_t pinned = 0;
  {
    StoreOptions o;
    o.partitioned_index = GetParam();
    o.memtable_bytes = 2u << 20;  // a flush every 2 MiB: tens of tables
    o.sync = false;
    auto store = OpenRocksStore(db, o);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const std::string data = R"({"text":")" + std::string(2000, 'x') + R"("})";
    for (int i = 0; i < 1800; ++i) {  // 18,000 events of 2 KB
      std::vector<ProposedEvent> ten;
      for (int k = 0; k < 10; ++k) ten.push_back(testing::Ev("A", data));
      ASSERT_TRUE((*store)->Append("s-" + std::to_string(i % 50), ExpectedVersion::Any(), ten).ok());
    }
    for (int i = 0; i < 50; i += 7) {  // reads through the tables' indexes
      auto read = (*store)->ReadStream("s-" + std::to_string(i), 100, Direction::kForwards, 200);
      ASSERT_TRUE(read.ok()) << read.error().message;
      EXPECT_EQ(read->size(), 200u);
    }
    // A running flush or compaction holds the blocks it reads for a while;
    // what is pinned stays: the least of the readings (50 ms apart) taken
    // while no compaction runs, ten of them. On a loaded machine (ctest -j2)
    // a compaction can run for over a second: twenty readings regardless
    // once all fell within one (1 run in 4). At most 600 readings.
    pinned = UINT64_MAX;
    for (int i = 0, quiet = 0; quiet < 10 && i < 600; ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const auto engine = (*store)->Stats().engine;
      ASSERT_TRUE(engine.has_value());
      EXPECT_GT(engine->block_cache_bytes, 0u);
      if (engine->running_compactions > 0) continue;
      ++quiet;
      pinned = std::min(pinned, engine->block_cache_pinned_bytes);
    }
  }
  testing::RawRocks raw(db, testing::RawRocks::Mode::kReadOnly);
  std::uint64_t index_and_filters = 0, tables = 0, events_tables = 0;
  for (const char* cf : {"events", "stream_index", "stream_heads", "event_ids", "state", "merkle"}) {
    for (const auto& [file, p] : raw.Tables(cf)) {
      index_and_filters += p->index_size + p->filter_size;
      ++tables;
      events_tables += std::string(cf) == "events" ? 1 : 0;
    }
  }
  ASSERT_GT(events_tables, 10u) << "the test needs many flushed tables";
  // At most a partitioned table's two top-level blocks (index and filter),
  // some 250 bytes with the cache's accounting; with level 0 pinned, the
  // tables born there kept their whole index and filters (about 3 KB each
  // here, megabytes in a store of some size).
  EXPECT_LE(pinned, 400 * tables) << "pinned " << pinned << " bytes in " << tables << " tables, whose index and "
                                  << "filters take " << index_and_filters;
}

INSTANTIATE_TEST_SUITE_P(Index, PinnedBlocksTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Partitioned" : "Whole"; });

}  // namespace
}  // namespace assure::storage
