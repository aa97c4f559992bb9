// The security log's writer (issue 15): room is reserved before an action,
// an entry submitted into reserved room is always written (in batches, with
// gapless sequence numbers), and a full queue refuses a reservation instead
// of dropping an entry.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "api/auth/security_log.h"
#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::auth {
namespace {

using namespace std::chrono_literals;

SecurityEvent Entry(int i) {
  SecurityEvent e;
  e.kind = security_kind::kAdminAction;
  e.path = "/p/" + std::to_string(i);
  return e;
}

TEST(SecurityLogTest, ReservedEntriesAreAllWrittenAndAFullQueueRefusesRoom) {
  std::shared_ptr<storage::EventStore> store(storage::NewMemoryStore());
  SecurityLogOptions options;
  options.queue_limit = 4;
  options.batch_limit = 3;
  SecurityLog log(*store, nullptr, options);
  ASSERT_TRUE(log.Open().ok());
  log.Start();
  int written = 0;
  for (int round = 0; round < 50; ++round) {
    auto slots = log.Reserve(4, 5000ms);
    ASSERT_TRUE(slots.has_value()) << "the writer never freed room";
    EXPECT_EQ(slots->count(), 4u);
    // Everything is reserved: no more room, and saying so is immediate.
    EXPECT_FALSE(log.Reserve(1, 0ms).has_value());
    for (int i = 0; i < 4; ++i) log.Submit(*slots, Entry(written++));
  }
  EXPECT_FALSE(log.Reserve(5, 0ms).has_value()) << "more than the queue holds";
  ASSERT_TRUE(log.Record(Entry(written++)).ok());  // synchronous: durable on return
  log.Stop();
  auto all = log.Read(1, 1000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<std::size_t>(written));
  for (int i = 0; i < written; ++i) {
    EXPECT_EQ((*all)[i].seq, static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ((*all)[i].path, "/p/" + std::to_string(i)) << "entries out of order";
  }
  // The counter follows the last entry: a reopened log continues the sequence.
  SecurityLog reopened(*store, nullptr);
  ASSERT_TRUE(reopened.Open().ok());
  ASSERT_TRUE(reopened.Record(Entry(written)).ok());
  auto last = reopened.Read(static_cast<std::uint64_t>(written + 1), 10);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].seq, static_cast<std::uint64_t>(written + 1));
}

TEST(SecurityLogTest, UnusedRoomIsGivenBack) {
  std::shared_ptr<storage::EventStore> store(storage::NewMemoryStore());
  SecurityLogOptions options;
  options.queue_limit = 2;
  SecurityLog log(*store, nullptr, options);
  ASSERT_TRUE(log.Open().ok());
  log.Start();
  {
    auto slots = log.Reserve(2, 0ms);
    ASSERT_TRUE(slots.has_value());
    EXPECT_FALSE(log.Reserve(1, 0ms).has_value());
  }  // a request that never logged (e.g. its handler never answered)
  EXPECT_TRUE(log.Reserve(2, 0ms).has_value());
}

// Retention: entries recorded before the cutoff are deleted (their keys are
// gone from the store), later ones stay, with their sequence numbers; what
// is written afterwards carries on from the last sequence number.
TEST(SecurityLogTest, PruneDeletesTheEntriesBeforeTheCutoffOnly) {
  struct Clock : storage::Clock {
    std::int64_t now = 1'000'000;
    std::int64_t NowMicros() override { return now; }
  };
  auto clock = std::make_shared<Clock>();
  std::shared_ptr<storage::EventStore> store(storage::NewMemoryStore());
  SecurityLog log(*store, clock);
  ASSERT_TRUE(log.Open().ok());
  for (int i = 0; i < 10; ++i) {
    clock->now = 1'000'000 + std::int64_t{i} * 1'000'000;  // one a second
    ASSERT_TRUE(log.Record(Entry(i)).ok());
  }
  auto pruned = log.Prune(1'000'000 + 4 * 1'000'000);  // before the fifth entry
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 4u);
  auto kept = log.Read(1, 100);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 6u);
  EXPECT_EQ(kept->front().seq, 5u);
  EXPECT_EQ(kept->front().path, "/p/4");
  auto keys = store->ScanState("security/");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 6u) << "the old entries' keys are gone";
  EXPECT_EQ(*log.Prune(0), 0u) << "nothing is older than the start";
  ASSERT_TRUE(log.Record(Entry(10)).ok());
  EXPECT_EQ(log.Read(1, 100)->back().seq, 11u);
}

// A page of the log reads its own entries, not the log: anyone can lengthen
// the log by failing to authenticate, and Read copied the whole of it for
// every page (GET /security/log) and every subject-access report.
TEST(SecurityLogTest, AReadHoldsItsPageNotTheLog) {
  auto fault = storage::testing::OpenFaultStore();
  ASSERT_NE(fault.store, nullptr);
  SecurityLog log(*fault.store, nullptr);
  ASSERT_TRUE(log.Open().ok());
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(log.Record(Entry(i)).ok());

  std::uint64_t before = fault.backend->state_values_read();
  auto page = log.Read(491, 5);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 5u);
  EXPECT_EQ(page->front().seq, 491u);
  EXPECT_EQ(page->back().path, "/p/494");
  EXPECT_LE(fault.backend->state_values_read() - before, 5u) << "a page of 5 read the whole log";

  before = fault.backend->state_values_read();
  auto tail = log.Read(499, 100);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ(tail->back().seq, 500u);
  EXPECT_LE(fault.backend->state_values_read() - before, 2u);
  EXPECT_TRUE(log.Read(501, 10)->empty());
  EXPECT_TRUE(log.Read(1, 0)->empty());
  EXPECT_EQ(log.Read(1, 1000)->size(), 500u);
}

}  // namespace
}  // namespace assure::auth
