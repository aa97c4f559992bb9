#include "api/core/command_service.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/api/counter_aggregate.h"

namespace assure::api {
namespace {

using testing::CounterAggregate;
using C = CounterAggregate;

class CommandServiceTest : public ::testing::Test {
 protected:
  RequestContext Rc() {
    RequestContext rc;
    rc.actor = "person-1";
    rc.now_us = 1'000;
    rc.correlation_id = "corr";
    return rc;
  }
  std::unique_ptr<storage::EventStore> store_ = storage::NewMemoryStore();
};

TEST_F(CommandServiceTest, CreatesThenChangesAndRecordsMetadata) {
  auto created = Execute<C>(*store_, "c1", C::Create{"first"}, Rc());
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->stream_version, 0u);
  EXPECT_EQ(created->position, 1u);
  auto added = Execute<C>(*store_, "c1", C::Add{5, "because"}, Rc());
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->stream_version, 1u);
  auto e = store_->ReadEvent(2);
  EXPECT_EQ(e->stream_id, "counter-c1");
  EXPECT_EQ(e->metadata.actor, "person-1");
  EXPECT_EQ(e->metadata.reason, "because");
  EXPECT_EQ(e->metadata.correlation_id, "corr");
  EXPECT_EQ(e->metadata.source, "api");
  auto loaded = LoadAggregate<C>(*store_, "c1");
  EXPECT_EQ(loaded->state.value, 5);
  EXPECT_EQ(loaded->version, 1u);
}

TEST_F(CommandServiceTest, RejectionsWriteNothing) {
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc()).ok());
  auto again = Execute<C>(*store_, "c1", C::Create{"x"}, Rc());
  EXPECT_EQ(again.error().code, ErrorCode::kRuleViolation);
  auto missing = Execute<C>(*store_, "nope", C::Add{1, ""}, Rc());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto bad_id = Execute<C>(*store_, "has space", C::Add{1, ""}, Rc());
  EXPECT_EQ(bad_id.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Head().position, 1u);
}

TEST_F(CommandServiceTest, NoOpCommandWritesNothing) {
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc()).ok());
  auto same = Execute<C>(*store_, "c1", C::Add{0, ""}, Rc());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->events_written, 0u);
  EXPECT_EQ(same->stream_version, 0u);
  EXPECT_EQ(store_->Head().position, 1u);
}

TEST_F(CommandServiceTest, IfMatchStaleIsPreconditionFailedWithActualVersion) {
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc()).ok());
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Add{1, ""}, Rc()).ok());
  auto rc = Rc();
  rc.if_match = 0;
  auto stale = Execute<C>(*store_, "c1", C::Add{1, ""}, rc);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kPreconditionFailed);
  EXPECT_EQ(stale.error().actual_version, 1);
  rc.if_match = 1;
  EXPECT_TRUE(Execute<C>(*store_, "c1", C::Add{1, ""}, rc).ok());
  EXPECT_EQ(store_->Head().position, 3u);
}

TEST_F(CommandServiceTest, IdempotencyKeyReturnsTheFirstResultAndWritesNothing) {
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc()).ok());
  auto rc = Rc();
  rc.idempotency_key = "req-42";
  auto first = Execute<C>(*store_, "c1", C::Add{3, ""}, rc);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Add{1, ""}, Rc()).ok());  // someone else
  auto retry = Execute<C>(*store_, "c1", C::Add{3, ""}, rc);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->position, first->position);
  EXPECT_EQ(retry->stream_version, first->stream_version);
  EXPECT_EQ(store_->Head().position, 3u);
  EXPECT_EQ(LoadAggregate<C>(*store_, "c1")->state.value, 4);
  // The same key from another actor is another request.
  auto other = rc;
  other.actor = "person-2";
  auto theirs = Execute<C>(*store_, "c1", C::Add{3, ""}, other);
  ASSERT_TRUE(theirs.ok());
  EXPECT_FALSE(theirs->replayed);
  // The same key and actor on another entity is a conflict.
  ASSERT_TRUE(Execute<C>(*store_, "c2", C::Create{"y"}, Rc()).ok());
  auto misuse = Execute<C>(*store_, "c2", C::Add{3, ""}, rc);
  EXPECT_EQ(misuse.error().code, ErrorCode::kIdempotencyConflict);
}

TEST_F(CommandServiceTest, ConcurrentWritersWithoutIfMatchAllLand) {
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc()).ok());
  std::vector<std::thread> pool;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!Execute<C>(*store_, "c1", C::Add{1, ""}, Rc()).ok()) ++failed;
      }
    });
  }
  for (auto& th : pool) th.join();
  // A few may exhaust their retries under contention; the rest must land,
  // and the total must match what landed.
  auto loaded = LoadAggregate<C>(*store_, "c1");
  EXPECT_EQ(loaded->state.value, 160 - failed.load());
  EXPECT_EQ(*loaded->version, static_cast<std::uint64_t>(160 - failed.load()));
}

TEST_F(CommandServiceTest, LoadUpToAPosition) {
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc()).ok());
  ASSERT_TRUE(Execute<C>(*store_, "c2", C::Create{"y"}, Rc()).ok());
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Add{10, ""}, Rc()).ok());
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Add{5, ""}, Rc()).ok());
  EXPECT_EQ(LoadAggregate<C>(*store_, "c1", 2)->state.value, 0);
  EXPECT_EQ(LoadAggregate<C>(*store_, "c1", 3)->state.value, 10);
  EXPECT_EQ(LoadAggregate<C>(*store_, "c1")->state.value, 15);
  EXPECT_FALSE(LoadAggregate<C>(*store_, "c1", 0)->state.exists);
}

