// AppendAsync: answered once, with what Append would return, after the
// commit and the listeners; queued appends survive the store's destruction;
// refusals of bad input come back before the call returns.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::Ev;
using testing::One;
using testing::TempDir;

std::unique_ptr<EventStore> OpenRocks(const TempDir& dir) {
  auto s = OpenRocksStore(dir.sub("db"));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s).value();
}

Result<AppendResult> AppendAndWait(EventStore& store, const std::string& stream,
                                   ExpectedVersion expected, std::vector<ProposedEvent> events) {
  std::promise<Result<AppendResult>> p;
  auto f = p.get_future();
  store.AppendAsync(stream, expected, std::move(events),
                    [&p](Result<AppendResult> r) { p.set_value(std::move(r)); });
  return f.get();
}

TEST(AsyncAppendTest, AnswersWithPositionsAndVersionsLikeAppend) {
  TempDir dir;
  auto store = OpenRocks(dir);
  auto a = AppendAndWait(*store, "a", ExpectedVersion::NoStream(), {Ev("X"), Ev("Y")});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->first_position, 1u);
  EXPECT_EQ(a->last_position, 2u);
  EXPECT_EQ(a->stream_version, 1u);
  auto b = store->Append("a", ExpectedVersion::Exact(1), One("Z"));  // sync after async
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first_position, 3u);
  auto c = AppendAndWait(*store, "a", ExpectedVersion::Exact(2), One("W"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->first_position, 4u);
  EXPECT_EQ(c->stream_version, 3u);
  auto e = store->ReadEvent(4);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->type, "W");
}

TEST(AsyncAppendTest, StaleExpectedVersionIsAnsweredAndWritesNothing) {
  TempDir dir;
  auto store = OpenRocks(dir);
  ASSERT_TRUE(store->Append("s", ExpectedVersion::Any(), {Ev("A"), Ev("B")}).ok());
  auto r = AppendAndWait(*store, "s", ExpectedVersion::Exact(0), One("C"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_EQ(r.error().actual_version, 1);
  EXPECT_EQ(store->Head().position, 2u);
}

TEST(AsyncAppendTest, BadInputIsRefusedBeforeTheCallReturns) {
  TempDir dir;
  auto store = OpenRocks(dir);
  bool answered = false;
  store->AppendAsync("s", ExpectedVersion::Any(), One("A", "{not json"),
                     [&](Result<AppendResult> r) {
                       answered = true;
                       ASSERT_FALSE(r.ok());
                       EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
                     });
  EXPECT_TRUE(answered);
  store->AppendAsync("", ExpectedVersion::Any(), One("A"), [&](Result<AppendResult> r) {
    EXPECT_FALSE(r.ok());
  });
  store->WaitForAsyncAppends();
  EXPECT_EQ(store->Head().position, 0u);
}

TEST(AsyncAppendTest, ListenersHaveSeenTheEventsWhenTheCallbackRuns) {
  TempDir dir;
  auto store = OpenRocks(dir);
  std::mutex mu;
  std::set<std::uint64_t> seen;
  store->Subscribe([&](const std::vector<RecordedEvent>& events) {
    std::lock_guard l(mu);
    for (const auto& e : events) seen.insert(e.position);
  });
  std::atomic<int> checked{0};
  for (int i = 0; i < 200; ++i) {
    store->AppendAsync("s-" + std::to_string(i % 7), ExpectedVersion::Any(), One("E"),
                       [&](Result<AppendResult> r) {
                         ASSERT_TRUE(r.ok());
                         std::lock_guard l(mu);
                         EXPECT_TRUE(seen.count(r->first_position)) << r->first_position;
                         ++checked;
                       });
  }
  store->WaitForAsyncAppends();
  EXPECT_EQ(checked.load(), 200);
  EXPECT_EQ(store->Head().position, 200u);
}

TEST(AsyncAppendTest, ACallbackMayQueueTheNextAppend) {
  TempDir dir;
  auto store = OpenRocks(dir);
  std::atomic<int> done{0};
  std::function<void(Result<AppendResult>)> next = [&](Result<AppendResult> r) {
    ASSERT_TRUE(r.ok());
    if (++done < 50) {
      store->AppendAsync("chain", ExpectedVersion::Exact(r->stream_version), One("Link"), next);
    }
  };
  store->AppendAsync("chain", ExpectedVersion::NoStream(), One("Link"), next);
  store->WaitForAsyncAppends();
  EXPECT_EQ(done.load(), 50);
  EXPECT_EQ(store->GetStreamInfo("chain")->current_version, 49u);
}

TEST(AsyncAppendTest, DestroyingTheStoreCommitsWhatWasQueued) {
  TempDir dir;
  std::atomic<int> ok{0};
  {
    auto store = OpenRocks(dir);
    for (int i = 0; i < 300; ++i) {
      store->AppendAsync("s", ExpectedVersion::Any(), One("E", R"({"i":)" + std::to_string(i) + "}"),
                         [&](Result<AppendResult> r) {
                           if (r.ok()) ++ok;
                         });
    }
  }  // no WaitForAsyncAppends: the destructor drains the queue
  EXPECT_EQ(ok.load(), 300);
  auto reopened = OpenRocks(dir);
  EXPECT_EQ(reopened->Head().position, 300u);
  auto v = reopened->Verify(0, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
}

TEST(AsyncAppendTest, MemoryStoreToo) {
  auto store = NewMemoryStore();
  auto r = AppendAndWait(*store, "m", ExpectedVersion::NoStream(), One("A"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first_position, 1u);
}

}  // namespace
}  // namespace assure::storage
