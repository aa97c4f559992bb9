// 32 threads appending to overlapping streams (half of them with
// AppendAsync): afterwards positions and
// every stream's versions are gapless, every acknowledged append is
// readable, and the chain verifies. Run against both stores.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::Ev;
using testing::TempDir;

struct Ack {
  std::string stream;
  std::string data;
  AppendResult result;
  std::size_t count;
};

void Hammer(EventStore& store, int threads, int appends_per_thread) {
  std::mutex mu;
  std::vector<Ack> acks;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < appends_per_thread; ++i) {
        std::string stream = "stream-" + std::to_string((t + i) % 8);
        std::string data = R"({"i":)" + std::to_string(i) + R"(,"t":)" + std::to_string(t) + "}";
        std::size_t n = 1 + (i % 3);
        std::vector<ProposedEvent> events;
        for (std::size_t k = 0; k < n; ++k) events.push_back(Ev("E", data));
        ExpectedVersion ev = ExpectedVersion::Any();
        if (i % 4 == 1) {
          // Optimistic: read the version, then append expecting it.
          auto info = store.GetStreamInfo(stream);
          ev = info->exists ? ExpectedVersion::Exact(info->current_version)
                            : ExpectedVersion::NoStream();
        }
        // Odd threads append asynchronously: the committer and synchronous
        // leaders share one queue.
        Result<AppendResult> r = MakeError(ErrorCode::kInternal, "not answered");
        if (t % 2 == 1) {
          std::promise<Result<AppendResult>> answered;
          store.AppendAsync(stream, ev, std::move(events),
                            [&](Result<AppendResult> a) { answered.set_value(std::move(a)); });
          r = answered.get_future().get();
        } else {
          r = store.Append(stream, ev, std::move(events));
        }
        if (!r.ok()) {
          ASSERT_EQ(r.error().code, ErrorCode::kWrongExpectedVersion) << r.error().message;
          ++conflicts;
          continue;
        }
        std::lock_guard l(mu);
        acks.push_back({stream, data, *r, n});
      }
    });
  }
  for (auto& th : pool) th.join();

  std::uint64_t total = 0;
  for (auto& a : acks) total += a.count;
  EXPECT_EQ(store.Head().position, total);

  // Gapless positions, and every stream's versions gapless, in one pass.
  std::map<std::string, std::uint64_t> next_version;
  std::uint64_t expect = 1;
  for (std::uint64_t from = 1;;) {
    auto page = store.ReadAll(from, 1000);
    ASSERT_TRUE(page.ok());
    for (auto& e : page->events) {
      ASSERT_EQ(e.position, expect++);
      ASSERT_EQ(e.stream_version, next_version[e.stream_id]++) << e.stream_id;
    }
    from = page->next_position;
    if (page->end_of_log) break;
  }
  EXPECT_EQ(expect - 1, total);

  for (auto& a : acks) {
    ASSERT_EQ(a.result.last_position - a.result.first_position + 1, a.count);
    for (auto p = a.result.first_position; p <= a.result.last_position; ++p) {
      auto e = store.ReadEvent(p);
      ASSERT_TRUE(e.ok());
      EXPECT_EQ(e->stream_id, a.stream);
      EXPECT_EQ(e->data, a.data);
    }
  }
  auto v = store.Verify(0, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checked, total);
}

TEST(ConcurrencyTest, ThirtyTwoThreadsMemory) {
  auto store = NewMemoryStore();
  Hammer(*store, 32, 200);
}

TEST(ConcurrencyTest, ThirtyTwoThreadsRocks) {
  TempDir dir;
  auto store = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(store.ok());
  Hammer(**store, 32, 60);
}

TEST(ConcurrencyTest, ExactVersionRacesLetExactlyOneWriterWin) {
  TempDir dir;
  auto opened = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(opened.ok());
  auto& store = **opened;
  ASSERT_TRUE(store.Append("s", ExpectedVersion::NoStream(), {Ev("Seed")}).ok());
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> winners{0};
    std::vector<std::thread> pool;
    const auto v = store.GetStreamInfo("s")->current_version;
    for (int t = 0; t < 16; ++t) {
      pool.emplace_back([&] {
        auto r = store.Append("s", ExpectedVersion::Exact(v), {Ev("Race")});
        if (r.ok()) ++winners;
        else EXPECT_EQ(r.error().code, ErrorCode::kWrongExpectedVersion);
      });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(winners.load(), 1);
  }
  EXPECT_EQ(store.GetStreamInfo("s")->current_version, 20u);
}

}  // namespace
}  // namespace assure::storage
