// The network projection keeps its checkpoint with its read model: after
// SaveSnapshots and a restart on the same RocksDB store, Start() restores the
// snapshot and replays only the events after the checkpoint, and the result
// equals a fold of the whole log. A damaged snapshot is refused, so the
// runner rebuilds instead of serving a wrong model.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <sstream>
#include <thread>

#include "tests/api/random_history.h"
#include "tests/api/snapshot_parts.h"
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
class CountingProjection final : public testing::TextSnapshotProjection {
 public:
  std::string Name() const override { return "counting"; }
  Status Apply(const storage::RecordedEvent&, const EventView&) override {
    ++applied;
    return {};
  }
  std::string SnapshotText() const override { return {}; }
  Status RestoreWhole(std::string_view) override { return {}; }
  Status Reset() override { return {}; }
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
    const auto saved = testing::StoredSnapshot(*store, "network");
    auto checkpoint = store->GetState("proj/checkpoint");
    ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
    const std::uint64_t at = storage::GetU64((*checkpoint)->data());
    checkpoints.insert(at);
    NetworkProjection restored;
    ASSERT_TRUE(testing::RestoreFrom(restored, saved).ok());
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
  EXPECT_TRUE(testing::RestoreFrom(restored, testing::StoredSnapshot(*store, "network")).ok());
}

// A model larger than a part: each table's rows are cut at row ends into
// parts of about kSnapshotPartBytes (the first row past it ends one), the
// tables' parts numbered on from one to the next; it restores whole. (The
// large table is restored from rows made here: folding 16,000 events would
// take minutes under the sanitizers.)
TEST(NetworkSnapshotTest, ALargeTableIsSavedInPartsCutAtRowEndsAndRestoresWhole) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 41);
  for (int i = 0; i < 300; ++i) history.Step();
  testing::SnapshotInMemory small = testing::SnapshotNow(*network);
  // The organisations' line and parts replaced by 16,000 rows of some 360
  // bytes in one part, made from the first row.
  const std::size_t line = small.text.find("\norganisations ") + 1, end = small.text.find('\n', line) + 1;
  std::istringstream fields(small.text.substr(line, end - line));
  std::string name;
  std::uint64_t rows = 0, bytes = 0, parts = 0;
  fields >> name >> rows >> bytes >> parts;
  ASSERT_GE(parts, 1u);
  json row = json::parse(small.parts[0].substr(0, small.parts[0].find('\n')));
  std::string big;
  for (int i = 0; i < 16'000; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "big%05d", i);
    row["id"] = id;
    row["state"]["name"] = std::string(280, 'n') + id;
    big += row.dump() + "\n";
  }
  testing::SnapshotInMemory large;
  large.text = small.text.substr(0, line) + "organisations 16000 " + std::to_string(big.size()) + " 1\n" + small.text.substr(end);
  large.parts.push_back(big);
  large.parts.insert(large.parts.end(), small.parts.begin() + static_cast<std::ptrdiff_t>(parts), small.parts.end());
  NetworkProjection model;
  ASSERT_TRUE(testing::RestoreFrom(model, large).ok());
  ASSERT_EQ(model.Snapshot()["organisations"].size(), 16'000u);

  const auto saved = testing::SnapshotNow(model);
  std::istringstream lines(saved.text);
  std::string header;
  std::getline(lines, header);
  std::size_t next = 0;
  std::uint64_t organisation_parts = 0;
  for (std::string table; std::getline(lines, table);) {
    std::istringstream f(table);
    f >> name >> rows >> bytes >> parts;
    if (name == "organisations") organisation_parts = parts;
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < parts; ++i, ++next) {
      ASSERT_LT(next, saved.parts.size()) << name;
      const std::string& part = saved.parts[next];
      sum += part.size();
      ASSERT_FALSE(part.empty()) << name;
      EXPECT_EQ(part.back(), '\n') << name << " part " << next << ": cut at a row's end";
      const std::size_t last_row = part.size() < 2 ? 0 : part.rfind('\n', part.size() - 2) + 1;
      EXPECT_LT(last_row, kSnapshotPartBytes) << name << " part " << next << ": one row past the size ends it";
    }
    EXPECT_EQ(sum, bytes) << name;
  }
  EXPECT_EQ(next, saved.parts.size());
  EXPECT_GE(organisation_parts, 5u) << big.size() << " bytes of organisations";
  NetworkProjection restored;
  ASSERT_TRUE(testing::RestoreFrom(restored, saved).ok());
  EXPECT_EQ(restored.Snapshot(), model.Snapshot());
}

