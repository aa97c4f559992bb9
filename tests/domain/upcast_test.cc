// The upcaster: a stored v1 DeliverableCreated decodes into the current shape.
#include <gtest/gtest.h>

#include "domain/deliverable.h"
#include "domain/upcast.h"

namespace assure::domain {
namespace {

using nlohmann::json;

// As the first importer wrote it (schema v1): dates and the MM/QSIN column as
// plain seed text, the rating and status in seed words.
constexpr const char* kV1Fixture = R"({
  "id": "d-gov08",
  "occurred_at": "2023-03-07T09:00:00.000000Z",
  "programme_id": "core-2023-24",
  "reference": "Governance-08",
  "title": "Establish WMIN Operational Board",
  "owner": "Network Director",
  "date_initiated": "Jun-22",
  "planned_end": "Set 2022",
  "date_completed": "Set 2022",
  "mm_qsin_reference": "Operational Governance IN-601",
  "ragb": "Green",
  "status": "Completed"
})";

TEST(Upcast, DeliverableCreatedV1ToCurrent) {
  EXPECT_EQ(CurrentSchemaVersion("DeliverableCreated"), 2u);
  EXPECT_EQ(CurrentSchemaVersion("SomethingElse"), 1u);
  const json up = Upcast("DeliverableCreated", 1, json::parse(kV1Fixture));
  EXPECT_EQ(up["planned_end"], json({{"text", "Set 2022"}, {"date", "2022-09-01"}, {"precision", "month"}}));
  EXPECT_EQ(up["date_initiated"]["date"], "2022-06-01");
  EXPECT_FALSE(up.contains("mm_qsin_reference"));
  EXPECT_EQ(up["mm_qsin"], json({{"raw", "Operational Governance IN-601"},
                                 {"domain", "Operational Governance"},
                                 {"codes", {"IN-601"}}}));
  EXPECT_EQ(up["ragb"], "green");
  EXPECT_EQ(up["status"], "completed");

  // And it folds like a v2 event.
  DeliverableState s;
  EventView view;
  view.type = "DeliverableCreated";
  view.schema_version = 2;
  view.data = &up;
  DeliverableAggregate::Evolve(s, view);
  const json v = DeliverableAggregate::ToJson(s);
  EXPECT_EQ(v["id"], "d-gov08");
  EXPECT_EQ(v["date_completed"]["date"], "2022-09-01");
  EXPECT_EQ(v["status"], "completed");
  EXPECT_EQ(v["mm_qsin"]["codes"], json({"IN-601"}));
}

TEST(Upcast, CurrentAndUnknownUnchanged) {
  const json v2 = {{"planned_end", {{"text", "Mar-23"}, {"date", "2023-03-01"}, {"precision", "month"}}}};
  EXPECT_EQ(Upcast("DeliverableCreated", 2, v2), v2);
  EXPECT_EQ(Upcast("GroupCreated", 1, json{{"a", 1}}), json({{"a", 1}}));
  EXPECT_EQ(Upcast("DeliverableCreated", 1, json(5)), json(5));  // never throws
}

TEST(Upcast, EvolveIgnoresUnknownEventTypes) {
  DeliverableState s;
  const json data = {{"id", "x"}};
  EventView view;
  view.type = "DeliverableTeleported";
  view.data = &data;
  DeliverableAggregate::Evolve(s, view);
  EXPECT_FALSE(s.exists);
  view.type = "DeliverableCreated";
  view.data = nullptr;  // even no data at all
  DeliverableAggregate::Evolve(s, view);
  EXPECT_TRUE(s.exists);
}

}  // namespace
}  // namespace assure::domain
