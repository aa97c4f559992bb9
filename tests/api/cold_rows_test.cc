// The live model's cold rows (api/queries/cold_rows.h): meetings and
// documents not changed for `hot_events` events leave memory for the store.
// A model restored from a snapshot behind its cold rows, whether a crash
// kept the unsynced cold writes made after the snapshot or lost them, folds
// the log's tail into the same model as one folded from the start; a
// rebuild deletes the cold rows and stops the saved snapshot counting first;
// a cold row that does not read back is left out and counted; a store that
// cannot take cold rows leaves the rows slim in memory.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/core/event_mapping.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"
#include "api/queries/queries.h"
#include "api/queries/slim_rows.h"
#include "tests/api/random_history.h"
#include "tests/api/same_model.h"
#include "tests/api/snapshot_parts.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using random_history::Head;
using random_history::History;
using testing::ExpectSameAnswers;
using testing::ExpectSameRows;

constexpr const char* kColdPrefix = "row1/";

// Folds the log after `from` into `p`.
void FoldTail(NetworkProjection& p, storage::EventStore& store, std::uint64_t from) {
  for (std::uint64_t next = from + 1;;) {
    auto page = store.ReadAll(next, 1000);
    ASSERT_TRUE(page.ok());
    for (const auto& record : page->events) {
      nlohmann::json holder;
      Status s = p.Apply(record, MakeView(record, holder));
      ASSERT_TRUE(s.ok()) << s.error().message;
    }
    if (page->end_of_log) break;
    next = page->next_position;
  }
}

// `m` answers as the model folded from the whole log.
void ExpectAsFoldedFromTheStart(const NetworkModel& m, storage::EventStore& store) {
  auto whole = BuildNetworkModel(store, Head(store));
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(m.position, whole->position);
  ExpectSameAnswers(m, *whole);
  ExpectSameRows(m, m.meetings, whole->meetings);
  ExpectSameRows(m, m.documents, whole->documents);
}

std::vector<std::string> Pairs(const std::vector<storage::KeyValue>& kvs) {
  std::vector<std::string> out;
  for (const auto& kv : kvs) out.push_back(kv.key + "=" + kv.value);
  return out;
}

std::size_t Scanned(const NetworkModel& m) {
  std::size_t n = 0;
  m.meetings.ForEachRow([&](const std::string&, const auto&) { ++n; });
  m.documents.ForEachRow([&](const std::string&, const auto&) { ++n; });
  return n;
}

TEST(ColdRowsTest, ColdRowsLeaveMemoryAndASnapshotBehindThemCatchesUp) {
  for (bool crash_kept_them : {true, false}) {
    auto store = storage::NewMemoryStore();
    auto live = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
    auto runner = std::make_unique<ProjectionRunner>(*store, std::vector<std::shared_ptr<Projection>>{live});
    ASSERT_TRUE(runner->Start().ok());
    History history(*store, 21);
    for (int i = 0; i < 400; ++i) history.Step();
    testing::SnapshotInMemory snap;
    std::uint64_t from = 0;
    {
      auto lock = runner->ReadLock();
      const NetworkModel& m = live->model();
      EXPECT_LT(m.meetings.size() + m.documents.size(), Scanned(m)) << "some rows are cold, not in memory";
      snap = testing::SnapshotNow(*live);
      from = m.position;
    }
    auto cold_then = store->ScanState(kColdPrefix);
    ASSERT_TRUE(cold_then.ok() && !cold_then->empty());
    // Rows go cold after the snapshot, at positions past it.
    for (int i = 0; i < 400; ++i) history.Step();
    runner.reset();
    live.reset();
    auto cold_now = store->ScanState(kColdPrefix);
    ASSERT_TRUE(cold_now.ok());
    ASSERT_NE(Pairs(*cold_now), Pairs(*cold_then)) << "the test needs cold rows written after the snapshot";
    if (!crash_kept_them) {  // the unsynced writes since the snapshot are lost
      ASSERT_TRUE(store->ClearState(kColdPrefix).ok());
      ASSERT_TRUE(store->PutState(*cold_then).ok());
    }
    NetworkProjection restored(store.get(), /*hot_events=*/5);
    ASSERT_TRUE(testing::RestoreFrom(restored, snap).ok());
    FoldTail(restored, *store, from);
    SCOPED_TRACE(crash_kept_them ? "cold rows written after the snapshot kept" : "and lost");
    ExpectAsFoldedFromTheStart(restored.model(), *store);
    EXPECT_EQ(restored.model().meetings.cold_rows()->failures(), 0u);
  }
}

