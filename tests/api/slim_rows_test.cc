// The live model keeps a meeting or document that has not changed for
// `hot_events` events as a slim row (api/queries/slim_rows.h), cold: in the
// store, not in memory (api/queries/cold_rows.h). Nothing it answers may
// change: every row, loaded whole, equals the row of a model that never
// slims; the queries that scan every row answer the same; an event of a
// slim row folds into its whole state; and a snapshot that leaves the cold
// rows out restores with them and keeps folding like the live model.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "api/core/event_mapping.h"
#include "api/core/projection_runner.h"
#include "api/queries/decision_log.h"
#include "api/queries/network_model.h"
#include "api/queries/queries.h"
#include "api/queries/slim_rows.h"
#include "tests/api/random_history.h"
#include "tests/api/same_model.h"
#include "tests/api/snapshot_parts.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using namespace domain;
using nlohmann::json;
using random_history::Head;
using random_history::History;
using testing::ExpectSameAnswers;
using testing::ExpectSameRows;

// A live model that slims rows after 5 events and one that never does, fed
// by one runner.
struct TwoModels {
  explicit TwoModels(storage::EventStore& store)
      : slim(std::make_shared<NetworkProjection>(&store, /*hot_events=*/5)),
        whole(std::make_shared<NetworkProjection>()),
        runner(store, {slim, whole}) {}
  // The slim rows among the meetings and documents, each checked against
  // the whole model; and the scans' answers compared.
  int CheckedSlimRows() {
    auto lock = runner.ReadLock();
    const NetworkModel& m = slim->model();
    ExpectSameAnswers(m, whole->model());
    return ExpectSameRows(m, m.meetings, whole->model().meetings) +
           ExpectSameRows(m, m.documents, whole->model().documents);
  }
  std::shared_ptr<NetworkProjection> slim, whole;
  ProjectionRunner runner;
};

TEST(SlimRowsTest, SlimRowsAnswerAsTheWholeOnesAndFoldLikeThem) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    auto store = storage::NewMemoryStore();
    TwoModels models(*store);
    ASSERT_TRUE(models.runner.Start().ok());
    History history(*store, seed);
    int slim_rows = 0;
    // The same few meetings and documents take events again and again, so
    // most events of theirs fold into a row that was slim.
    int slim_meetings = 0, slim_documents = 0;  // seen slim at the end of some round
    // (Six rounds: with eleven kinds a seed's meetings take fewer events.)
    for (int round = 0; round < 6; ++round) {
      for (int i = 0; i < 200; ++i) history.Step();
      slim_rows += models.CheckedSlimRows();
      auto lock = models.runner.ReadLock();
      models.slim->model().meetings.ForEachRow([&](const std::string&, const auto& row) { slim_meetings += row.slim; });
      models.slim->model().documents.ForEachRow([&](const std::string&, const auto& row) { slim_documents += row.slim; });
    }
    EXPECT_GT(slim_rows, 0) << "seed " << seed;
    EXPECT_GT(slim_meetings, 0) << "seed " << seed << ": the test must see slim meetings";
    EXPECT_GT(slim_documents, 0) << "seed " << seed << ": the test must see slim documents";
  }
}

// Slim rows go cold (api/queries/cold_rows.h): the snapshot leaves them out,
// the store holds them, and a model restored on that store reads them.
TEST(SlimRowsTest, ASnapshotLeavesColdRowsOutRestoresWithThemAndKeepsFolding) {
  storage::testing::TempDir dir;
  const std::string db = dir.sub("db");
  {
    auto store = storage::OpenRocksStore(db);
    ASSERT_TRUE(store.ok());
    TwoModels models(**store);
    ASSERT_TRUE(models.runner.Start().ok());
    History history(**store, 11);
    for (int i = 0; i < 500; ++i) history.Step();
    ASSERT_TRUE(models.runner.SaveSnapshots().ok());
    const auto snap = testing::SnapshotNow(*models.slim);
    bool slim = false;
    for (const auto& part : snap.parts) slim = slim || part.find("\"slim\":true") != std::string::npos;
    EXPECT_FALSE(slim) << "slim rows are cold, not in the snapshot";
    for (const char* prefix : {"row1/meeting/", "row1/controlled_document/"}) {
      auto cold = (*store)->ScanState(prefix);
      ASSERT_TRUE(cold.ok());
      EXPECT_FALSE(cold->empty()) << prefix;
    }
    NetworkProjection without_store;
    ASSERT_TRUE(testing::RestoreFrom(without_store, snap).ok());
    EXPECT_NE(without_store.Snapshot(), models.slim->Snapshot()) << "the cold rows are in the store only";
    NetworkProjection read_back(store->get(), /*hot_events=*/5);
    ASSERT_TRUE(testing::RestoreFrom(read_back, snap).ok());
    EXPECT_EQ(read_back.Snapshot(), models.slim->Snapshot());
    // Read back packed, as the live model holds them.
    int packed = 0;
    read_back.model().meetings.ForEachRow([&](const std::string& id, const auto& row) {
      if (!row.slim) return;
      ++packed;
      EXPECT_FALSE(row.packed.empty()) << id;
      EXPECT_TRUE(row.state.attendance.empty()) << id;
      EXPECT_TRUE(row.state.decisions.empty()) << id;
    });
    EXPECT_GT(packed, 0);
  }
  auto store = storage::OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  TwoModels models(**store);
  ASSERT_TRUE(models.runner.Start().ok());
  History more(**store, 12);
  for (int i = 0; i < 300; ++i) more.Step();
  EXPECT_GT(models.CheckedSlimRows(), 0);
  auto rebuilt = BuildNetworkModel(**store, Head(**store));
  ASSERT_TRUE(rebuilt.ok());
  auto lock = models.runner.ReadLock();
  EXPECT_EQ(models.whole->model().ToJson(), rebuilt->ToJson());
}

