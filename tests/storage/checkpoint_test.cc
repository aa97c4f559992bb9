// EventStore::Checkpoint: an online copy of a RocksDB store that holds every
// append acknowledged before the call, taken while writers append; it opens
// and verifies on its own. The in-memory store cannot be copied.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/storage/test_util.h"

namespace assure::storage::testing {
namespace {

TEST(CheckpointTest, HoldsEveryAppendAcknowledgedBeforeItWhileWritersGoOn) {
  TempDir dir;
  auto opened = OpenRocksStore(dir.sub("store"));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::shared_ptr<EventStore> store = std::move(opened).value();

  std::mutex mu;
  std::vector<std::uint64_t> acknowledged;  // positions, in the order answered
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        auto r = store->Append("s-" + std::to_string(t) + "-" + std::to_string(i % 50), ExpectedVersion::Any(),
                               One("Tested", R"({"i":)" + std::to_string(i) + "}"));
        if (!r.ok()) continue;
        std::lock_guard lock(mu);
        acknowledged.push_back(r->last_position);
      }
    });
  }
  auto count = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };
  for (int i = 0; i < 100000 && count() < 500; ++i) std::this_thread::yield();
  std::vector<std::uint64_t> before;
  {
    std::lock_guard lock(mu);
    before = acknowledged;
  }
  const std::string copy = dir.sub("copy");
  ASSERT_TRUE(store->Checkpoint(copy).ok());
  stop = true;
  for (auto& w : writers) w.join();
  EXPECT_FALSE(store->Checkpoint(copy).ok()) << "an existing directory is refused";
  store.reset();

  StoreOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto c = OpenRocksStore(copy, options);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_FALSE(before.empty());
  for (std::uint64_t p : before) EXPECT_TRUE((*c)->ReadEvent(p).ok()) << p;
  EXPECT_GE((*c)->Head().position, *std::max_element(before.begin(), before.end()));
  auto report = (*c)->Verify(1, 0);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->checked, (*c)->Head().position);
}

TEST(CheckpointTest, TheMemoryStoreCannotBeCopied) {
  TempDir dir;
  auto store = NewMemoryStore();
  auto st = store->Checkpoint(dir.sub("copy"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("copy")));
}

}  // namespace
}  // namespace assure::storage::testing