TEST(ColdRowsTest, ARebuildDeletesTheColdRowsAfterTheSavedSnapshotStopsCounting) {
  auto store = storage::NewMemoryStore();
  auto live = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
  ProjectionRunner runner(*store, {live});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 22);
  for (int i = 0; i < 400; ++i) history.Step();
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  ASSERT_EQ(store->GetState("proj/checkpoint")->value_or("").size(), 8u);
  // A cold row no event made (as one left by a model of another meaning).
  ASSERT_TRUE(store->PutState({{"row1/meeting/stale", (*store->ScanState("row1/meeting/"))[0].value}}).ok());
  ASSERT_TRUE(runner.Rebuild().ok());
  EXPECT_EQ(store->GetState("proj/checkpoint")->value_or("x"), "")
      << "a start after a crash mid-rebuild rebuilds too";
  EXPECT_FALSE(store->GetState("row1/meeting/stale")->has_value());
  auto lock = runner.ReadLock();
  EXPECT_EQ(live->model().meetings.FindRow("stale"), nullptr);
  ExpectAsFoldedFromTheStart(live->model(), *store);
}

// A start whose snapshot does not restore (here a part damaged, then put
// right again, as a read that failed once would) replays the log, which
// deletes the cold rows: the saved checkpoint must stop counting first, or a
// later start would restore that snapshot without them.
TEST(ColdRowsTest, AStartThatCannotRestoreStopsTheSnapshotCountingBeforeDeletingColdRows) {
  auto store = storage::NewMemoryStore();
  std::string part_key, part;
  {
    auto live = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
    ProjectionRunner runner(*store, {live});
    ASSERT_TRUE(runner.Start().ok());
    History history(*store, 24);
    for (int i = 0; i < 400; ++i) history.Step();
    ASSERT_TRUE(runner.SaveSnapshots().ok());
    part_key = "proj/snapshot-part/network/" + store->GetState("proj/snapshot-slot")->value_or("?") + "/0000000000";
    part = store->GetState(part_key)->value_or("");
    ASSERT_FALSE(part.empty());
  }
  ASSERT_TRUE(store->PutState({{part_key, "damaged"}}).ok());
  {
    auto live = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/0);  // lets nothing go cold
    ProjectionRunner runner(*store, {live});
    ASSERT_TRUE(runner.Start().ok());
    EXPECT_TRUE(store->ScanState(kColdPrefix)->empty()) << "the replay deleted the cold rows";
    EXPECT_EQ(store->GetState("proj/checkpoint")->value_or("x"), "");
  }  // stopped before its next save
  ASSERT_TRUE(store->PutState({{part_key, part}}).ok());
  auto live = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
  ProjectionRunner runner(*store, {live});
  ASSERT_TRUE(runner.Start().ok());
  auto lock = runner.ReadLock();
  ExpectAsFoldedFromTheStart(live->model(), *store);
}

TEST(ColdRowsTest, AColdRowThatDoesNotReadBackIsLeftOutAndCounted) {
  auto store = storage::NewMemoryStore();
  NetworkProjection p(store.get(), /*hot_events=*/5);
  ASSERT_TRUE(store->PutState({{"row1/meeting/a", "\x03not a row"},
                               {"row1/meeting/b", std::string("\x02\x05\x09\x40{}", 6)},  // past its end
                               {"row1/meeting/c", std::string("\x02\x05\x09\x02[]", 6)}})  // not a meeting
                  .ok());
  const auto& meetings = p.model().meetings;
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(meetings.FindRow(id), nullptr) << id;
  EXPECT_EQ(Scanned(p.model()), 0u);
  EXPECT_GE(meetings.cold_rows()->failures(), 6u);
}

// A cold row of the layout before open actions were packed (0x01) would read
// as a meeting with none: it does not read back.
TEST(ColdRowsTest, ARowOfTheLayoutWithoutOpenActionsDoesNotReadBack) {
  auto store = storage::NewMemoryStore();
  auto live = std::make_shared<NetworkProjection>(store.get(), /*hot_events=*/5);
  ProjectionRunner runner(*store, {live});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 31);
  for (int i = 0; i < 400; ++i) history.Step();
  auto lock = runner.ReadLock();
  const auto& meetings = live->model().meetings;
  const std::string prefix = "row1/meeting/";
  auto cold = store->ScanState(prefix);
  ASSERT_TRUE(cold.ok());
  const storage::KeyValue* row = nullptr;
  for (const auto& kv : *cold) {
    if (meetings.IsCold(kv.key.substr(prefix.size()))) row = &kv;
  }
  ASSERT_NE(row, nullptr) << "the test needs a cold meeting";
  const std::string id = row->key.substr(prefix.size());
  ASSERT_NE(meetings.FindRow(id), nullptr);
  ASSERT_EQ(row->value.front(), '\x02');
  const auto failures = meetings.cold_rows()->failures();
  ASSERT_TRUE(store->PutState({{row->key, '\x01' + row->value.substr(1)}}).ok());
  EXPECT_EQ(meetings.FindRow(id), nullptr);
  EXPECT_GT(meetings.cold_rows()->failures(), failures);
}

