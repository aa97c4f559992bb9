#include "api/core/history.h"

#include <gtest/gtest.h>

#include "api/core/command_service.h"
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
  auto json = HistoryToJson((*h)[1]);
  EXPECT_EQ(json["changes"][0]["field"], "value");
  EXPECT_EQ(History<C>(*store, "c1", 1)->size(), 1u);
  EXPECT_EQ(History<C>(*store, "nope").error().code, ErrorCode::kNotFound);
}

TEST(HistoryTest, FormatTimestamp) {
  EXPECT_EQ(FormatTimestamp(1709251200000000), "2024-03-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(1709251200123456), "2024-03-01T00:00:00.123456Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace assure::api
