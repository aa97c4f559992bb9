// The network projection keeps its checkpoint with its read model: after
// SaveSnapshots and a restart on the same RocksDB store, Start() restores the
// snapshot and replays only the events after the checkpoint, and the result
// equals a fold of the whole log. A damaged snapshot is refused, so the
// runner rebuilds instead of serving a wrong model.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

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
  std::string SnapshotText() const override { return {}; }
  Status RestoreText(std::string_view) override { return {}; }
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

// Saved while another thread commits, each snapshot is the model at the
// checkpoint it was saved with: restored, it equals a fold of the log up to
// that position.
TEST(NetworkSnapshotTest, ASnapshotSavedDuringCommitsIsTheModelAtItsCheckpoint) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  History seed(*store, 21);
  for (int i = 0; i < 300; ++i) seed.Step();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    History history(*store, 22);
    for (int i = 0; i < 1500; ++i) history.Step();
    done = true;
  });
  std::set<std::uint64_t> checkpoints;
  do {
    ASSERT_TRUE(runner.SaveSnapshots().ok());
    auto text = store->GetState("proj/snapshot/network");
    auto checkpoint = store->GetState("proj/checkpoint");
    ASSERT_TRUE(text.ok() && text->has_value() && checkpoint.ok() && checkpoint->has_value());
    const std::uint64_t at = storage::GetU64((*checkpoint)->data());
    checkpoints.insert(at);
    NetworkProjection restored;
    ASSERT_TRUE(restored.RestoreText(**text).ok());
    auto folded = BuildNetworkModel(*store, at);
    ASSERT_TRUE(folded.ok());
    ASSERT_EQ(restored.model().ToJson(), folded->ToJson()) << "checkpoint " << at;
  } while (!done);
  writer.join();
  EXPECT_FALSE(checkpoints.empty());
}

// An idle server saves its snapshot every interval: when nothing was folded
// in since the last save, nothing is written (it rewrote the whole model,
// megabytes at a large network, every minute).
TEST(NetworkSnapshotTest, NothingNewMeansNothingRewritten) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 31);
  for (int i = 0; i < 50; ++i) history.Step();
  ASSERT_TRUE(runner.WaitFor(Head(*store), std::chrono::seconds(10)));
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  ASSERT_TRUE(store->PutState({{"proj/snapshot/network", "sentinel"}}).ok());
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  auto text = store->GetState("proj/snapshot/network");
  ASSERT_TRUE(text.ok() && text->has_value());
  EXPECT_EQ(**text, "sentinel") << "nothing new: not rewritten";
  for (const int before = history.accepted; history.accepted == before;) history.Step();
  ASSERT_TRUE(runner.WaitFor(Head(*store), std::chrono::seconds(10)));
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  text = store->GetState("proj/snapshot/network");
  ASSERT_TRUE(text.ok() && text->has_value());
  EXPECT_NE(**text, "sentinel") << "a new event: saved again";
  NetworkProjection restored;
  EXPECT_TRUE(restored.RestoreText(**text).ok());
}

