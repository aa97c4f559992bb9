// EventStore::VisitState and ClearState: visiting a prefix's pairs one at a
// time gives what ScanState copies, in key order, stopping when asked;
// clearing a prefix deletes its keys and only them (keys just outside it,
// 0xff bytes). In a RocksDB store (before and after reopening) and a memory
// store alike; a read-only open refuses to clear.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage::visit_clear_state_test {
namespace {

using testing::TempDir;

const std::string kFf = "\xff", kFf2 = "\xff\xff";

std::vector<KeyValue> Pairs() {
  return {{"row/", "the prefix itself"}, {"row/a", "1"}, {"row/b", "2"}, {"row/" + kFf2, "3"},
          {"row0", "after"},              {"ro", "before"}, {kFf2, "4"},   {kFf2 + "x", "5"}};
}

std::vector<KeyValue> Visit(EventStore& store, const std::string& prefix, std::size_t stop_after = 1000,
                            const std::string& from = {}) {
  std::vector<KeyValue> seen;
  Status s = store.VisitState(prefix, from, [&](std::string_view k, std::string_view v) {
    seen.push_back({std::string(k), std::string(v)});
    return seen.size() < stop_after;
  });
  EXPECT_TRUE(s.ok());
  return seen;
}

std::vector<std::string> Keys(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> out;
  for (const auto& kv : kvs) out.push_back(kv.key);
  return out;
}

void ExpectVisitAsScanAndClearByPrefix(EventStore& store) {
  for (const std::string& prefix : {std::string("row/"), std::string("r"), kFf2, std::string("none"), std::string()}) {
    auto scan = store.ScanState(prefix);
    ASSERT_TRUE(scan.ok());
    auto seen = Visit(store, prefix);
    EXPECT_EQ(Keys(seen), Keys(*scan)) << "prefix '" << prefix << "'";
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].value, (*scan)[i].value);
  }
  EXPECT_EQ(Keys(Visit(store, "row/", 2)), (std::vector<std::string>{"row/", "row/a"})) << "stops when asked";
  // From a key on (the security log's pages): the prefix's keys at or after it.
  EXPECT_EQ(Keys(Visit(store, "row/", 1000, "row/a")), (std::vector<std::string>{"row/a", "row/b", "row/" + kFf2}));
  EXPECT_EQ(Keys(Visit(store, "row/", 1000, "row/a0")), (std::vector<std::string>{"row/b", "row/" + kFf2}));
  EXPECT_EQ(Keys(Visit(store, "row/", 1, "row/b")), (std::vector<std::string>{"row/b"}));
  EXPECT_EQ(Keys(Visit(store, "row/", 1000, "a")), Keys(Visit(store, "row/"))) << "from before the prefix";
  EXPECT_TRUE(Visit(store, "row/", 1000, "row0").empty()) << "from after the prefix";

  ASSERT_TRUE(store.ClearState("row/").ok());
  EXPECT_TRUE(Visit(store, "row/").empty());
  EXPECT_EQ(Keys(Visit(store, "")), (std::vector<std::string>{"ro", "row0", kFf2, kFf2 + "x"}))
      << "keys outside the prefix stay";
  ASSERT_TRUE(store.ClearState(kFf2).ok());  // no end key: key by key
  EXPECT_EQ(Keys(Visit(store, "")), (std::vector<std::string>{"ro", "row0"}));
}

TEST(VisitClearState, ARocksStoreVisitsAndClearsAPrefix) {
  TempDir dir;
  {
    auto store = OpenRocksStore(dir.sub("db"));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutState(Pairs()).ok());
    ExpectVisitAsScanAndClearByPrefix(**store);
    ASSERT_TRUE((*store)->PutState({{"row/c", "again"}}, /*sync=*/true).ok());
  }
  auto store = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Keys(Visit(**store, "")), (std::vector<std::string>{"ro", "row/c", "row0"}))
      << "the clears are durable once a synced write follows";
}

TEST(VisitClearState, AMemoryStoreVisitsAndClearsAPrefix) {
  auto store = NewMemoryStore();
  ASSERT_TRUE(store->PutState(Pairs()).ok());
  ExpectVisitAsScanAndClearByPrefix(*store);
}

TEST(VisitClearState, AReadOnlyOpenRefusesToClear) {
  TempDir dir;
  {
    auto store = OpenRocksStore(dir.sub("db"));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutState(Pairs()).ok());
  }
  StoreOptions ro;
  ro.read_only = true;
  auto store = OpenRocksStore(dir.sub("db"), ro);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->ClearState("row/").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(Keys(Visit(**store, "row/")).size(), 4u);
}

}  // namespace
}  // namespace assure::storage::visit_clear_state_test
