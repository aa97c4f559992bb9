#include "api/core/projection_runner.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "storage/codec.h"
#include "tests/api/execute_once.h"
#include "tests/api/counter_aggregate.h"
#include "tests/api/snapshot_parts.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using C = testing::CounterAggregate;

// Sums per counter; refuses CounterPoisoned (to test that failures stop).
class SumProjection final : public testing::TextSnapshotProjection {
 public:
  std::string Name() const override { return "sums"; }
  Status Apply(const storage::RecordedEvent& r, const domain::EventView& e) override {
    ++applied;
    if (e.type == "CounterPoisoned") {
      return MakeError(ErrorCode::kInternal, "poisoned at " + std::to_string(r.position));
    }
    if (e.type == "CounterAdded") sums[std::string(e.stream_id)] += (*e.data)["n"].get<int>();
    return {};
  }
  nlohmann::json Snapshot() const { return sums; }
  std::string SnapshotText() const override { return Snapshot().dump(); }
  Status RestoreWhole(std::string_view text) override {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return MakeError(ErrorCode::kInvalidArgument, "bad snapshot");
    sums = j.get<std::map<std::string, int>>();
    return {};
  }
  Status Reset() override {
    sums.clear();
    return {};
  }

  std::map<std::string, int> sums;
  int applied = 0;
};

RequestContext Rc() {
  RequestContext rc;
  rc.actor = "p";
  return rc;
}

TEST(ProjectionRunnerTest, CatchesUpThenAppliesLiveBeforeAppendReturns) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Execute<C>(*store, "a", C::Create{"a"}, Rc()).ok());
  ASSERT_TRUE(Execute<C>(*store, "a", C::Add{2, ""}, Rc()).ok());
  auto proj = std::make_shared<SumProjection>();
  ProjectionRunner runner(*store, {proj});
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(runner.position(), 2u);
  EXPECT_EQ(proj->sums["counter-a"], 2);
  auto w = Execute<C>(*store, "a", C::Add{3, ""}, Rc());
  ASSERT_TRUE(w.ok());
  // Read-your-writes: no wait needed.
  EXPECT_EQ(runner.position(), w->position);
  {
    auto lock = runner.ReadLock();
    EXPECT_EQ(proj->sums["counter-a"], 5);
  }
  EXPECT_TRUE(runner.WaitFor(3, std::chrono::milliseconds(1)));
  EXPECT_FALSE(runner.WaitFor(99, std::chrono::milliseconds(10)));
}

