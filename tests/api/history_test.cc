#include "api/core/history.h"

#include <gtest/gtest.h>


#include "tests/api/execute_once.h"
#include "tests/api/counter_aggregate.h"

namespace assure::api {
namespace {

using C = testing::CounterAggregate;

TEST(HistoryTest, DiffJsonNamesNestedPaths) {
  nlohmann::json a = {{"ragb", "Blue"}, {"dates", {{"end", "2024-03"}, {"start", "2023-01"}}},
                      {"codes", {"IN-501"}}, {"gone", 1}};
  nlohmann::json b = {{"ragb", "Amber"}, {"dates", {{"end", "2024-06"}, {"start", "2023-01"}}},
                      {"codes", {"IN-501", "IN-601"}}, {"new", true}};
  auto d = DiffJson(a, b);
  ASSERT_EQ(d.size(), 5u);
  std::map<std::string, FieldChange> by;
  for (auto& c : d) by[c.field] = c;
  EXPECT_EQ(by["ragb"].from, "Blue");
  EXPECT_EQ(by["ragb"].to, "Amber");
  EXPECT_EQ(by["dates.end"].to, "2024-06");
  EXPECT_EQ(by["codes"].to.size(), 2u);
  EXPECT_TRUE(by["gone"].to.is_null());
  EXPECT_TRUE(by["new"].from.is_null());
  EXPECT_TRUE(DiffJson(a, a).empty());
}

TEST(HistoryTest, EachEventWithWhoWhenWhatAndWhy) {
  auto store = storage::NewMemoryStore();
  RequestContext rc;
  rc.actor = "person-7";
  ASSERT_TRUE(Execute<C>(*store, "c1", C::Create{"Digital-02"}, rc).ok());
  rc.actor = "person-9";
  ASSERT_TRUE(Execute<C>(*store, "c1", C::Add{2, "supplier delay"}, rc).ok());
  auto h = History<C>(*store, "c1");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].type, "CounterCreated");
  EXPECT_EQ((*h)[1].actor, "person-9");
  EXPECT_EQ((*h)[1].reason, "supplier delay");
  ASSERT_EQ((*h)[1].changes.size(), 1u);
  EXPECT_EQ((*h)[1].changes[0].field, "value");
  EXPECT_EQ((*h)[1].changes[0].from, 0);
  EXPECT_EQ((*h)[1].changes[0].to, 2);
  EXPECT_EQ((*h)[1].summary, "Added 2");
  auto json = HistoryToJson((*h)[1]);
  EXPECT_EQ(json["changes"][0]["field"], "value");
  EXPECT_EQ(json["summary"], "Added 2");
  EXPECT_EQ(History<C>(*store, "c1", 1)->size(), 1u);
  EXPECT_EQ(History<C>(*store, "nope").error().code, ErrorCode::kNotFound);
}

// Every page (either order, as at any position) equals the matching slice of
// the whole history, with the same changes (diffed from the state before).
TEST(HistoryTest, RangesAreSlicesOfTheWholeHistory) {
  auto store = storage::NewMemoryStore();
  RequestContext rc;
  rc.actor = "person-1";
  ASSERT_TRUE(Execute<C>(*store, "c1", C::Create{"one"}, rc).ok());
  ASSERT_TRUE(Execute<C>(*store, "c2", C::Create{"two"}, rc).ok());
  for (int i = 1; i <= 40; ++i) {
    ASSERT_TRUE(Execute<C>(*store, "c1", C::Add{i, "step " + std::to_string(i)}, rc).ok());
    if (i % 3 == 0) {
      ASSERT_TRUE(Execute<C>(*store, "c2", C::Add{1, ""}, rc).ok());
    }
  }
  const std::uint64_t head = store->Head().position;
  for (std::uint64_t up_to : {std::uint64_t{1}, std::uint64_t{20}, head - 1, UINT64_MAX}) {
    auto all = History<C>(*store, "c1", up_to);
    ASSERT_TRUE(all.ok());
    const std::uint64_t n = all->size();
    for (bool desc : {false, true}) {
      for (std::uint64_t offset : {0, 1, 7, 40, 41, 50}) {
        for (std::uint64_t limit : {1, 5, 100}) {
          auto page = HistoryRange<C>(*store, "c1", up_to, offset, limit, desc);
          ASSERT_TRUE(page.ok());
          EXPECT_EQ(page->total, n);
          std::vector<nlohmann::json> want;
          for (std::uint64_t k = offset; k < n && k < offset + limit; ++k) {
            want.push_back(HistoryToJson((*all)[desc ? n - 1 - k : k]));
          }
          std::vector<nlohmann::json> got;
          for (const auto& e : page->items) got.push_back(HistoryToJson(e));
          EXPECT_EQ(got, want) << "up_to " << up_to << " desc " << desc << " offset " << offset
                               << " limit " << limit;
        }
      }
    }
  }
  EXPECT_EQ(HistoryRange<C>(*store, "nope", UINT64_MAX, 0, 10, false).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(HistoryRange<C>(*store, "c1", 0, 0, 10, false).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*CountUpTo(*store, "counter-c1", head), 41u);
  EXPECT_EQ(*CountUpTo(*store, "counter-c1", 1), 1u);
  EXPECT_EQ(*CountUpTo(*store, "counter-c1", 0), 0u);
}

// FormatTimestampUs (domain/calendar.h) is tested in tests/domain/calendar_test.cc.

}  // namespace
}  // namespace assure::api