TEST(NetworkSnapshotTest, ADamagedSnapshotIsRefusedAndTheModelKept) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 3);
  for (int i = 0; i < 400; ++i) history.Step();
  const json good = network->Snapshot();
  const std::string text = network->SnapshotText();
  ASSERT_FALSE(good["deliverables"].empty());
  ASSERT_FALSE(good["meetings"].empty());
  ASSERT_FALSE(good["risks"].empty());
  ASSERT_TRUE(text.starts_with("assure-network-snapshot 4 " + std::to_string(runner.position()) + "\n"));

  NetworkProjection other;
  ASSERT_TRUE(other.RestoreText(text).ok());
  EXPECT_EQ(other.Snapshot(), good);
  EXPECT_EQ(other.model().ToJson(), network->model().ToJson());
  EXPECT_EQ(other.SnapshotText(), text);

  auto refused = [&](const std::string& bad, const std::string& why) {
    Status s = other.RestoreText(bad);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_EQ(s.error().code, ErrorCode::kCorruption) << why;
    EXPECT_EQ(other.Snapshot(), good) << why << ": a refused restore changed the model";
  };
  auto replaced = [&](std::string from, const std::string& what, const std::string& with) {
    const std::size_t at = from.find(what);
    EXPECT_NE(at, std::string::npos) << what;
    return at == std::string::npos ? from : from.replace(at, what.size(), with);
  };
  refused("", "empty");
  json format2 = good;
  format2["format"] = 2;
  refused(format2.dump(), "format 2: one JSON object");
  refused(replaced(text, "snapshot 4 ", "snapshot 5 "), "a newer format");
  refused(replaced(text, "snapshot 4 ", "snapshot 3 "), "format 3 (no risk register)");
  refused(replaced(text, "snapshot 4 ", "snapshot 2 "), "format 2's number");
  refused(text + "x", "bytes after the last table");
  refused(text + "\n", "a blank line after the last table");
  // Cut anywhere: inside the header, a table's line, a row.
  for (std::size_t cut = 0; cut < text.size(); cut += 37) refused(text.substr(0, cut), "cut at " + std::to_string(cut));
  for (const char* table : {"organisations", "people", "groups", "programmes", "deliverables", "meetings",
                            "documents", "qsin"}) {
    const std::size_t line = text.find(std::string("\n") + table + " ") + 1;
    const std::size_t body = text.find('\n', line) + 1;
    std::string_view counts(text.data() + line, body - line);
    counts.remove_prefix(std::string_view(table).size() + 1);
    const std::size_t bytes = std::stoul(std::string(counts.substr(counts.find(' ') + 1)));
    refused(text.substr(0, line) + text.substr(body + bytes), std::string("no ") + table);
    std::string wrong = text;
    wrong.replace(line, std::string_view(table).size(), "tables");
    refused(wrong, std::string(table) + " misnamed");
    if (bytes == 0) continue;
    const std::size_t rows = std::stoul(std::string(counts.substr(0, counts.find(' '))));
    wrong = text;
    wrong.replace(line, body - line,
                  std::string(table) + " " + std::to_string(rows + 1) + " " + std::to_string(bytes) + "\n");
    refused(wrong, std::string(table) + ": a row more than written");
  }
  refused(replaced(text, "\"version\":", "\"version\":\"1\",\"x\":"), "a version that is not a count");
  refused(replaced(text, "\"state\":{", "\"state\":7,\"z\":{"), "a state that is not an object");
  {
    // Two deliverable rows swapped: ids out of order.
    const std::size_t line = text.find("\ndeliverables ");
    const std::size_t a = text.find('\n', line + 1) + 1, b = text.find('\n', a) + 1, c = text.find('\n', b) + 1;
    ASSERT_GT(std::stoul(text.substr(line + 14)), 1u);
    std::string swapped = text;
    swapped.replace(a, c - a, text.substr(b, c - b) + text.substr(a, b - a));
    refused(swapped, "rows out of order");
  }

  // The runner treats a refused restore (here format 2, which an older
  // server wrote) as "rebuild from the log".
  for (const std::string& bad : {format2.dump(), text.substr(0, text.size() / 2)}) {
    auto restarted = std::make_shared<NetworkProjection>();
    auto counting = std::make_shared<CountingProjection>();
    ASSERT_TRUE(store->PutState({{"proj/snapshot/network", bad}, {"proj/snapshot/counting", "{}"},
                                 {"proj/checkpoint", storage::U64Key(runner.position())}})
                    .ok());
    ProjectionRunner again(*store, {restarted, counting});
    ASSERT_TRUE(again.Start().ok());
    EXPECT_EQ(counting->applied, static_cast<int>(Head(*store)));
    EXPECT_EQ(restarted->model().ToJson(), network->model().ToJson());
    EXPECT_EQ(restarted->Snapshot(), good);
  }
}

}  // namespace
}  // namespace assure::api