TEST(ProjectionRunnerTest, SnapshotAndCheckpointSurviveRestart) {
  storage::testing::TempDir dir;
  const std::string db = dir.sub("db");
  {
    auto store = storage::OpenRocksStore(db);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(Execute<C>(**store, "a", C::Create{"a"}, Rc()).ok());
    auto proj = std::make_shared<SumProjection>();
    ProjectionRunner runner(**store, {proj});
    ASSERT_TRUE(runner.Start().ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(Execute<C>(**store, "a", C::Add{1, ""}, Rc()).ok());
    ASSERT_TRUE(runner.SaveSnapshots().ok());
    ASSERT_TRUE(Execute<C>(**store, "a", C::Add{100, ""}, Rc()).ok());  // after the snapshot
  }
  auto store = storage::OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  auto proj = std::make_shared<SumProjection>();
  ProjectionRunner runner(**store, {proj});
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(proj->applied, 1) << "only the event after the checkpoint is replayed";
  EXPECT_EQ(proj->sums["counter-a"], 110);
  EXPECT_EQ(runner.position(), 12u);
}

// A snapshot that cannot be restored (unreadable, empty, or refused by the
// projection) is not half used: the read model starts empty and the whole
// log is replayed.
TEST(ProjectionRunnerTest, AnUnusableSnapshotFallsBackToAFullReplay) {
  for (const char* damage : {"not json", "", "[1,2]"}) {
    SCOPED_TRACE(damage);
    auto store = storage::NewMemoryStore();
    ASSERT_TRUE(Execute<C>(*store, "a", C::Create{"a"}, Rc()).ok());
    {
      auto proj = std::make_shared<SumProjection>();
      ProjectionRunner runner(*store, {proj});
      ASSERT_TRUE(runner.Start().ok());
      for (int i = 0; i < 10; ++i) ASSERT_TRUE(Execute<C>(*store, "a", C::Add{1, ""}, Rc()).ok());
      ASSERT_TRUE(runner.SaveSnapshots().ok());
    }
    ASSERT_TRUE(Execute<C>(*store, "a", C::Add{100, ""}, Rc()).ok());
    ASSERT_TRUE(store->PutState({{"proj/snapshot/sums", damage}}).ok());
    auto proj = std::make_shared<SumProjection>();
    proj->sums["stale"] = 1;  // whatever it held before is forgotten
    ProjectionRunner runner(*store, {proj});
    ASSERT_TRUE(runner.Start().ok());
    EXPECT_EQ(proj->applied, 12) << "every event replayed";
    EXPECT_EQ(proj->sums, (std::map<std::string, int>{{"counter-a", 110}}));
    EXPECT_EQ(runner.position(), 12u);
  }
}

// Its snapshot is rendered only once an event committed after the save
// began has been applied: possible only if saving does not hold the
// runner's lock while rendering (the commit's projection takes it).
class WaitingSnapshotProjection final : public Projection {
 public:
  std::string Name() const override { return "waiting"; }
  Status Apply(const storage::RecordedEvent&, const domain::EventView&) override {
    std::lock_guard l(mu);
    ++applied;
    cv.notify_all();
    return {};
  }
  SnapshotRenderer SnapshotLater() const override {
    const int at = applied;  // under the runner's lock
    return [this, at](const EmitPart&) -> Result<std::string> {
      std::unique_lock l(mu);
      rendering = true;
      cv.notify_all();
      // Bounded only so that the old behaviour fails instead of hanging.
      saw_a_commit = cv.wait_for(l, std::chrono::seconds(60), [&] { return applied > at; });
      return std::to_string(at);
    };
  }
  Status RestoreText(std::string_view, const ReadPart&) override { return {}; }
  Status Reset() override { return {}; }

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  int applied = 0;
  mutable bool rendering = false, saw_a_commit = false;
};

TEST(ProjectionRunnerTest, SavingLetsEventsBeAppliedWhileTheSnapshotIsRendered) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Execute<C>(*store, "a", C::Create{"a"}, Rc()).ok());
  auto proj = std::make_shared<WaitingSnapshotProjection>();
  ProjectionRunner runner(*store, {proj});
  ASSERT_TRUE(runner.Start().ok());
  std::thread saver([&] { EXPECT_TRUE(runner.SaveSnapshots().ok()); });
  {
    std::unique_lock l(proj->mu);
    proj->cv.wait(l, [&] { return proj->rendering; });
  }
  ASSERT_TRUE(Execute<C>(*store, "a", C::Add{1, ""}, Rc()).ok());  // applied before it returns
  saver.join();
  EXPECT_TRUE(proj->saw_a_commit) << "the commit waited for the snapshot's rendering";
  // The snapshot is the model at the checkpoint it was saved with.
  auto text = store->GetState("proj/snapshot/waiting");
  auto checkpoint = store->GetState("proj/checkpoint");
  ASSERT_TRUE(text.ok() && text->has_value() && checkpoint.ok() && checkpoint->has_value());
  EXPECT_EQ(**text, "1");
  EXPECT_EQ(storage::GetU64((*checkpoint)->data()), 1u);
}

// A model whose snapshot is `parts` parts of kSnapshotPartBytes bytes, each
// the letter of its generation, and the text "<generation> <parts>"; its
// renderer fails when `fail` is set (a save cut short after the parts of
// the projections before it were written).
class PartsProjection final : public Projection {
 public:
  explicit PartsProjection(std::string name) : name_(std::move(name)) {}
  std::string Name() const override { return name_; }
  Status Apply(const storage::RecordedEvent&, const domain::EventView&) override { return {}; }
  SnapshotRenderer SnapshotLater() const override {
    return [generation = generation, parts = parts, fail = fail](const EmitPart& emit) -> Result<std::string> {
      if (fail) return MakeError(ErrorCode::kIoError, "rendering failed");
      for (int i = 0; i < parts; ++i) ASSURE_TRY(emit(std::string(kSnapshotPartBytes, generation)));
      return std::string(1, generation) + " " + std::to_string(parts);
    };
  }
  Status RestoreText(std::string_view text, const ReadPart& read) override {
    const char g = text.empty() ? '?' : text[0];
    const int n = text.size() > 2 ? std::stoi(std::string(text.substr(2))) : -1;
    for (int i = 0; i < n; ++i) {
      auto part = read(static_cast<std::uint64_t>(i));
      if (!part.ok()) return part.error();
      if (*part != std::string(kSnapshotPartBytes, g)) {
        return MakeError(ErrorCode::kCorruption, "part " + std::to_string(i) + " is not of generation " + g);
      }
    }
    restored = std::string(text);
    return {};
  }
  Status Reset() override {
    restored.clear();
    return {};
  }

  char generation = 'a';
  int parts = 0;
  bool fail = false;
  std::string restored;  // the text of the snapshot restored

 private:
  std::string name_;
};