TEST(NetworkSnapshotTest, ADamagedSnapshotIsRefusedAndTheModelKept) {
  auto store = storage::NewMemoryStore();
  auto network = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store, {network});
  ASSERT_TRUE(runner.Start().ok());
  History history(*store, 3);
  for (int i = 0; i < 400; ++i) history.Step();
  const json good = network->Snapshot();
  const testing::SnapshotInMemory snap = testing::SnapshotNow(*network);
  const std::string& text = snap.text;
  ASSERT_FALSE(good["deliverables"].empty());
  ASSERT_FALSE(good["meetings"].empty());
  ASSERT_FALSE(good["risks"].empty());
  ASSERT_TRUE(text.starts_with("assure-network-snapshot 9 " + std::to_string(runner.position()) + "\n"));
  ASSERT_FALSE(snap.parts.empty());

  NetworkProjection other;
  ASSERT_TRUE(testing::RestoreFrom(other, snap).ok());
  EXPECT_EQ(other.Snapshot(), good);
  EXPECT_EQ(other.model().ToJson(), network->model().ToJson());
  const testing::SnapshotInMemory again = testing::SnapshotNow(other);
  EXPECT_EQ(again.text, text);
  EXPECT_EQ(again.parts, snap.parts);

  auto refused_snapshot = [&](const testing::SnapshotInMemory& bad, const std::string& why) {
    Status s = testing::RestoreFrom(other, bad);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_EQ(s.error().code, ErrorCode::kCorruption) << why;
    EXPECT_EQ(other.Snapshot(), good) << why << ": a refused restore changed the model";
  };
  auto refused = [&](const std::string& bad_text, const std::string& why) {
    refused_snapshot({bad_text, snap.parts}, why);
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
  refused(replaced(text, "snapshot 9 ", "snapshot 10 "), "a newer format");
  refused(replaced(text, "snapshot 9 ", "snapshot 8 "), "format 8 (cold rows of layout 0x01)");
  refused(replaced(text, "snapshot 9 ", "snapshot 7 "), "format 7 (open actions in a cold row's state)");
  refused(replaced(text, "snapshot 9 ", "snapshot 6 "), "format 6 (slim meetings without their open actions)");
  refused(replaced(text, "snapshot 9 ", "snapshot 5 "), "format 5 (cold rows in the snapshot)");
  refused(replaced(text, "snapshot 9 ", "snapshot 4 "), "format 4 (every row in the text)");
  refused(replaced(text, "snapshot 9 ", "snapshot 3 "), "format 3 (no risk register)");
  refused(text + "x", "bytes after the last table");
  refused(text + "\n", "a blank line after the last table");
  // Cut anywhere: inside the header or a table's line.
  for (std::size_t cut = 0; cut < text.size(); cut += 7) refused(text.substr(0, cut), "cut at " + std::to_string(cut));
  // Each table's line "<name> <rows> <bytes> <parts>": left out, misnamed,
  // or with any of its numbers one more than written.
  for (const char* table : {"organisations", "people", "groups", "programmes", "deliverables", "meetings",
                            "documents", "qsin", "risks", "issues", "escalations"}) {
    const std::size_t line = text.find(std::string("\n") + table + " ") + 1;
    ASSERT_GT(line, 0u) << table;
    const std::size_t end = text.find('\n', line) + 1;
    refused(text.substr(0, line) + text.substr(end), std::string("no ") + table);
    std::string wrong = text;
    wrong.replace(line, std::string_view(table).size(), "tables");
    refused(wrong, std::string(table) + " misnamed");
    std::istringstream numbers(text.substr(line + std::string_view(table).size(), end - line));
    std::uint64_t rows = 0, bytes = 0, parts = 0;
    numbers >> rows >> bytes >> parts;
    if (parts == 0) continue;
    auto with = [&](std::uint64_t r, std::uint64_t b, std::uint64_t n) {
      std::string t = text;
      return t.replace(line, end - line,
                       std::string(table) + " " + std::to_string(r) + " " + std::to_string(b) + " " +
                           std::to_string(n) + "\n");
    };
    refused(with(rows + 1, bytes, parts), std::string(table) + ": a row more than written");
    refused(with(rows, bytes + 1, parts), std::string(table) + ": a byte more than written");
    refused(with(rows, bytes - 1, parts), std::string(table) + ": a byte fewer than written");
    refused(with(rows, bytes, parts + 1), std::string(table) + ": a part more than written");
    refused(with(rows, bytes, 0), std::string(table) + ": bytes in no part");
    refused(with(rows, bytes, UINT64_MAX), std::string(table) + ": a part count that wraps");
  }
  // The parts: one missing, cut short, or with a row damaged or out of order.
  for (std::size_t i = 0; i < snap.parts.size(); ++i) {
    testing::SnapshotInMemory bad = snap;
    bad.parts.resize(i);
    refused_snapshot(bad, "only " + std::to_string(i) + " parts");
    bad = snap;
    bad.parts[i].pop_back();
    refused_snapshot(bad, "part " + std::to_string(i) + " cut short");
  }
  // A part of two rows or more, and the text with its table's length
  // changed by `delta` (so that only the rows themselves are wrong).
  std::size_t two_rows = 0;
  while (two_rows < snap.parts.size() && std::count(snap.parts[two_rows].begin(), snap.parts[two_rows].end(), '\n') < 2) {
    ++two_rows;
  }
  ASSERT_LT(two_rows, snap.parts.size()) << "a part must hold two rows";
  auto text_with_length_changed = [&](std::size_t part, std::int64_t delta) {
    std::istringstream lines(text);
    std::string line, out;
    std::getline(lines, line);
    out = line + "\n";
    std::uint64_t first = 0;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string name;
      std::uint64_t rows = 0, bytes = 0, parts = 0;
      fields >> name >> rows >> bytes >> parts;
      if (part >= first && part < first + parts) bytes = static_cast<std::uint64_t>(static_cast<std::int64_t>(bytes) + delta);
      first += parts;
      out += name + " " + std::to_string(rows) + " " + std::to_string(bytes) + " " + std::to_string(parts) + "\n";
    }
    return out;
  };
  ASSERT_EQ(text_with_length_changed(two_rows, 0), text);
  {
    testing::SnapshotInMemory bad = snap;
    std::string& part = bad.parts[two_rows];
    part = replaced(part, "\"version\":", "\"version\":\"1\",\"x\":");
    bad.text = text_with_length_changed(two_rows, static_cast<std::int64_t>(part.size() - snap.parts[two_rows].size()));
    refused_snapshot(bad, "a version that is not a count");
    bad.parts[two_rows] = snap.parts[two_rows];
    refused_snapshot(bad, "the length of the part before it was damaged, ");
  }
  {
    // Two rows of one part swapped: ids out of order (lengths unchanged).
    testing::SnapshotInMemory bad = snap;
    std::string& part = bad.parts[two_rows];
    const std::size_t b = part.find('\n') + 1, c = part.find('\n', b) + 1;
    part.replace(0, c, part.substr(b, c - b) + part.substr(0, b));
    ASSERT_NE(part, snap.parts[two_rows]);
    refused_snapshot(bad, "rows out of order");
  }

  // The runner treats a refused restore (here format 2, which an older
  // server wrote, or a text cut short) as "rebuild from the log".
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
  // So does a saved text whose part is damaged in the store.
  ASSERT_TRUE(runner.SaveSnapshots().ok());
  auto slot = store->GetState("proj/snapshot-slot");
  ASSERT_TRUE(slot.ok() && slot->has_value());
  for (const std::string damage : {"", "x\n"}) {
    ASSERT_TRUE(store->PutState({{"proj/snapshot-part/network/" + **slot + "/0000000002", damage},
                                 {"proj/snapshot/counting", "{}"}})
                    .ok());
    auto restarted = std::make_shared<NetworkProjection>();
    auto counting = std::make_shared<CountingProjection>();
    ProjectionRunner again(*store, {restarted, counting});
    ASSERT_TRUE(again.Start().ok());
    EXPECT_EQ(counting->applied, static_cast<int>(Head(*store))) << "part 2 damaged: '" << damage << "'";
    EXPECT_EQ(restarted->Snapshot(), good);
  }
}

}  // namespace
}  // namespace assure::api