TEST(ColdRowsTest, WhenTheStoreTakesNoColdRowsTheyStaySlimInMemory) {
  auto fault = storage::testing::OpenFaultStore();
  ASSERT_NE(fault.store, nullptr);
  auto live = std::make_shared<NetworkProjection>(fault.store.get(), /*hot_events=*/5);
  ProjectionRunner runner(*fault.store, {live});
  ASSERT_TRUE(runner.Start().ok());
  fault.backend->FailStateWrites(MakeError(ErrorCode::kIoError, "state write failed"));
  History history(*fault.store, 23);
  for (int i = 0; i < 400; ++i) history.Step();
  fault.backend->FailStateWrites(std::nullopt);
  EXPECT_TRUE(fault.store->ScanState(kColdPrefix)->empty());
  auto lock = runner.ReadLock();
  const NetworkModel& m = live->model();
  int slim = 0;
  m.meetings.ForEachRow([&](const std::string&, const auto& row) { slim += row.slim; });
  m.documents.ForEachRow([&](const std::string&, const auto& row) { slim += row.slim; });
  EXPECT_GT(slim, 0);
  EXPECT_EQ(m.meetings.size() + m.documents.size(), Scanned(m)) << "every row in memory";
  EXPECT_GT(m.meetings.cold_rows()->failures() + m.documents.cold_rows()->failures(), 0u);
  ExpectAsFoldedFromTheStart(m, *fault.store);
}

// The list of open actions reads them from the rows, cold ones included (a
// slim meeting keeps its open actions whole): it loads no meeting from its
// stream, however many have open actions, and its pages put together are
// the whole list.
TEST(ColdRowsTest, TheOpenActionsListReadsColdRowsAndNoStream) {
  auto fault = storage::testing::OpenFaultStore();
  ASSERT_NE(fault.store, nullptr);
  auto live = std::make_shared<NetworkProjection>(fault.store.get(), /*hot_events=*/5);
  ProjectionRunner runner(*fault.store, {live});
  ASSERT_TRUE(runner.Start().ok());
  // Six meetings closed with open actions (due on two dates, so that the
  // order's ties fall to the meeting and the order recorded), then enough
  // other events for them to go cold.
  int n = 0;
  auto run = [&](const std::string& id, const std::string& name, const nlohmann::json& body) {
    auto command = domain::MeetingAggregate::ParseCommand(name, body);
    ASSERT_TRUE(command.ok()) << name << ": " << command.error().message;
    RequestContext rc;
    rc.actor = "test";
    rc.now_us = 1'700'000'000'000'000LL + ++n;
    ASSERT_TRUE(Execute<domain::MeetingAggregate>(*fault.store, id, *command, rc).ok()) << name;
  };
  for (int i = 0; i < 6; ++i) {
    const std::string id = "open-actions-" + std::to_string(5 - i);
    run(id, "schedule", {{"group_id", "g"}, {"title", "Board"}, {"scheduled_for", "2024-02-01"}});
    run(id, "open", nlohmann::json::object());
    for (int a = 0; a < 3; ++a) {
      run(id, "raise-action", {{"text", "Action " + std::to_string(a)}, {"owner_person_id", random_history::PersonId(a)},
                               {"due_date", a == 1 ? "2024-01-01" : "2024-03-01"}});
    }
    run(id, "close-action", {{"action_id", "a" + std::to_string(1 + i % 3)}, {"closure_evidence", "done"}});
    run(id, "close", {{"quorum_rule", {{"min_present", 0}, {"min_percent", 0}, {"chair_required", false}}},
                      {"members", nlohmann::json::array()}});
  }
  History history(*fault.store, 29);
  for (int i = 0; i < 600; ++i) history.Step();
  auto lock = runner.ReadLock();
  const NetworkModel& m = live->model();
  int cold_with_actions = 0;
  m.meetings.ForEachRow([&](const std::string& id, const auto& row) {
    bool any = false;
    ForEachOpenAction(row, [&](const domain::MeetingAction&) { any = true; });
    cold_with_actions += m.meetings.IsCold(id) && any;
  });
  ASSERT_GE(cold_with_actions, 6) << "the test needs cold meetings with open actions";
  const auto events_read = fault.backend->event_reads();
  const auto events_scanned = fault.backend->scanned_events();
  const ListPage all = ListOpenActions(m, std::nullopt, std::nullopt, "2024-02-15", 0, 1000);
  EXPECT_EQ(fault.backend->event_reads(), events_read);
  EXPECT_EQ(fault.backend->scanned_events(), events_scanned);
  ASSERT_GE(all.total, 12u);
  ASSERT_EQ(all.items.size(), all.total);
  for (std::size_t i = 1; i < all.items.size(); ++i) {
    auto key = [&](std::size_t k) {
      return all.items[k]["due_date"].get<std::string>() + " " + all.items[k]["meeting_id"].get<std::string>();
    };
    EXPECT_LE(key(i - 1), key(i)) << "soonest due first, then by meeting";
  }
  for (const auto& item : all.items) {
    EXPECT_FALSE(item["text"].get<std::string>().empty()) << item.dump();
    EXPECT_FALSE(item["due_date"].get<std::string>().empty()) << item.dump();
  }
  std::vector<nlohmann::json> paged;
  for (std::size_t offset = 0; offset < all.total + 3; offset += 3) {
    ListPage page = ListOpenActions(m, std::nullopt, std::nullopt, "2024-02-15", offset, 3);
    EXPECT_EQ(page.total, all.total);
    EXPECT_LE(page.items.size(), 3u);
    for (auto& item : page.items) paged.push_back(std::move(item));
  }
  EXPECT_EQ(paged, all.items);
  EXPECT_TRUE(ListOpenActions(m, std::nullopt, std::nullopt, "2024-02-15", all.total, 5).items.empty());
  EXPECT_EQ(ListOpenActions(m, std::nullopt, std::nullopt, "2024-02-15", SIZE_MAX, 5).total, all.total);
  ExpectAsFoldedFromTheStart(m, *fault.store);
}

