// Backend::GetEvents, the batched read of a stream's events by position, on
// the memory and RocksDB (one iterator) backends, each through a FaultBackend,
// which counts each position as one event read and fails it as every read.
#include <gtest/gtest.h>

#include "storage/fault_backend.h"
#include "storage/log_store.h"
#include "storage/rocks_backend.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::One;
using testing::TempDir;

class BackendRangeTest : public ::testing::TestWithParam<bool /*rocks*/> {
 protected:
  // A store of 60 events over the backend, read through a FaultBackend.
  void SetUp() override {
    std::unique_ptr<Backend> inner;
    if (GetParam()) {
      auto b = OpenRocksBackend(dir_.sub("db"), true);
      ASSERT_TRUE(b.ok()) << b.error().message;
      inner = std::move(b).value();
    } else {
      inner = NewMemoryBackend();
    }
    auto fb = std::make_unique<FaultBackend>(std::move(inner));
    fault_ = fb.get();
    auto s = LogStore::Open(std::move(fb), {});
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(store_->Append(i % 3 == 0 ? "a-1" : "b-1", ExpectedVersion::Any(),
                                 One("E", "{\"i\":" + std::to_string(i) + "}"))
                      .ok());
    }
  }

  // What GetEvents visits for `positions`: (position, the value GetEvent has).
  std::vector<std::pair<std::uint64_t, std::string>> Visit(const std::vector<std::uint64_t>& positions,
                                                           std::size_t stop_after = SIZE_MAX) {
    std::vector<std::pair<std::uint64_t, std::string>> seen;
    Status s = fault_->GetEvents(positions, [&](std::uint64_t p, std::string_view v) {
      seen.emplace_back(p, std::string(v));
      return seen.size() < stop_after;
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return seen;
  }

  void ExpectAsGetEvent(const std::vector<std::uint64_t>& positions) {
    auto seen = Visit(positions);
    ASSERT_EQ(seen.size(), positions.size());
    for (std::size_t i = 0; i < positions.size(); ++i) {
      EXPECT_EQ(seen[i].first, positions[i]);
      auto one = fault_->GetEvent(positions[i]);
      ASSERT_TRUE(one.ok() && one->has_value());
      EXPECT_EQ(seen[i].second, **one) << positions[i];
    }
  }

  TempDir dir_;
  FaultBackend* fault_ = nullptr;
  std::unique_ptr<EventStore> store_;
};

TEST_P(BackendRangeTest, VisitsEachPositionInTheOrderGivenWithGetEventsValue) {
  ExpectAsGetEvent({1, 4, 7, 10, 13});        // a stream's, ascending: steps
  ExpectAsGetEvent({2, 30, 31, 39, 50, 60});  // gaps past what it steps over: seeks
  ExpectAsGetEvent({60, 59, 57, 56, 2});      // descending
  ExpectAsGetEvent({30, 1, 45, 1});           // any order, repeated
  ExpectAsGetEvent({});
  std::vector<std::uint64_t> all;
  for (std::uint64_t p = 1; p <= 60; ++p) all.push_back(p);
  ExpectAsGetEvent(all);
  EXPECT_EQ(Visit(all, 5).size(), 5u) << "the visitor stops it";
}

TEST_P(BackendRangeTest, AMissingPositionIsNotFound) {
  for (std::vector<std::uint64_t> positions : {std::vector<std::uint64_t>{3, 61}, {0}, {99, 1}, {58, 59, 60, 61}}) {
    Status s = fault_->GetEvents(positions, [](std::uint64_t, std::string_view) { return true; });
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  }
}

TEST_P(BackendRangeTest, CountsEachPositionAndFailsAsEveryRead) {
  const std::uint64_t before = fault_->event_reads();
  Visit({5, 6, 7, 8});
  EXPECT_EQ(fault_->event_reads() - before, 4u);
  fault_->FailReads(FaultBackend::NoSpace());
  Status s = fault_->GetEvents(std::vector<std::uint64_t>{1}, [](std::uint64_t, std::string_view) { return true; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, FaultBackend::NoSpace().code);
  fault_->FailReads(std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendRangeTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Rocks" : "Memory"; });

}  // namespace
}  // namespace assure::storage
