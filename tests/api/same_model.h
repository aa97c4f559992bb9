// Comparing a model that slims rows (slim, maybe cold: api/queries/
// slim_rows.h, cold_rows.h) with one that never does, fed the same events
// (tests/api/random_history.h): every row, made whole, is the same, and the
// queries that scan every row answer the same.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "api/queries/decision_log.h"
#include "api/queries/network_model.h"
#include "api/queries/queries.h"
#include "tests/api/random_history.h"

namespace assure::api::testing {

// Every row of `slim_table` (a table of `slim`), made whole, equals the row
// of `whole_table`; returns how many of them were slim.
template <class Agg>
inline int ExpectSameRows(const NetworkModel& slim, const EntityTable<Agg>& slim_table,
                   const EntityTable<Agg>& whole_table) {
  int slim_rows = 0;
  // Counted by a scan: size() counts the rows in memory, not the cold ones.
  std::size_t slim_count = 0, whole_count = 0;
  slim_table.ForEachRow([&](const std::string&, const auto&) { ++slim_count; });
  whole_table.ForEachRow([&](const std::string&, const auto&) { ++whole_count; });
  EXPECT_EQ(slim_count, whole_count);
  whole_table.ForEachRow([&](const std::string& id, const typename EntityTable<Agg>::Row& w) {
    auto row = slim_table.FindRow(id);
    ASSERT_NE(row, nullptr) << id;
    EXPECT_EQ(row->version, w.version) << id;
    EXPECT_EQ(row->position, w.position) << id;
    slim_rows += row->slim ? 1 : 0;
    Status s = WithFullState<Agg>(slim, id, *row, [&](const typename Agg::State& state) {
      EXPECT_EQ(Agg::SnapshotJson(state), Agg::SnapshotJson(w.state)) << id << (row->slim ? " (slim)" : "");
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
  });
  return slim_rows;
}

inline void ExpectSameAnswers(const NetworkModel& slim, const NetworkModel& whole) {
  for (auto [offset, limit] : {std::pair<std::size_t, std::size_t>{0, 1000}, {0, 1}, {3, 2}}) {
    auto a = ListOpenActions(slim, std::nullopt, std::nullopt, "2024-02-15", offset, limit);
    auto b = ListOpenActions(whole, std::nullopt, std::nullopt, "2024-02-15", offset, limit);
    EXPECT_EQ(a.items, b.items) << offset << "+" << limit;
    EXPECT_EQ(a.total, b.total);
  }
  for (auto [offset, limit] : {std::pair<std::size_t, std::size_t>{0, 1000}, {0, 1}, {2, 3}}) {
    auto a = ListDocumentsForReview(slim, "2025-06-01", 3650, offset, limit);
    auto b = ListDocumentsForReview(whole, "2025-06-01", 3650, offset, limit);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->items, b->items);
    EXPECT_EQ(a->total, b->total);
    for (int p = 0; p < 8; ++p) {
      const std::string person = random_history::PersonId(p);
      auto x = AttendanceOf(slim, person, offset, limit), y = AttendanceOf(whole, person, offset, limit);
      EXPECT_EQ(x.items, y.items) << person;
      EXPECT_EQ(x.total, y.total) << person;
    }
  }
  EXPECT_EQ(QsinCoverage(slim, {}), QsinCoverage(whole, {}));
  // The decision log finds its candidates in the rows' decisions (packed in a slim row).
  // (The random history's decisions link a deliverable or a risk, by the
  // deliverable's id, and a document version; their texts are "t".)
  DecisionFilter all, to_risks, to_one, with_text;
  to_risks.link_kind = "risk";
  to_one.link_id = random_history::DeliverableId(3);
  with_text.text = "T";
  for (const DecisionFilter* f : {&all, &to_risks, &to_one, &with_text}) {
    auto a = DecisionLog(slim, *f, 0, 1000), b = DecisionLog(whole, *f, 0, 1000);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->total, b->total);
    EXPECT_EQ(a->items, b->items);
    // Its pages, put together, are the whole list.
    std::vector<nlohmann::json> paged;
    for (std::size_t offset = 0; offset < a->total + 7; offset += 7) {
      auto page = DecisionLog(slim, *f, offset, 7);
      ASSERT_TRUE(page.ok());
      EXPECT_EQ(page->total, a->total);
      for (auto& item : page->items) paged.push_back(std::move(item));
    }
    EXPECT_EQ(paged, a->items);
  }
}

}  // namespace assure::api::testing