TEST(AggregateCacheTest, KeepsTheNewestVersionAndEvictsTheLeastRecentlyUsed) {
  AggregateCache cache(2);
  cache.Put<int>("a", 5, 50);
  cache.Put<int>("a", 4, 40);  // an older fold finishing late: ignored
  EXPECT_EQ(cache.Get<int>("a"), 50);
  EXPECT_EQ(cache.Get<std::string>("a"), std::nullopt);  // another type: a miss
  cache.Put<int>("b", 1, 10);
  EXPECT_EQ(cache.Get<int>("a"), 50);  // a is now the most recently used
  cache.Put<int>("c", 1, 100);         // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get<int>("b"), std::nullopt);
  EXPECT_EQ(cache.Get<int>("a"), 50);
  EXPECT_EQ(cache.Get<int>("c"), 100);
  EXPECT_GT(cache.hits(), 0u);
  EXPECT_GT(cache.misses(), 0u);
}

TEST_F(CommandServiceTest, ACachedWriteCatchesUpWithWritesItDidNotSee) {
  AggregateCache cache;
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Create{"x"}, Rc(), &cache).ok());
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Add{2, ""}, Rc(), &cache).ok());
  ASSERT_TRUE(Execute<C>(*store_, "c1", C::Add{3, ""}, Rc()).ok());  // bypasses the cache
  auto rc = Rc();
  rc.if_match = 2;  // the version after the uncached write
  auto r = Execute<C>(*store_, "c1", C::Add{4, ""}, rc, &cache);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stream_version, 3u);
  auto cached = LoadAggregate<C>(*store_, "c1", UINT64_MAX, &cache);
  EXPECT_EQ(cached->state.value, 9);
  EXPECT_EQ(cached->version, 3u);
  EXPECT_EQ(LoadAggregate<C>(*store_, "c1")->state.value, 9);
}

Result<WriteResult> ExecuteAndWait(std::shared_ptr<storage::EventStore> store, std::string id,
                                   C::Command command, RequestContext rc, AggregateCache* cache) {
  std::promise<Result<WriteResult>> answered;
  auto f = answered.get_future();
  ExecuteAsync<C>(std::move(store), std::move(id), std::move(command), std::move(rc), cache,
                  [&](Result<WriteResult> r) { answered.set_value(std::move(r)); });
  return f.get();
}

TEST_F(CommandServiceTest, ExecuteAsyncAnswersAsExecuteDoes) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  AggregateCache cache;
  auto created = ExecuteAndWait(store, "c1", C::Create{"first"}, Rc(), &cache);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->stream_version, 0u);
  EXPECT_EQ(created->events_written, 1u);
  auto added = ExecuteAndWait(store, "c1", C::Add{5, "five"}, Rc(), &cache);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->stream_version, 1u);
  EXPECT_EQ(added->position, 2u);
  // The cache holds the state after the write.
  EXPECT_EQ(cache.Get<Loaded<C>>("counter-c1")->state.value, 5);
  // Nothing to write: the current version, no event.
  auto nothing = ExecuteAndWait(store, "c1", C::Add{0, ""}, Rc(), &cache);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->events_written, 0u);
  EXPECT_EQ(nothing->stream_version, 1u);
  // A rule refusal, and a stale If-Match, write nothing.
  auto refused = ExecuteAndWait(store, "c1", C::Create{"again"}, Rc(), &cache);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kRuleViolation);
  RequestContext stale = Rc();
  stale.if_match = 0;
  auto precondition = ExecuteAndWait(store, "c1", C::Add{1, ""}, stale, &cache);
  ASSERT_FALSE(precondition.ok());
  EXPECT_EQ(precondition.error().code, ErrorCode::kPreconditionFailed);
  EXPECT_EQ(store->Head().position, 2u);
  auto metadata = store->ReadEvent(2);
  EXPECT_EQ(metadata->metadata.reason, "five");
  EXPECT_EQ(metadata->metadata.actor, "person-1");
}

TEST_F(CommandServiceTest, ExecuteAsyncRetriesAStaleCachedState) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  AggregateCache cache;
  ASSERT_TRUE(ExecuteAndWait(store, "c1", C::Create{"x"}, Rc(), &cache).ok());
  // A write the cache does not see; the async command loads around it.
  ASSERT_TRUE(Execute<C>(*store, "c1", C::Add{2, ""}, Rc()).ok());
  auto added = ExecuteAndWait(store, "c1", C::Add{3, ""}, Rc(), &cache);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->stream_version, 2u);
  EXPECT_EQ(LoadAggregate<C>(*store, "c1")->state.value, 5);
}

TEST(EventMappingTest, ObjectDataIsMarkedCompactAndIsWhatTheStoreWouldStore) {
  RequestContext rc;
  for (const nlohmann::json& data :
       {nlohmann::json::object(), nlohmann::json{{"b", 1}, {"a", {1, 2.5, "x"}}},
        nlohmann::json{{"text", "caf\u00e9 \"quoted\" \n tab\t"}, {"n", -12345678901234LL}},
        nlohmann::json{{"nested", {{"z", nullptr}, {"y", true}, {"x", 1e-7}}}}}) {
    auto p = ToProposed({"E", 1, data, ""}, rc, "");
    EXPECT_TRUE(p.data_is_compact_object);
    EXPECT_EQ(nlohmann::json::parse(p.data).dump(), p.data);
  }
  auto array = ToProposed({"E", 1, nlohmann::json::array({1}), ""}, rc, "");
  EXPECT_FALSE(array.data_is_compact_object);  // the store refuses it as before
}

}  // namespace
}  // namespace assure::api