// A cold row's packed part comes from the disk: counts past what is left
// (damaged bytes) read as what is left, so a reader neither loops nor
// allocates for long.
TEST(ColdRowsTest, ADamagedPackedPartIsReadBoundedByItsBytes) {
  const std::string huge_count = "\xff\xff\xff\xff\xff\xff\xff\xff\x7f";  // 2^63 - 1
  domain::MeetingState state;
  for (const std::string& packed : {huge_count, huge_count + std::string(40, 'x'), std::string("\x02") + huge_count,
                                    std::string("\x00") + huge_count + std::string(40, '\x04'),
                                    std::string(2, '\x00') + huge_count + std::string(40, '\x02'),
                                    std::string(2, '\x00') + "\x01\x02x\x02y\x02z\x02w" + huge_count}) {
    std::size_t records = 0, decisions = 0, links = 0, actions = 0, notes = 0;
    ForEachAttendance(state, packed, [&](std::string_view, domain::Attendance) { ++records; });
    ForEachDecision(state, packed, [&](std::string_view, const std::vector<domain::DecisionLink>& l) {
      ++decisions;
      links += l.size();
    });
    ForEachOpenAction(state, packed, [&](const domain::MeetingAction& a) {
      ++actions;
      notes += a.notes.size();
    });
    EXPECT_LE(records, packed.size());
    EXPECT_LE(decisions, packed.size());
    EXPECT_LE(links, packed.size() * packed.size());
    EXPECT_LE(actions, packed.size());
    EXPECT_LE(notes, packed.size() * packed.size());
  }
  // A list whose bytes end before its count does ends there: no empty items
  // made up for the rest (they would sort first in the list of open actions).
  const std::string one_action = "\x02x\x02y\x02z\x02w\x01\x02n";  // id x, text y, owner z, due w, note n
  std::size_t actions = 0;
  ForEachOpenAction(state, std::string(2, '\x00') + "\x05" + one_action, [&](const domain::MeetingAction& a) {
    ++actions;
    EXPECT_EQ(a.action_id, "x");
    EXPECT_EQ(a.due_date, "w");
    EXPECT_EQ(a.notes, std::vector<std::string>{"n"});
  });
  EXPECT_EQ(actions, 1u);
  std::size_t records = 0, decisions = 0;
  ForEachAttendance(state, std::string("\x04\x02p\x00", 4), [&](std::string_view person, domain::Attendance) {
    ++records;  // of 4 said
    EXPECT_EQ(person, "p");
  });
  // No records; 3 decisions said, one there: id d, 2 links said, one there (kind 0, id i, no version).
  const std::string one_decision = std::string("\x00\x03\x02", 3) + "d" + std::string("\x02\x00\x02", 3) + "i" +
                                   std::string(1, '\x00');
  ForEachDecision(state, one_decision, [&](std::string_view id, const std::vector<domain::DecisionLink>& links) {
    ++decisions;
    EXPECT_EQ(id, "d");
    EXPECT_EQ(links.size(), 1u);  // of 2 said
  });
  EXPECT_EQ(records, 1u);
  EXPECT_EQ(decisions, 1u);
}

}  // namespace
}  // namespace assure::api
