// Loading an aggregate from a stream snapshot gives exactly the state a full
// fold gives, at every position; a bad snapshot only costs time.
#include "api/core/stream_snapshots.h"

#include <gtest/gtest.h>

#include "tests/api/execute_once.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"

namespace assure::api {
namespace {

using domain::DeliverableAggregate;

// A fold that ignores snapshots.
DeliverableAggregate::State FullFold(storage::EventStore& store, std::uint64_t up_to) {
  DeliverableAggregate::State s;
  nlohmann::json holder;
  for (std::uint64_t from = 0;;) {
    auto page = store.ReadStream("deliverable-d1", from, storage::Direction::kForwards, 1000);
    for (const auto& e : *page) {
      if (e.position > up_to) return s;
      DeliverableAggregate::Evolve(s, MakeView(e, holder));
    }
    if (page->size() < 1000) return s;
    from = page->back().stream_version + 1;
  }
}

TEST(StreamSnapshotTest, LoadsFromSnapshotsEqualAFullFold) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>(store.get());
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  RequestContext rc;
  rc.actor = "p";
  auto run = [&](const std::string& id, const std::string& name, const nlohmann::json& body) {
    auto cmd = DeliverableAggregate::ParseCommand(name, body);
    ASSERT_TRUE(cmd.ok());
    ASSERT_TRUE(Execute<DeliverableAggregate>(*store, id, *cmd, rc).ok());
  };
  run("d1", "create", {{"programme_id", "wp"}, {"title", "Hot"}, {"ragb", "blue"}});
  run("d2", "create", {{"programme_id", "wp"}, {"title", "Other"}});
  static const char* r[] = {"red", "amber", "blue", "green"};
  for (int i = 0; i < 1200; ++i) {
    if (i % 3 == 0) run("d1", "add-progress-note", {{"note_date", "2024-01-02"}, {"text", "n" + std::to_string(i)}});
    else run("d1", "change-ragb", {{"ragb", r[i % 4]}, {"reason", "r" + std::to_string(i)}});
    if (i % 7 == 0) run("d2", "edit", {{"owner", "o" + std::to_string(i)}});
  }
  auto snaps = store->ScanState(StreamSnapshotPrefix("deliverable-d1"));
  ASSERT_EQ(snaps->size(), 12u) << "snapshots after versions 99, 199, ..., 1199";
  const std::uint64_t head = store->Head().position;
  for (std::uint64_t at : {std::uint64_t{1}, std::uint64_t{2}, head / 3, head / 2, head - 5, head}) {
    auto loaded = LoadAggregate<DeliverableAggregate>(*store, "d1", at);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->state, FullFold(*store, at)) << "at " << at;
  }
  auto last = FindStreamSnapshot(*store, "deliverable-d1", head);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, 1199u);
  // At every position the newest snapshot at or before it, and none before
  // the first; a snapshot whose body does not read back gives the one before.
  std::vector<std::uint64_t> at;
  for (const auto& kv : *snaps) {
    at.push_back(std::stoull(kv.key.substr(StreamSnapshotPrefix("deliverable-d1").size()), nullptr, 16));
  }
  for (std::size_t i = 0; i < at.size(); ++i) {
    for (std::uint64_t up_to : {at[i], at[i] + 1, at[i] - 1}) {
      auto found = FindStreamSnapshot(*store, "deliverable-d1", up_to);
      const std::size_t want = up_to >= at[i] ? i + 1 : i;  // how many are <= up_to
      if (want == 0) {
        EXPECT_FALSE(found.has_value()) << up_to;
      } else {
        ASSERT_TRUE(found.has_value()) << up_to;
        EXPECT_EQ(found->position, at[want - 1]) << up_to;
        EXPECT_EQ(found->version, 100 * want - 1) << up_to;
      }
    }
  }
  ASSERT_TRUE(store->PutState({{"snapbody/" + (*snaps)[5].key, "not json"}}).ok());
  auto before_bad = FindStreamSnapshot(*store, "deliverable-d1", at[5] + 1);
  ASSERT_TRUE(before_bad.has_value());
  EXPECT_EQ(before_bad->position, at[4]);

  // A corrupt snapshot is skipped: the load falls back and is still right.
  for (const auto& kv : *snaps) {
    ASSERT_TRUE(store->PutState({{"snapbody/" + kv.key, R"({"version":1199,"position":1,"state":{"broken":true}})"}}).ok());
  }
  auto loaded = LoadAggregate<DeliverableAggregate>(*store, "d1", head);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, FullFold(*store, head));
}

