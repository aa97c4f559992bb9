// The read model's snapshot copy (NetworkProjection::SnapshotLater): taken
// while no event can be applied, rendered after. It shares the rows with the
// live model (EntityTable's copy on write), so it costs the map of rows, not
// their states; and it stays the model at the moment it was taken, however
// the live model's rows change after (events, slimming, unslimming).
// And EntityTable's rows when one cannot be made.
#include <gtest/gtest.h>

#include <new>

#include "api/core/projection_runner.h"
#include "api/queries/entity_table.h"
#include "api/queries/network_model.h"
#include "tests/api/live_bytes.h"
#include "tests/api/random_history.h"
#include "tests/api/snapshot_parts.h"

namespace assure::api {
namespace {

using random_history::Head;
using random_history::History;

// An aggregate whose new state can fail to be made (as when memory runs out).
struct Fragile {
  static constexpr std::string_view kKind = "fragile";
  static inline bool fail = false;
  struct State {
    bool exists = false;
    int events = 0;
    State() {
      if (fail) throw std::bad_alloc();
    }
  };
  static void Evolve(State& s, const domain::EventView&) {
    s.exists = true;
    ++s.events;
  }
};

// A row that cannot be made leaves the table as it was. The map's entry had
// been inserted first, with no row, so every later scan or look-up read
// through an empty pointer.
TEST(EntityTableTest, ARowThatCannotBeMadeLeavesTheTableAsItWas) {
  EntityTable<Fragile> table;
  domain::EventView e;
  e.stream_id = "fragile-a";
  e.position = 1;
  ASSERT_TRUE(table.Apply(e));
  e.stream_id = "fragile-b";
  e.position = 2;
  Fragile::fail = true;
  EXPECT_THROW(table.Apply(e), std::bad_alloc);
  Fragile::fail = false;
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.Find("b"), nullptr);
  int seen = 0;
  table.ForEach([&](const std::string& id, const Fragile::State& s) {
    EXPECT_EQ(id, "a");
    EXPECT_EQ(s.events, 1);
    ++seen;
  });
  EXPECT_EQ(seen, 1);
  ASSERT_TRUE(table.Apply(e));  // and it is made when it can be
  ASSERT_NE(table.Find("b"), nullptr);
  EXPECT_EQ(table.Find("b")->events, 1);
}

// Copying every state had held the runner's lock for 274 ms at 1,000,000
// events (assure-bench-http --phases coldstart), every answer waiting.
TEST(SnapshotCopyTest, ACopySharesTheRowsInsteadOfCopyingTheirStates) {
  auto store = storage::NewMemoryStore();
  History history(*store, 51);
  for (int i = 0; i < 8000; ++i) history.Step();
  ASSERT_GT(history.accepted, 1000);
  const std::int64_t before_model = assure::testing::LiveBytes();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  const std::int64_t model = assure::testing::LiveBytes() - before_model;
  const std::int64_t before_copy = assure::testing::LiveBytes();
  SnapshotRenderer render;
  {
    auto lock = runner.ReadLock();
    render = network->SnapshotLater();
  }
  const std::int64_t copy = assure::testing::LiveBytes() - before_copy;
  EXPECT_LT(copy * 4, model) << "the copy took " << copy << " bytes, the model " << model;
  // And it renders what the model renders.
  const testing::SnapshotInMemory live = testing::SnapshotNow(*network);
  const testing::SnapshotInMemory copied = testing::Render(render);
  ASSERT_FALSE(copied.text.empty());
  EXPECT_EQ(copied.text, live.text);
  EXPECT_EQ(copied.parts, live.parts);
}

TEST(SnapshotCopyTest, ACopyStaysTheModelAtItsPositionWhateverIsAppliedAfter) {
  for (std::uint32_t seed = 61; seed <= 63; ++seed) {
    auto store = storage::NewMemoryStore();
    // A model that slims rows after 5 events: rows change by events, by
    // slimming, and back to whole (Unslim) when written again.
    auto network = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
    ProjectionRunner runner(*store, {network});
    ASSERT_TRUE(runner.Start().ok());
    History history(*store, seed);
    for (int i = 0; i < 600; ++i) history.Step();
    SnapshotRenderer later;
    testing::SnapshotInMemory then;
    {
      auto lock = runner.ReadLock();
      later = network->SnapshotLater();
      then = testing::SnapshotNow(*network);
    }
    const std::uint64_t at = Head(*store);
    History more(*store, seed + 100);
    for (int i = 0; i < 600; ++i) more.Step();
    ASSERT_GT(Head(*store), at + 100);

    const testing::SnapshotInMemory copied = testing::Render(later);
    ASSERT_FALSE(copied.text.empty());
    EXPECT_EQ(copied.text, then.text) << "seed " << seed;
    EXPECT_EQ(copied.parts, then.parts) << "seed " << seed;

    // And the live model went on from it as one folded afresh does.
    auto fresh = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
    ProjectionRunner fresh_runner(*store, {fresh});
    ASSERT_TRUE(fresh_runner.Start().ok());
    auto lock = runner.ReadLock();
    const testing::SnapshotInMemory live = testing::SnapshotNow(*network), folded = testing::SnapshotNow(*fresh);
    EXPECT_EQ(live.text, folded.text) << "seed " << seed;
    EXPECT_EQ(live.parts, folded.parts) << "seed " << seed;
  }
}

}  // namespace
}  // namespace assure::api
