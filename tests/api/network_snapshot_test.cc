// The network projection keeps its checkpoint with its read model: after
// SaveSnapshots and a restart on the same RocksDB store, Start() restores the
// snapshot and replays only the events after the checkpoint, and the result
// equals a fold of the whole log. A damaged snapshot is refused, so the
// runner rebuilds instead of serving a wrong model.
#include <gtest/gtest.h>

#include <random>

#include "tests/api/execute_once.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"
#include "storage/codec.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using namespace domain;
using nlohmann::json;

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

// Random commands over all eight kinds, including the ones whose state
// ToJson does not show (deliverable evidence numbering).
class History {
 public:
  History(storage::EventStore& store, std::uint32_t seed) : store_(store), rng_(seed) {}

  void Step() {
    const std::string p = Id("p", 8), g = Id("g", 3), w = Id("w", 2), d = Id("d", 8), m = Id("m", 4),
                      doc = Id("doc", 3), q = "IN-60" + std::to_string(Pick(3));
    switch (Pick(16)) {
      case 0: Do<OrganisationAggregate>(Id("o", 3), Pick(3) ? "register" : "rename", {{"name", "Org " + std::to_string(Pick(9))}, {"kind", "trust"}}); break;
      case 1: Do<PersonAggregate>(p, "register", {{"name", "P " + p}, {"email", p + "@nhs.net"}}); break;
      case 2: Do<PersonAggregate>(p, Pick(4) ? "update-details" : "erase", {{"job_title", "J" + std::to_string(Pick(5))}, {"reason", "asked"}}); break;
      case 3: Do<GroupAggregate>(g, "create", {{"name", "G " + g}, {"kind", "sig"}, {"parent_group_id", Pick(2) ? "" : "g0"}}); break;
      case 4: Do<GroupAggregate>(g, "appoint-member", {{"person_id", p}, {"role", Pick(4) ? "member" : "chair"}, {"start_date", "2023-01-0" + std::to_string(1 + Pick(9))}}); break;
      case 5: Do<GroupAggregate>(g, "end-membership", {{"membership_id", "m" + std::to_string(1 + Pick(4))}, {"end_date", "2024-01-01"}, {"reason", "left"}}); break;
      case 6: Do<WorkProgrammeAggregate>(w, Pick(3) ? "create" : "add-deliverable", {{"group_id", g}, {"year", "2023-24"}, {"deliverable_id", d}}); break;
      case 7: Do<DeliverableAggregate>(d, "create", {{"programme_id", w}, {"title", "T " + d}, {"planned_end", Pick(2) ? "Mar-24" : "ongoing"}, {"mm_qsin_reference", "Governance " + q}}); break;
      case 8: Do<DeliverableAggregate>(d, "link-evidence", {{"kind", "document"}, {"target_id", Id("doc", 4)}}); break;
      case 9: Do<DeliverableAggregate>(d, "unlink-evidence", {{"evidence_id", "e" + std::to_string(1 + Pick(4))}, {"reason", "wrong"}}); break;
      case 10: Do<DeliverableAggregate>(d, Pick(2) ? "change-ragb" : "complete", {{"ragb", Pick(2) ? "red" : "amber"}, {"reason", "r"}, {"date_completed", "2024-04-01"}}); break;
      case 11: Do<DeliverableAggregate>(d, "add-progress-note", {{"note_date", "2024-01-02"}, {"text", "n"}}); break;
      case 12: {
        static const char* kinds[] = {"schedule", "open", "record-attendance", "record-decision", "raise-action", "close-action", "close"};
        Do<MeetingAggregate>(m, kinds[Pick(7)],
                             {{"group_id", g}, {"title", "Meeting"}, {"scheduled_for", "2024-02-01"}, {"person_id", p},
                              {"attendance", Pick(2) ? "present" : "apologies"}, {"text", "t"}, {"owner_person_id", p},
                              {"due_date", "2024-03-01"}, {"action_id", "a1"}, {"closure_evidence", "done"},
                              {"quorum_rule", {{"min_present", 1}, {"min_percent", 0}, {"chair_required", false}}},
                              {"members", {{{"person_id", p}, {"role", "member"}}}}});
        break;
      }
      case 13: Do<ControlledDocumentAggregate>(doc, Pick(3) ? "add-draft-version" : "register",
                                               {{"title", "Doc"}, {"document_numbers", "IN-601"}, {"review_interval_months", 12},
                                                {"version_label", "v"}, {"content_sha256", std::string(64, 'c')}, {"media_type", "text/plain"}, {"size_bytes", 10}});
              break;
      case 14: Do<ControlledDocumentAggregate>(doc, Pick(2) ? "approve-version" : "publish", {{"version_id", "v" + std::to_string(1 + Pick(3))}, {"approving_group_id", g}, {"date_adopted", "2024-01-01"}}); break;
      default: Do<QsinStatementAggregate>(q, Pick(2) ? "define" : "record-self-assessment",
                                          {{"code", q}, {"title", "S"}, {"edition", "2022"}, {"outcome", "partly-met"}, {"comment", "c"},
                                           {"assessor_person_id", p}, {"assessed_on", "2024-05-01"}});
    }
  }
  int accepted = 0;

 private:
  std::uint32_t Pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }
  std::string Id(const char* prefix, std::uint32_t n) { return prefix + std::to_string(Pick(n)); }
  template <class Agg>
  void Do(const std::string& id, const std::string& name, const json& body) {
    auto command = Agg::ParseCommand(name, body);
    if (!command.ok()) return;
    RequestContext rc;
    rc.actor = "history";
    rc.now_us = 1'700'000'000'000'000LL + accepted;
    auto r = Execute<Agg>(store_, id, *command, rc);
    if (r.ok() && r->events_written > 0) ++accepted;
  }
  storage::EventStore& store_;
  std::mt19937 rng_;
};

std::uint64_t Head(storage::EventStore& store) { return store.Head().position; }

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
