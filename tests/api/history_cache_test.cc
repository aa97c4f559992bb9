// HistoryPageCache on its own: a byte budget it never exceeds, least
// recently used entries out first, and keys that keep apart every field a
// page depends on. (Pages through the cache: history_page_test.cc.)
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/core/history_cache.h"

namespace assure::api {
namespace {

std::string Body(std::size_t n, char c) { return std::string(n, c); }

TEST(HistoryPageCacheTest, NeverExceedsItsBudgetAndDropsTheLeastRecentlyUsed) {
  const std::size_t entry = 1000;  // what one of the entries below costs
  const std::string k0 = HistoryPageCache::Key("s", 0, 0, 100, "asc");
  const std::size_t body = entry - 2 * k0.size() - HistoryPageCache::kEntryOverheadBytes;
  HistoryPageCache cache(3 * entry + entry / 2);  // room for three
  for (int i = 0; i < 10; ++i) {
    cache.Insert(HistoryPageCache::Key("s", i, 0, 100, "asc"), Body(body, static_cast<char>('a' + i)));
    EXPECT_LE(cache.bytes(), cache.budget_bytes()) << i;
    // Reading the first keeps it in while the others come and go.
    ASSERT_NE(cache.Find(k0), nullptr) << i;
  }
  EXPECT_EQ(cache.entries(), 3u);
  EXPECT_EQ(cache.bytes(), 3 * entry);
  EXPECT_EQ(*cache.Find(k0), Body(body, 'a'));
  EXPECT_NE(cache.Find(HistoryPageCache::Key("s", 9, 0, 100, "asc")), nullptr);
  EXPECT_NE(cache.Find(HistoryPageCache::Key("s", 8, 0, 100, "asc")), nullptr);
  EXPECT_EQ(cache.Find(HistoryPageCache::Key("s", 7, 0, 100, "asc")), nullptr);
  EXPECT_EQ(cache.Find(HistoryPageCache::Key("s", 1, 0, 100, "asc")), nullptr);
}

TEST(HistoryPageCacheTest, KeepsNothingLargerThanTheBudgetAndNothingWithBudgetZero) {
  HistoryPageCache small(4096);
  small.Insert("k", Body(4096, 'x'));
  EXPECT_EQ(small.Find("k"), nullptr);
  EXPECT_EQ(small.bytes(), 0u);
  small.Insert("k", Body(100, 'y'));
  ASSERT_NE(small.Find("k"), nullptr);
  // An entry already there stays (two readers built the same page).
  small.Insert("k", Body(200, 'z'));
  EXPECT_EQ(*small.Find("k"), Body(100, 'y'));
  EXPECT_EQ(small.entries(), 1u);

  HistoryPageCache none(0);
  none.Insert("k", "");
  EXPECT_EQ(none.Find("k"), nullptr);
  EXPECT_EQ(none.bytes(), 0u);
}

// Erasure changes what a person's stored events read as, so no page of a
// person's history is kept (a page as at a position before the erasure
// would show the name again).
TEST(HistoryPageCacheTest, KeepsNoPageOfAPerson) {
  HistoryPageCache cache;
  cache.Insert(HistoryPageCache::Key("person-p1", 1, 0, 100, "asc"), "Registered: Ann");
  EXPECT_EQ(cache.Find(HistoryPageCache::Key("person-p1", 1, 0, 100, "asc")), nullptr);
  int builds = 0;
  auto build = [&]() -> Result<std::string> { ++builds; return std::string("page"); };
  ASSERT_TRUE(cache.FindOrBuild(HistoryPageCache::Key("person-p1", 2, 0, 100, "asc"), build).ok());
  ASSERT_TRUE(cache.FindOrBuild(HistoryPageCache::Key("person-p1", 2, 0, 100, "asc"), build).ok());
  EXPECT_EQ(builds, 2);
  cache.Insert(HistoryPageCache::Key("deliverable-d1", 1, 0, 100, "asc"), "page");
  EXPECT_NE(cache.Find(HistoryPageCache::Key("deliverable-d1", 1, 0, 100, "asc")), nullptr);
}

TEST(HistoryPageCacheTest, KeysDifferInEveryField) {
  const std::string base = HistoryPageCache::Key("deliverable-d1", 10, 0, 100, "desc");
  for (const std::string& other : {HistoryPageCache::Key("deliverable-d2", 10, 0, 100, "desc"),
                                   HistoryPageCache::Key("deliverable-d1", 11, 0, 100, "desc"),
                                   HistoryPageCache::Key("deliverable-d1", 10, 1, 100, "desc"),
                                   HistoryPageCache::Key("deliverable-d1", 10, 0, 99, "desc"),
                                   HistoryPageCache::Key("deliverable-d1", 10, 0, 100, "asc"),
                                   // A stream id that ends in digits does not run into the count.
                                   HistoryPageCache::Key("deliverable-d", 110, 0, 100, "desc")}) {
    EXPECT_NE(other, base);
  }
}

// A page marked current at a log head is found by its shape at that head
// only; a newer mark of the shape (another count) replaces it, an older one
// does not; an evicted entry is no longer current; a page not kept cannot
// be marked.
TEST(HistoryPageCacheTest, CurrentPagesAreFoundAtTheirHeadOnly) {
  const std::string shape = HistoryPageCache::Shape("deliverable-d1", 0, 100, "desc");
  const std::string k10 = HistoryPageCache::Key("deliverable-d1", 10, 0, 100, "desc");
  const std::string k11 = HistoryPageCache::Key("deliverable-d1", 11, 0, 100, "desc");
  HistoryPageCache cache(1 << 20);
  cache.Insert(k10, "ten");
  EXPECT_EQ(cache.FindCurrent(shape, 40), nullptr) << "not marked";
  cache.MarkCurrent(k10, shape, 40);
  ASSERT_NE(cache.FindCurrent(shape, 40), nullptr);
  EXPECT_EQ(*cache.FindCurrent(shape, 40), "ten");
  EXPECT_EQ(cache.FindCurrent(shape, 41), nullptr) << "the log moved on";
  EXPECT_EQ(cache.FindCurrent(HistoryPageCache::Shape("deliverable-d1", 0, 100, "asc"), 40), nullptr);
  // Confirmed again at a later head (no event of this stream meanwhile).
  cache.MarkCurrent(k10, shape, 45);
  EXPECT_EQ(*cache.FindCurrent(shape, 45), "ten");
  cache.Insert(k11, "eleven");
  cache.MarkCurrent(k11, shape, 44);
  EXPECT_EQ(*cache.FindCurrent(shape, 45), "ten") << "an older mark is ignored";
  cache.MarkCurrent(k11, shape, 46);
  EXPECT_EQ(cache.FindCurrent(shape, 45), nullptr);
  EXPECT_EQ(*cache.FindCurrent(shape, 46), "eleven");
  ASSERT_NE(cache.Find(k10), nullptr) << "the older page stays for as-at readers";
  cache.MarkCurrent("absent", HistoryPageCache::Shape("deliverable-d2", 0, 100, "desc"), 50);
  EXPECT_EQ(cache.FindCurrent(HistoryPageCache::Shape("deliverable-d2", 0, 100, "desc"), 50), nullptr);

  // Eviction takes the current mark with it: room for one entry.
  const std::string body(1000, 'x');
  HistoryPageCache one(1500);
  one.Insert(k10, body);
  one.MarkCurrent(k10, shape, 7);
  ASSERT_NE(one.FindCurrent(shape, 7), nullptr);
  one.Insert(k11, body);
  EXPECT_EQ(one.entries(), 1u);
  EXPECT_EQ(one.FindCurrent(shape, 7), nullptr);
  one.MarkCurrent(k11, shape, 8);
  EXPECT_EQ(*one.FindCurrent(shape, 8), body);
  EXPECT_LE(one.bytes(), one.budget_bytes());
}

// Readers of a page being built wait for that build and share its body,
// also when the budget keeps nothing; after a failed build each builds for
// itself. (The builder holds its build until the other reader waits: no
// timing is assumed.)
TEST(HistoryPageCacheTest, ReadersOfAPageBeingBuiltShareThatBuild) {
  for (std::size_t budget : {std::size_t{1} << 20, std::size_t{0}}) {
    for (bool fails : {false, true}) {
      HistoryPageCache cache(budget);
      std::atomic<bool> building{false};
      std::atomic<int> second_builds{0};
      Result<std::shared_ptr<const std::string>> first = MakeError(ErrorCode::kInternal, "unset");
      std::thread builder([&] {
        first = cache.FindOrBuild("k", [&]() -> Result<std::string> {
          building = true;
          while (cache.waiting() == 0) std::this_thread::yield();
          if (fails) return MakeError(ErrorCode::kIoError, "disk");
          return std::string("page");
        });
      });
      while (!building) std::this_thread::yield();
      auto second = cache.FindOrBuild("k", [&]() -> Result<std::string> {
        ++second_builds;
        return std::string("own page");
      });
      builder.join();
      ASSERT_TRUE(second.ok());
      if (fails) {
        EXPECT_FALSE(first.ok());
        EXPECT_EQ(second_builds, 1);
        EXPECT_EQ(**second, "own page");
      } else {
        ASSERT_TRUE(first.ok());
        EXPECT_EQ(second_builds, 0) << "budget " << budget;
        EXPECT_EQ(**first, "page");
        EXPECT_EQ(**second, "page");
        EXPECT_EQ(cache.entries(), budget > 0 ? 1u : 0u);
      }
      EXPECT_EQ(cache.waiting(), 0u);
    }
  }
}

}  // namespace
}  // namespace assure::api
