// The network projection keeps its checkpoint with its read model: after
// SaveSnapshots and a restart on the same RocksDB store, Start() restores the
// snapshot and replays only the events after the checkpoint, and the result
// equals a fold of the whole log. A damaged snapshot is refused, so the
// runner rebuilds instead of serving a wrong model.
#include <gtest/gtest.h>

#include "tests/api/random_history.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"
#include "storage/codec.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using namespace domain;
using nlohmann::json;
using random_history::Head;
using random_history::History;

// Counts the events the runner applies; its snapshot restores trivially.
class CountingProjection final : public Projection {
 public:
  std::string Name() const override { return "counting"; }
  Status Apply(const storage::RecordedEvent&, const EventView&) override {
    ++applied;
    return {};
  }
  json Snapshot() const override { return json::object(); }
  Status Restore(const json&) override { return {}; }
  void Reset() override {}
  int applied = 0;
};


TEST(NetworkSnapshotTest, RestartRestoresTheSnapshotAndReplaysOnlyTheTail) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    storage::testing::TempDir dir;
    const std::string db = dir.sub("db");
    std::uint64_t checkpoint = 0, head = 0;
    {
      auto store = storage::OpenRocksStore(db);
      ASSERT_TRUE(store.ok()) << store.error().message;
      // The same projections as after the restart: one without a snapshot
      // would make the runner rebuild them all.
      auto network = std::make_shared<NetworkProjection>();
      ProjectionRunner runner(**store, {network, std::make_shared<CountingProjection>()});
      ASSERT_TRUE(runner.Start().ok());
      History history(**store, seed);
      for (int i = 0; i < 600; ++i) history.Step();
      ASSERT_GT(history.accepted, 150) << "the history must exercise the domain";
      ASSERT_TRUE(runner.SaveSnapshots().ok());
      checkpoint = runner.position();
      ASSERT_EQ(checkpoint, Head(**store));
      History more(**store, seed + 100);
      for (int i = 0; i < 200; ++i) more.Step();
      head = Head(**store);
      ASSERT_GT(head, checkpoint + 20);
    }
    auto store = storage::OpenRocksStore(db);
    ASSERT_TRUE(store.ok());
    auto restored = std::make_shared<NetworkProjection>();
    auto counting = std::make_shared<CountingProjection>();
    ProjectionRunner runner(**store, {restored, counting});
    ASSERT_TRUE(runner.Start().ok());
    EXPECT_EQ(counting->applied, static_cast<int>(head - checkpoint))
        << "seed " << seed << ": only the events after the checkpoint are replayed";
    EXPECT_EQ(runner.position(), head);
    auto rebuilt = BuildNetworkModel(**store, head);
    ASSERT_TRUE(rebuilt.ok());
    const json restored_view = restored->model().ToJson();
    EXPECT_EQ(restored_view, rebuilt->ToJson()) << "seed " << seed;
    EXPECT_EQ(restored_view["position"], head);

    // Stricter than ToJson: the full snapshot (hidden counters, every row)
    // equals that of a model folded from position 1.
    const json restored_snapshot = restored->Snapshot();
    ASSERT_TRUE(runner.Rebuild().ok());
    EXPECT_EQ(restored->Snapshot(), restored_snapshot) << "seed " << seed;
    EXPECT_EQ(counting->applied, static_cast<int>(head - checkpoint + head));
  }
}

TEST(NetworkSnapshotTest, ARestoredModelKeepsFoldingLikeTheLiveOne) {
  storage::testing::TempDir dir;
  const std::string db = dir.sub("db");
  {
    auto store = storage::OpenRocksStore(db);
    ASSERT_TRUE(store.ok());
    auto network = std::make_shared<NetworkProjection>();
    ProjectionRunner runner(**store, {network, std::make_shared<CountingProjection>()});
    ASSERT_TRUE(runner.Start().ok());
    History history(**store, 7);
    for (int i = 0; i < 500; ++i) history.Step();
    ASSERT_TRUE(runner.SaveSnapshots().ok());
  }
  auto store = storage::OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  auto restored = std::make_shared<NetworkProjection>();
  auto counting = std::make_shared<CountingProjection>();
  ProjectionRunner runner(**store, {restored, counting});
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(counting->applied, 0);
  // Events committed after the restore are folded into restored states.
  History more(**store, 8);
  for (int i = 0; i < 300; ++i) more.Step();
  ASSERT_GT(counting->applied, 50);
  auto rebuilt = BuildNetworkModel(**store, Head(**store));
  ASSERT_TRUE(rebuilt.ok());
  auto lock = runner.ReadLock();
  EXPECT_EQ(restored->model().ToJson(), rebuilt->ToJson());
}

TEST(NetworkSnapshotTest, ADamagedSnapshotIsRefusedAndTheModelKept) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 3);
  for (int i = 0; i < 400; ++i) history.Step();
  const json good = network->Snapshot();
  EXPECT_EQ(json::parse(network->SnapshotText()), good) << "the text written row by row is the same JSON";
  ASSERT_FALSE(good["deliverables"].empty());
  ASSERT_FALSE(good["meetings"].empty());

  NetworkProjection other;
  ASSERT_TRUE(other.Restore(json::parse(good.dump())).ok());
  EXPECT_EQ(other.Snapshot(), good);
  EXPECT_EQ(other.model().ToJson(), network->model().ToJson());

  auto refused = [&](const json& bad, const std::string& why) {
    Status s = other.Restore(bad);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_EQ(s.error().code, ErrorCode::kCorruption) << why;
    EXPECT_EQ(other.Snapshot(), good) << why << ": a refused restore changed the model";
  };
  refused(json::array(), "not an object");
  refused(json::object(), "empty");
  json bad = good;
  bad["format"] = NetworkProjection::kSnapshotFormat + 1;
  refused(bad, "newer format");
  bad = good;
  bad["format"] = 1;
  refused(bad, "format 1, whose rows were never slim");
  bad = good;
  bad.erase("position");
  refused(bad, "no position");
  for (const char* table : {"organisations", "people", "groups", "programmes", "deliverables",
                            "meetings", "documents", "qsin"}) {
    bad = good;
    bad.erase(table);
    refused(bad, std::string("no ") + table);
    bad = good;
    bad[table] = json::array();
    refused(bad, std::string(table) + " not an object");
  }
  bad = good;
  bad["deliverables"].begin()->clear();
  refused(bad, "an emptied deliverable row");
  // The runner treats a refused restore as "rebuild from the log".
  auto restarted = std::make_shared<NetworkProjection>();
  auto counting = std::make_shared<CountingProjection>();
  ASSERT_TRUE(store->PutState({{"proj/snapshot/network", bad.dump()}, {"proj/snapshot/counting", "{}"},
                               {"proj/checkpoint", storage::U64Key(runner.position())}})
                  .ok());
  ProjectionRunner again(*store, {restarted, counting});
  ASSERT_TRUE(again.Start().ok());
  EXPECT_EQ(counting->applied, static_cast<int>(Head(*store)));
  EXPECT_EQ(restarted->model().ToJson(), network->model().ToJson());
}

}  // namespace
}  // namespace assure::api
