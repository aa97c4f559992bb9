// EventStore::LastState: the greatest key under a prefix (and below a bound,
// if given), as ScanState's last (below it), in a RocksDB store and a memory
// store alike - including keys whose bytes are 0xff, and keys just outside
// the prefix on either side.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage::last_state_test {
namespace {

using testing::TempDir;

void ExpectLastAsScan(EventStore& store) {
  const std::string ff = "\xff", ff2 = "\xff\xff";
  ASSERT_TRUE(store
                  .PutState({{"a.", "before"},
                             {"a/", "the prefix itself"},
                             {"a/1", "one"},
                             {"a/" + ff2, "0xff 0xff"},
                             {"a/" + ff2 + "x", "after 0xff"},
                             {"a0", "after the prefix"},
                             {"b/1", "b"},
                             {ff + "z", "0xff z"},
                             {ff2, "0xff 0xff alone"}})
                  .ok());
  for (const std::string& prefix : std::vector<std::string>{"a/", "a", "b/", "c/", "", "a/1", "a/2", ff, ff2, ff2 + ff}) {
    auto scan = store.ScanState(prefix);
    auto last = store.LastState(prefix);
    ASSERT_TRUE(scan.ok() && last.ok());
    if (scan->empty()) {
      EXPECT_FALSE(last->has_value()) << "prefix '" << prefix << "'";
    } else {
      ASSERT_TRUE(last->has_value()) << "prefix '" << prefix << "'";
      EXPECT_EQ((*last)->key, scan->back().key) << "prefix '" << prefix << "'";
      EXPECT_EQ((*last)->value, scan->back().value) << "prefix '" << prefix << "'";
    }
    // Bounded: the greatest key below `below`, bounds inside the prefix's
    // keys, between them, at them, before and after all of them.
    for (const std::string& below :
         std::vector<std::string>{"a/1", "a/10", "a/2", "a/" + ff2, "a/" + ff2 + "x", "a/" + ff2 + "y", "a/",
                                  "a", "a0", "b", ff, ff2, ff2 + ff, "\x01"}) {
      const KeyValue* want = nullptr;
      for (const auto& kv : *scan) {
        if (kv.key < below) want = &kv;
      }
      auto bounded = store.LastState(prefix, below);
      ASSERT_TRUE(bounded.ok());
      if (want == nullptr) {
        EXPECT_FALSE(bounded->has_value()) << "prefix '" << prefix << "' below '" << below << "'";
      } else {
        ASSERT_TRUE(bounded->has_value()) << "prefix '" << prefix << "' below '" << below << "'";
        EXPECT_EQ((*bounded)->key, want->key) << "prefix '" << prefix << "' below '" << below << "'";
        EXPECT_EQ((*bounded)->value, want->value);
      }
    }
  }
  auto a = store.LastState("a/");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->value, "after 0xff");
}

TEST(LastState, ARocksStoreFindsTheGreatestKeyUnderAPrefix) {
  TempDir dir;
  {
    auto store = OpenRocksStore(dir.sub("db"));
    ASSERT_TRUE(store.ok());
    ExpectLastAsScan(**store);
  }  // a clean close flushes: read again from the tables
  auto store = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(store.ok());
  ExpectLastAsScan(**store);
}

TEST(LastState, AMemoryStoreFindsTheGreatestKeyUnderAPrefix) {
  auto store = NewMemoryStore();
  ExpectLastAsScan(*store);
}

}  // namespace
}  // namespace assure::storage::last_state_test