// A snapshot's parts go to the slot the saved snapshots do not use, in
// batches; its text, the checkpoint and the slot in one batch after them.
// A save cut short after some parts were written leaves the saved snapshots
// whole; parts left in a slot beyond what its text names are never read.
TEST(ProjectionRunnerTest, PartsGoToTheOtherSlotSoASaveCutShortLeavesTheSavedSnapshotWhole) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Execute<C>(*store, "a", C::Create{"a"}, Rc()).ok());
  auto big = std::make_shared<PartsProjection>("big");
  auto second = std::make_shared<PartsProjection>("second");
  ProjectionRunner runner(*store, {big, second});
  ASSERT_TRUE(runner.Start().ok());
  auto restart = [&]() {
    auto b = std::make_shared<PartsProjection>("big");
    auto s = std::make_shared<PartsProjection>("second");
    ProjectionRunner again(*store, {b, s});
    EXPECT_TRUE(again.Start().ok());
    return b->restored + " / " + s->restored;
  };
  auto parts_in = [&](const std::string& slot) {
    auto kv = store->ScanState("proj/snapshot-part/big/" + slot + "/");
    return kv.ok() ? kv->size() : 0u;
  };
  big->parts = 6;  // more than a batch's worth (4 parts)
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  EXPECT_EQ(parts_in("a"), 6u);
  EXPECT_EQ(restart(), "a 6 / a 0");

  // The second projection fails after the first's parts were written.
  ASSERT_TRUE(Execute<C>(*store, "a", C::Add{1, ""}, Rc()).ok());
  big->generation = 'b';
  second->fail = true;
  EXPECT_FALSE(runner.SaveSnapshots().ok());
  EXPECT_GE(parts_in("b"), 4u) << "a batch of parts was written before the failure";
  EXPECT_EQ(restart(), "a 6 / a 0") << "the saved snapshot is read whole from its slot";

  second->fail = false;
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  EXPECT_EQ(restart(), "b 6 / a 0");

  // Fewer parts into slot "a": its two extra parts are left and not read.
  ASSERT_TRUE(Execute<C>(*store, "a", C::Add{1, ""}, Rc()).ok());
  big->generation = 'c';
  big->parts = 4;
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  EXPECT_EQ(parts_in("a"), 6u);
  EXPECT_EQ(restart(), "c 4 / a 0");
  auto slot = store->GetState("proj/snapshot-slot");
  ASSERT_TRUE(slot.ok() && slot->has_value());
  EXPECT_EQ(**slot, "a");

  // A slot that is neither: nothing is restored (the log is replayed), and
  // the next save writes slot "a" whole again.
  ASSERT_TRUE(store->PutState({{"proj/snapshot-slot", "c"}}).ok());
  EXPECT_EQ(restart(), " / ");
  ASSERT_TRUE(Execute<C>(*store, "a", C::Add{1, ""}, Rc()).ok());
  big->generation = 'd';
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  EXPECT_EQ(restart(), "d 4 / a 0");
}

TEST(ProjectionRunnerTest, RebuildEqualsIncremental) {
  auto store = storage::NewMemoryStore();
  auto live = std::make_shared<SumProjection>();
  ProjectionRunner runner(*store, {live});
  ASSERT_TRUE(runner.Start().ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Execute<C>(*store, "c" + std::to_string(i), C::Create{"x"}, Rc()).ok());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(Execute<C>(*store, "c" + std::to_string(i * 7 % 5), C::Add{i % 13 - 6, ""}, Rc()).ok());
  }
  auto incremental = live->Snapshot();
  ASSERT_TRUE(runner.Rebuild().ok());
  EXPECT_EQ(live->Snapshot(), incremental);
  auto fresh = std::make_shared<SumProjection>();
  ProjectionRunner other(*store, {fresh});
  ASSERT_TRUE(other.Start().ok());
  EXPECT_EQ(fresh->Snapshot(), incremental);
}

TEST(ProjectionRunnerTest, AFailingEventStopsTheRunnerWithoutSkipping) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Execute<C>(*store, "a", C::Create{"a"}, Rc()).ok());
  auto proj = std::make_shared<SumProjection>();
  ProjectionRunner runner(*store, {proj});
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_TRUE(Execute<C>(*store, "a", C::Fail{}, Rc()).ok());  // position 2
  ASSERT_TRUE(Execute<C>(*store, "a", C::Add{5, ""}, Rc()).ok());  // position 3
  EXPECT_EQ(runner.position(), 1u);
  auto failure = runner.failure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->message.find("position 2"), std::string::npos) << failure->message;
  EXPECT_EQ(proj->sums["counter-a"], 0) << "the event after the failure was not applied";
  // A restarted runner stops at the same place.
  auto again = std::make_shared<SumProjection>();
  ProjectionRunner second(*store, {again});
  EXPECT_FALSE(second.Start().ok());
  EXPECT_EQ(second.position(), 1u);
}

}  // namespace
}  // namespace assure::api