// A large state is serialised only when its stride may be due, not at every
// hundredth event: the cost of snapshots per event stays bounded however
// long the stream. Before, a meeting of 3,000 decisions (~3 MB) was rendered
// 30 times for no snapshot (its stride outgrows it), and a deliverable of
// 3,000 long notes 30 times for 7 snapshots.
TEST(StreamSnapshotTest, ALargeStateIsRenderedOnlyWhenItsStrideIsDue) {
  using domain::MeetingAggregate;
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>(store.get());
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  EntityWriter writer(std::shared_ptr<storage::EventStore>(store.get(), [](storage::EventStore*) {}));
  RequestContext rc;
  rc.actor = "p";
  auto meeting = [&](const std::string& name, const nlohmann::json& body) {
    auto cmd = MeetingAggregate::ParseCommand(name, body);
    ASSERT_TRUE(cmd.ok()) << cmd.error().message;
    ASSERT_TRUE(Execute<MeetingAggregate>(writer, "m1", *cmd, rc).ok());
  };
  auto deliverable = [&](const std::string& name, const nlohmann::json& body) {
    auto cmd = DeliverableAggregate::ParseCommand(name, body);
    ASSERT_TRUE(cmd.ok()) << cmd.error().message;
    ASSERT_TRUE(Execute<DeliverableAggregate>(writer, "d1", *cmd, rc).ok());
  };
  meeting("schedule", {{"group_id", "g1"}, {"title", "Board"}, {"scheduled_for", "2024-01-02T10:00"}});
  meeting("open", nlohmann::json::object());
  deliverable("create", {{"programme_id", "wp"}, {"title", "Long"}});
  const std::string text(1000, 'x');
  for (int i = 1; i < 3000; ++i) {
    if (i > 1) meeting("record-decision", {{"text", text}});
    deliverable("add-progress-note", {{"note_date", "2024-01-02"}, {"text", text}});
  }
  // The meeting grows ~1 KB a decision: at version 99 (~103 KB) its stride
  // is 3,200, beyond the stream's end. No snapshot, one render.
  auto snaps = store->ScanState(StreamSnapshotPrefix("meeting-m1"));
  ASSERT_TRUE(snaps.ok());
  EXPECT_EQ(snaps->size(), 0u);
  // The deliverable keeps its newest 20 notes (~22 KB): stride 400, so a
  // snapshot after versions 399, 799, ..., 2,799, rendered at version 99
  // to learn that, then at each.
  snaps = store->ScanState(StreamSnapshotPrefix("deliverable-d1"));
  ASSERT_TRUE(snaps.ok());
  EXPECT_EQ(snaps->size(), 7u);
  EXPECT_EQ(network->snapshot_renders(), 1u + 1u + 7u);
}

// The memo of large streams' strides is bounded (two generations of
// `entries`), keeps a stream in use, and answers kStreamSnapshotEvery for a
// stream it does not know or has let go. Before, it was a map with an entry
// for every stream whose state ever outgrew the first stride, kept for good.
TEST(StreamSnapshotTest, TheStrideMemoIsBoundedAndKeepsTheStreamsInUse) {
  StrideMemo memo(4);
  memo.Remember("meeting-hot", 1600);
  for (int i = 0; i < 1000; ++i) {
    memo.Remember("meeting-" + std::to_string(i), 400);
    EXPECT_LE(memo.size(), 8u);
    if (i % 3 == 0) {
      EXPECT_EQ(memo.Find("meeting-hot"), 1600u) << i;
    }
  }
  EXPECT_EQ(memo.Find("meeting-0"), kStreamSnapshotEvery);  // let go
  EXPECT_EQ(memo.Find("meeting-999"), 400u);
  EXPECT_EQ(memo.Find("deliverable-never"), kStreamSnapshotEvery);
  // A state that shrank back to the first stride is forgotten.
  memo.Remember("meeting-999", 800);
  EXPECT_EQ(memo.Find("meeting-999"), 800u);
  const std::size_t before = memo.size();
  memo.Remember("meeting-999", kStreamSnapshotEvery);
  EXPECT_EQ(memo.Find("meeting-999"), kStreamSnapshotEvery);
  EXPECT_EQ(memo.size(), before - 1);
  // So is one in the older generation.
  memo.Remember("meeting-old", 800);
  for (int i = 0; i < 4; ++i) memo.Remember("document-" + std::to_string(i), 400);  // now older
  const std::size_t with_old = memo.size();
  memo.Remember("meeting-old", kStreamSnapshotEvery);
  EXPECT_EQ(memo.size(), with_old - 1);
  EXPECT_EQ(memo.Find("meeting-old"), kStreamSnapshotEvery);
  memo.Clear();
  EXPECT_EQ(memo.size(), 0u);
  EXPECT_EQ(memo.Find("meeting-hot"), kStreamSnapshotEvery);
}

}  // namespace
}  // namespace assure::api