// A model that does not slim (ASSURE_READ_MODEL_HOT_EVENTS=0) reading a
// snapshot saved by one that did: an event of a slim row folds into its
// whole state, loaded from the store, so the scans see what it recorded and
// the row's snapshot keeps it. (Folded into the slim state instead, a new
// attendance record or decision was hidden by the row's packed part.)
TEST(SlimRowsTest, AModelThatDoesNotSlimFoldsEventsOfRestoredSlimRowsWhole) {
  auto store = storage::NewMemoryStore();
  auto models = std::make_unique<TwoModels>(*store);
  ASSERT_TRUE(models->runner.Start().ok());
  History history(*store, 11);
  for (int i = 0; i < 500; ++i) history.Step();
  testing::SnapshotInMemory snap;
  std::uint64_t from = 0;
  {
    auto lock = models->runner.ReadLock();
    snap = testing::SnapshotNow(*models->slim);
    from = models->slim->model().position;
  }
  // The model that saved the snapshot stops, as a server restarted with
  // ASSURE_READ_MODEL_HOT_EVENTS=0 would (it would go on letting rows go
  // cold, at positions past the events this one has still to fold).
  models.reset();
  NetworkProjection never(store.get(), /*hot_events=*/0);
  ASSERT_TRUE(testing::RestoreFrom(never, snap).ok());
  std::set<std::string> slim_before;
  never.model().meetings.ForEachRow([&](const std::string& id, const auto& row) {
    if (row.slim) slim_before.insert(id);
  });
  ASSERT_FALSE(slim_before.empty());
  for (int i = 0; i < 600; ++i) history.Step();
  for (std::uint64_t next = from + 1;;) {
    auto page = store->ReadAll(next, 1000);
    ASSERT_TRUE(page.ok());
    for (const auto& record : page->events) {
      nlohmann::json holder;
      ASSERT_TRUE(never.Apply(record, MakeView(record, holder)).ok());
    }
    if (page->end_of_log) break;
    next = page->next_position;
  }
  auto rebuilt = BuildNetworkModel(*store, Head(*store));
  ASSERT_TRUE(rebuilt.ok());
  const NetworkModel& whole = *rebuilt;
  ASSERT_EQ(never.model().position, whole.position);
  int changed = 0;  // rows slim after the restore that took events since
  never.model().meetings.ForEachRow([&](const std::string& id, const auto& row) {
    if (slim_before.contains(id) && row.position > from) {
      ++changed;
      EXPECT_FALSE(row.slim) << id;
    }
  });
  EXPECT_GT(changed, 0) << "the test must fold events into restored slim rows";
  ExpectSameAnswers(never.model(), whole);
  ExpectSameRows(never.model(), never.model().meetings, whole.meetings);
  ExpectSameRows(never.model(), never.model().documents, whole.documents);
}

// What a slim meeting's attendance, decisions and open actions read as
// (ForEachAttendance, ForEachDecision, ForEachOpenAction over its packed
// bytes, or put back by UnpackMeeting).
struct Parts {
  std::vector<std::pair<std::string, Attendance>> attendance;
  std::vector<std::pair<std::string, std::vector<DecisionLink>>> decisions;
  std::vector<MeetingAction> open_actions;
  friend bool operator==(const Parts&, const Parts&) = default;
};
Parts PartsOf(const MeetingState& s, const std::string& packed) {
  Parts p;
  ForEachAttendance(s, packed, [&](std::string_view person, Attendance a) { p.attendance.emplace_back(person, a); });
  ForEachDecision(s, packed, [&](std::string_view id, const std::vector<DecisionLink>& links) {
    p.decisions.emplace_back(id, links);
  });
  ForEachOpenAction(s, packed, [&](const MeetingAction& a) { p.open_actions.push_back(a); });
  return p;
}

