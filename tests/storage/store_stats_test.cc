// EventStore::Stats and StoreOptions::on_commit (storage/store_stats.h):
// the figures GET /metrics reads. Every successful group commit is
// reported once, with its appends and events; a refused append is in no
// sample; the RocksDB store reports its engine and directory, the
// in-memory one none.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/storage/test_util.h"

namespace assure::storage::testing {
namespace {

struct Samples {
  std::mutex mu;
  std::vector<CommitSample> all;
  StoreOptions Options() {
    StoreOptions o;
    o.on_commit = [this](const CommitSample& s) {
      std::lock_guard lock(mu);
      all.push_back(s);
    };
    return o;
  }
};

TEST(StoreStatsTest, EveryCommitIsReportedOnceWithItsAppendsAndEvents) {
  Samples samples;
  auto store = NewMemoryStore(samples.Options());
  ASSERT_TRUE(store->Append("s-1", ExpectedVersion::NoStream(), One("Tested")).ok());
  std::vector<ProposedEvent> two = One("Tested");
  two.push_back(Ev("Tested"));
  ASSERT_TRUE(store->Append("s-2", ExpectedVersion::Any(), std::move(two)).ok());
  // Refused (wrong expected version): nothing committed, nothing reported.
  EXPECT_FALSE(store->Append("s-1", ExpectedVersion::NoStream(), One("Tested")).ok());
  std::lock_guard lock(samples.mu);
  ASSERT_EQ(samples.all.size(), 2u);
  EXPECT_EQ(samples.all[0].appends, 1u);
  EXPECT_EQ(samples.all[0].events, 1u);
  EXPECT_EQ(samples.all[1].events, 2u);
  EXPECT_GT(samples.all[1].bytes, samples.all[0].bytes);
  const StoreStats stats = store->Stats();
  EXPECT_EQ(stats.queued_appends, 0u);
  EXPECT_FALSE(stats.engine.has_value());
}

TEST(StoreStatsTest, TheRocksStoreReportsItsEngineAndDirectory) {
  TempDir dir;
  Samples samples;
  auto opened = OpenRocksStore(dir.sub("store"), samples.Options());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& store = *opened;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store->Append("s-" + std::to_string(i), ExpectedVersion::Any(), One("Tested", R"({"i":1})")).ok());
  }
  const StoreStats stats = store->Stats();
  ASSERT_TRUE(stats.engine.has_value());
  EXPECT_GT(stats.engine->disk_bytes, 0u);
  EXPECT_GT(stats.engine->memtable_bytes, 0u);
  ASSERT_TRUE(stats.engine->disk_free_bytes.has_value());
  EXPECT_GT(*stats.engine->disk_free_bytes, 0u);
  std::lock_guard lock(samples.mu);
  std::size_t events = 0;
  for (const auto& s : samples.all) events += s.events;
  EXPECT_EQ(events, 20u);
}

}  // namespace
}  // namespace assure::storage::testing
