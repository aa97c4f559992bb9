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

}  // namespace
}  // namespace assure::auth