TEST(SlimRowsTest, ASlimMeetingDropsTextsClosedActionsAndTheQuorum) {
  MeetingState s;
  s.exists = true;
  s.id = "m1";
  s.group_id = "g";
  s.status = MeetingStatus::kClosed;
  s.attendance["p1"] = AttendanceRecord{Attendance::kPresent, "o1"};
  s.attendance["p2"] = AttendanceRecord{Attendance::kAbsent, "o2"};
  s.decisions.push_back({"d1", "A long decision text", {{DecisionLinkKind::kDeliverable, "x", ""}}});
  s.decisions.push_back({"d2", "Another", {}});
  s.decisions.push_back({"d3", "Approve", {{DecisionLinkKind::kDocumentVersion, "doc", "v2"},
                                           {DecisionLinkKind::kEscalation, "e1", ""}}});
  MeetingAction open{"a1", "Report back", "p1", "2030-01-01", true, "", {"a note"}};
  MeetingAction closed{"a2", "Done", "p1", "2030-01-01", false, "evidence", {}};
  s.actions = {open, closed};
  s.quorum = read::QuorumOutcome{};
  const Parts whole = PartsOf(s, "");
  std::string packed;
  ASSERT_TRUE(SlimMeeting(s, packed));
  EXPECT_EQ(s.group_id, "g");
  EXPECT_EQ(s.status, MeetingStatus::kClosed);
  // The parts are packed, not kept in the state, and read back the same.
  EXPECT_TRUE(s.attendance.empty());
  EXPECT_TRUE(s.decisions.empty());
  EXPECT_EQ(s.decisions.capacity(), 0u);
  EXPECT_EQ(PartsOf(s, packed), whole);
  // The open action is packed whole (the list of open actions reads it), the closed one goes.
  EXPECT_TRUE(s.actions.empty());
  EXPECT_EQ(PartsOf(s, packed).open_actions, std::vector<MeetingAction>{open});
  EXPECT_FALSE(s.quorum.has_value());

  // Put back for a snapshot: no organisations, no texts, the open action whole.
  MeetingState unpacked = s;
  UnpackMeeting(unpacked, packed);
  EXPECT_EQ(unpacked.actions, std::vector<MeetingAction>{open});
  ASSERT_EQ(unpacked.attendance.size(), 2u);
  EXPECT_EQ(unpacked.attendance.at("p1"), (AttendanceRecord{Attendance::kPresent, ""}));
  EXPECT_EQ(unpacked.attendance.at("p2"), (AttendanceRecord{Attendance::kAbsent, ""}));
  ASSERT_EQ(unpacked.decisions.size(), 3u);
  EXPECT_EQ(unpacked.decisions[2], (MeetingDecision{"d3", "", {{DecisionLinkKind::kDocumentVersion, "doc", "v2"},
                                                               {DecisionLinkKind::kEscalation, "e1", ""}}}));
  // Slimming a slim state again (a snapshot's slim row read back) packs the same bytes.
  std::string again;
  ASSERT_TRUE(SlimMeeting(unpacked, again));
  EXPECT_EQ(again, packed);
  EXPECT_EQ(unpacked, s);

  ControlledDocumentState d;
  d.exists = true;
  d.title = "Doc";
  DocumentVersion v1, v2, v3;
  v1.version_id = "v1";
  v1.status = VersionStatus::kSuperseded;
  v2.version_id = "v2";
  v2.status = VersionStatus::kInForce;
  v2.review_date = "2025-01-01";
  v3.version_id = "v3";
  d.versions = {v1, v2, v3};
  std::string none;
  ASSERT_TRUE(SlimDocument(d, none));
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(d.title, "Doc");
  ASSERT_EQ(d.versions.size(), 1u);
  EXPECT_EQ(d.versions[0].version_id, "v2");
  EXPECT_EQ(d.versions[0].review_date, "2025-01-01");
}

