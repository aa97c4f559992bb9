// AppendMany: one append across several streams, all or nothing, on both stores.
#include <gtest/gtest.h>

#include <future>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::Ev;
using testing::FakeClock;
using testing::One;
using testing::TempDir;

enum class StoreKind { kMemory, kRocks };

StreamAppend Part(std::string stream, ExpectedVersion ev, std::vector<ProposedEvent> events) {
  StreamAppend p;
  p.stream_id = std::move(stream);
  p.expected = ev;
  p.events = std::move(events);
  return p;
}

class ManyAppendTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.clock = std::make_shared<FakeClock>();
    if (GetParam() == StoreKind::kMemory) {
      store_ = NewMemoryStore(o);
    } else {
      auto s = OpenRocksStore(dir_.sub("db"), o);
      ASSERT_TRUE(s.ok());
      store_ = std::move(s).value();
    }
  }
  std::vector<StreamAppend> Two(ExpectedVersion a, ExpectedVersion b, std::string id_a = {},
                                std::string id_b = {}) {
    std::vector<StreamAppend> parts;
    parts.push_back(Part("deliverable-1", a, One("Created", R"({"n":1})", id_a)));
    parts.push_back(Part("work_programme-1", b, One("DeliverableAdded", R"({"n":2})", id_b)));
    return parts;
  }
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_P(ManyAppendTest, WritesEveryPartInOneCommitInPartOrder) {
  ASSERT_TRUE(store_->Append("work_programme-1", ExpectedVersion::NoStream(), One("Created")).ok());
  auto r = store_->AppendMany(Two(ExpectedVersion::NoStream(), ExpectedVersion::Exact(0)));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].first_position, 2u);
  EXPECT_EQ((*r)[0].stream_version, 0u);
  EXPECT_EQ((*r)[1].first_position, 3u);
  EXPECT_EQ((*r)[1].stream_version, 1u);
  EXPECT_EQ((*r)[0].recorded_at_us, (*r)[1].recorded_at_us);
  auto e = store_->ReadEvent(3);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->stream_id, "work_programme-1");
  auto v = store_->Verify(0, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
}

TEST_P(ManyAppendTest, OnePartsWrongVersionWritesNothingAndNamesThePart) {
  auto r = store_->AppendMany(Two(ExpectedVersion::NoStream(), ExpectedVersion::Exact(4)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_NE(r.error().message.find("parts[1]"), std::string::npos) << r.error().message;
  EXPECT_EQ(store_->Head().position, 0u);
  auto info = store_->GetStreamInfo("deliverable-1");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->exists);
}

TEST_P(ManyAppendTest, OnePartsBadInputWritesNothing) {
  auto parts = Two(ExpectedVersion::Any(), ExpectedVersion::Any());
  parts[1].events[0].data = "not json";
  auto r = store_->AppendMany(std::move(parts));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().field.find("parts[1]"), std::string::npos) << r.error().field;
  EXPECT_EQ(store_->Head().position, 0u);
}

TEST_P(ManyAppendTest, TheSameStreamTwiceOrNoPartIsRefused) {
  std::vector<StreamAppend> parts;
  parts.push_back(Part("s", ExpectedVersion::Any(), One("E")));
  parts.push_back(Part("s", ExpectedVersion::Any(), One("E")));
  auto r = store_->AppendMany(std::move(parts));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store_->AppendMany({}).ok());
  EXPECT_EQ(store_->Head().position, 0u);
}

TEST_P(ManyAppendTest, ARetryReplaysEveryPartAndAPartialOneIsAConflict) {
  const std::string a = "5a3c0d2e-1b2f-4c3d-8e4f-5a6b7c8d9e01";
  const std::string b = "5a3c0d2e-1b2f-4c3d-8e4f-5a6b7c8d9e02";
  auto first = store_->AppendMany(Two(ExpectedVersion::NoStream(), ExpectedVersion::NoStream(), a, b));
  ASSERT_TRUE(first.ok());
  auto again = store_->AppendMany(Two(ExpectedVersion::NoStream(), ExpectedVersion::NoStream(), a, b));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE((*again)[0].idempotent_replay);
  EXPECT_TRUE((*again)[1].idempotent_replay);
  EXPECT_EQ((*again)[1].first_position, (*first)[1].first_position);
  EXPECT_EQ(store_->Head().position, 2u);

  auto partial = store_->AppendMany(Two(ExpectedVersion::NoStream(), ExpectedVersion::NoStream(), a,
                                        "5a3c0d2e-1b2f-4c3d-8e4f-5a6b7c8d9e03"));
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.error().code, ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(store_->Head().position, 2u);
}

TEST_P(ManyAppendTest, AsynchronousManyAppendIsAnsweredWithEveryPart) {
  std::promise<Result<std::vector<AppendResult>>> p;
  store_->AppendManyAsync(Two(ExpectedVersion::NoStream(), ExpectedVersion::NoStream()),
                          [&](Result<std::vector<AppendResult>> r) { p.set_value(std::move(r)); });
  auto r = p.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  store_->WaitForAsyncAppends();
  EXPECT_EQ(store_->Head().position, 2u);
}

TEST_P(ManyAppendTest, AListenerSeesEveryPartInOneCall) {
  std::vector<std::size_t> sizes;
  std::mutex mu;
  store_->Subscribe([&](const std::vector<RecordedEvent>& e) {
    std::lock_guard l(mu);
    sizes.push_back(e.size());
  });
  ASSERT_TRUE(store_->AppendMany(Two(ExpectedVersion::Any(), ExpectedVersion::Any())).ok());
  std::lock_guard l(mu);
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes[0], 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ManyAppendTest,
                         ::testing::Values(StoreKind::kMemory, StoreKind::kRocks),
                         [](const auto& info) {
                           return info.param == StoreKind::kMemory ? "Memory" : "Rocks";
                         });

}  // namespace
}  // namespace assure::storage