// A slim meeting packs its open actions whole, in the order recorded (the
// list of open actions reads them), not its closed ones, and its attendance,
// decisions and open actions take a few bytes more than their texts, a uuid
// in its lowercase form 17 bytes: the packed layout of slim_rows.h.
TEST(SlimRowsTest, ASlimMeetingKeepsItsOpenActionsAndItsPartsPacked) {
  MeetingState s;
  std::vector<MeetingAction> open;
  s.exists = true;
  s.id = "m1";
  std::size_t expected = 3;  // the three counts (under 128 each)
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(100000000000 + i);  // 12 digits
    s.actions.push_back({"a" + n, "Report back " + n, "p1", "2030-01-01", i % 5 != 0, "", {"a note"}});
    if (s.actions.back().open) {
      open.push_back(s.actions.back());
      expected += (1 + 13) + (1 + 24) + (1 + 2) + (1 + 10) + 1 + (1 + 6);  // id, text, owner, due, 1 note
    }
    // Every third person's id is a lowercase uuid (17 bytes packed), every
    // third an uppercase one and every third another text, both kept as
    // written (1 + their size).
    const std::string uuid = "0b9c7a52-5d1e-4f7e-9a3b-" + n;
    std::string person = i % 3 == 0 ? uuid : i % 3 == 1 ? "0B9C7A52-5D1E-4F7E-9A3B-" + n : "person-" + n;
    s.attendance[person] = AttendanceRecord{Attendance::kApologies, "organisation-" + n};
    expected += (i % 3 == 0 ? 17 : 1 + person.size()) + 1;
    const std::string decision = "1c2d3e4f-5a6b-4c7d-8e9f-" + n;
    const std::string version = i % 2 == 0 ? "" : "2d3e4f5a-6b7c-4d8e-9fa0-" + n;
    s.decisions.push_back({decision, "Decided " + n, {{DecisionLinkKind::kDeliverable, uuid, version}}});
    expected += 17 + 1 + (1 + 17 + (version.empty() ? 1 : 17));
  }
  const Parts whole = PartsOf(s, "");
  std::string packed;
  ASSERT_TRUE(SlimMeeting(s, packed));
  ASSERT_EQ(open.size(), 40u);
  EXPECT_EQ(s.actions.capacity(), 0u);
  EXPECT_EQ(packed.size(), expected);
  EXPECT_LE(packed.capacity(), expected + 16);
  EXPECT_EQ(PartsOf(s, packed), whole);
  EXPECT_EQ(whole.open_actions, open);
  for (const auto& [person, a] : whole.attendance) EXPECT_EQ(a, Attendance::kApologies) << person;

  MeetingState none;
  none.exists = true;
  none.actions.push_back({"a1", "Done", "p1", "2030-01-01", false, "evidence", {}});
  std::string nothing;
  ASSERT_TRUE(SlimMeeting(none, nothing));
  EXPECT_TRUE(none.actions.empty());
  EXPECT_EQ(nothing, std::string(3, '\0'));  // no records, no decisions, no open actions
  EXPECT_EQ(PartsOf(none, nothing), Parts{});
}

}  // namespace
}  // namespace assure::api

namespace assure::api {
namespace {

// The sweep that slims rows looks only at rows changed since the sweep
// before, so its work follows the events of meetings and documents, not the
// table's size times the number of sweeps (the mixed soak's answer thread
// had spent a growing share walking every row twice a second).
TEST(SlimRowsTest, TheSweepLooksAtChangedRowsOnly) {
  auto store = storage::NewMemoryStore();
  TwoModels models(*store);  // a sweep after every event (hot_events 5)
  ASSERT_TRUE(models.runner.Start().ok());
  History history(*store, 21);
  for (int i = 0; i < 600; ++i) history.Step();
  EXPECT_GT(models.CheckedSlimRows(), 0);
  auto lock = models.runner.ReadLock();
  EXPECT_LE(models.slim->rows_examined(), Head(*store));
}

// A snapshot's rows, whole when saved by a model that never slims, are
// slimmed by the live model that restores it once they are old enough.
TEST(SlimRowsTest, RowsRestoredWholeAreSlimmedOnceOld) {
  storage::testing::TempDir dir;
  const std::string db = dir.sub("db");
  std::uint64_t restored_head = 0;
  {
    auto store = storage::OpenRocksStore(db);
    ASSERT_TRUE(store.ok());
    auto whole = std::make_shared<NetworkProjection>();
    ProjectionRunner runner(**store, {whole});
    ASSERT_TRUE(runner.Start().ok());
    History history(**store, 31);
    for (int i = 0; i < 400; ++i) history.Step();
    ASSERT_TRUE(runner.SaveSnapshots().ok());
    restored_head = Head(**store);
  }
  auto store = storage::OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  auto slim = std::make_shared<NetworkProjection>(store->get(), /*hot_events=*/5);
  ProjectionRunner runner(**store, {slim});
  ASSERT_TRUE(runner.Start().ok());
  History more(**store, 32);
  for (int i = 0; i < 50; ++i) more.Step();
  auto lock = runner.ReadLock();
  int old_rows = 0;
  auto expect_slim = [&](const std::string& id, const auto& row) {
    if (row.position > restored_head) return;
    ++old_rows;
    EXPECT_TRUE(row.slim) << id << " last changed at " << row.position;
  };
  slim->model().meetings.ForEachRow(expect_slim);
  slim->model().documents.ForEachRow(expect_slim);
  EXPECT_GT(old_rows, 0);
}

}  // namespace
}  // namespace assure::api
