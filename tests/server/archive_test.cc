// The archivist's export and its re-import (issue 21; api/backup/archive.h,
// storage/FORMAT.md section 9): an archive re-imports into a fresh store with
// the same head and Merkle root, documents, checkpoints and keys; an edited or
// shortened archive is refused and leaves nothing behind; the CLI round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "api/audit/checkpoint.h"
#include "api/audit/signer.h"
#include "api/backup/archive.h"
#include "api/backup/file_digest.h"
#include "storage/event_store.h"
#include "tests/server/child_process.h"

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A store with events of two streams (one naming a document's content by
// its SHA-256), a published checkpoint and a data key in the state area.
void Fill(storage::EventStore& store, const api::Signer& signer) {
  auto blob = store.PutBlob("the terms of reference, version 1");
  ASSERT_TRUE(blob.ok());
  for (int i = 0; i < 30; ++i) {
    storage::ProposedEvent pe;
    pe.type = i == 7 ? "ControlledDocumentDraftAdded" : "DeliverableRagbChanged";
    pe.data = i == 7 ? json{{"content_sha256", storage::HexEncode(*blob)}, {"version", "1.0"}}.dump()
                     : json{{"ragb", i % 2 ? "Red" : "Green"}, {"n", i}}.dump();
    pe.metadata.actor = "person-p1";
    pe.metadata.reason = "review \"" + std::to_string(i) + "\"\n";
    const std::string stream = i % 3 ? "deliverable-d1" : "document-c1";
    auto appended = store.Append(stream, storage::ExpectedVersion::Any(), {pe});
    ASSERT_TRUE(appended.ok()) << appended.error().message;
    if (i == 19) {
      api::CheckpointLog log(store, signer);
      ASSERT_TRUE(log.Publish(1'700'000'000'000'000, "on demand").ok());
    }
  }
  ASSERT_TRUE(store.PutState({{"pdk/p1", std::string("\x01wrapped-key-bytes\x00\xff", 20)}}).ok());
}

std::vector<storage::RecordedEvent> AllEvents(storage::EventStore& store) {
  auto page = store.ReadAll(1, 1000);
  EXPECT_TRUE(page.ok());
  return page.ok() ? page->events : std::vector<storage::RecordedEvent>{};
}

// Rewrites a file of the archive and its manifest entry, as someone editing
// the archive would (so the manifest's own digests no longer catch it).
void Rewrite(const fs::path& archive, const std::string& name, const std::string& bytes) {
  { std::ofstream(archive / name, std::ios::binary | std::ios::trunc) << bytes; }
  json m = json::parse(Slurp(archive / "manifest.json"));
  auto d = api::backup::FileDigest(archive / name);
  ASSERT_TRUE(d.ok());
  for (auto& f : m["files"]) {
    if (f["name"] == name) {
      f["bytes"] = d->bytes;
      f["sha256"] = d->sha256;
    }
  }
  std::ofstream(archive / "manifest.json", std::ios::trunc) << m.dump(2);
}

TEST(ArchiveTest, AnArchiveReImportsToTheSameHeadAndRootWithItsDocumentsCheckpointsAndKeys) {
  ScratchDir dir("assure-archive");
  auto signer = api::Signer::Generate();
  std::vector<storage::RecordedEvent> original;
  storage::LogHead head;
  {
    auto store = storage::OpenRocksStore((dir.path / "data").string());
    ASSERT_TRUE(store.ok());
    Fill(**store, *signer);
    original = AllEvents(**store);
    head = (**store).Head();
    api::backup::ArchiveOptions options;
    options.now_us = 1'800'000'000'000'000;
    auto written = api::backup::WriteArchive(**store, (dir.path / "archive").string(), options);
    ASSERT_TRUE(written.ok()) << written.error().message;
    EXPECT_EQ(written->events, 30u);
    EXPECT_EQ(written->documents, 1u);
    EXPECT_EQ(written->checkpoints, 1u);
    EXPECT_EQ(written->keys, 1u);
  }
  EXPECT_FALSE(fs::exists(dir.path / "archive.partial"));
  for (const char* f : {"README.md", "manifest.json", "events.jsonl", "checkpoints.jsonl", "keys.jsonl"}) {
    EXPECT_TRUE(fs::exists(dir.path / "archive" / f)) << f;
  }
  auto imported = api::backup::ImportArchive((dir.path / "archive").string(), (dir.path / "copy").string());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->events, 30u);

  auto copy = storage::OpenRocksStore((dir.path / "copy").string());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((**copy).Head().position, head.position);
  EXPECT_EQ((**copy).Head().hash, head.hash);
  const auto events = AllEvents(**copy);
  ASSERT_EQ(events.size(), original.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event_id, original[i].event_id);
    EXPECT_EQ(events[i].recorded_at_us, original[i].recorded_at_us);
    EXPECT_EQ(events[i].metadata.reason, original[i].metadata.reason);
    EXPECT_EQ(events[i].data, original[i].data);
    EXPECT_EQ(events[i].hash, original[i].hash);
  }
  auto blob = (**copy).GetBlob(*storage::HexDecodeHash(json::parse(original[7].data)["content_sha256"].get<std::string>()));
  ASSERT_TRUE(blob.ok() && blob->has_value());
  EXPECT_EQ(**blob, "the terms of reference, version 1");
  auto checkpoints = api::ListCheckpoints(**copy);
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 1u);
  EXPECT_EQ((*checkpoints)[0].tree_size, 20u);
  EXPECT_TRUE(api::VerifyCheckpointSignature((*checkpoints)[0], signer->public_key_raw()));
  auto key = (**copy).GetState("pdk/p1");
  ASSERT_TRUE(key.ok() && key->has_value());
  EXPECT_EQ(**key, std::string("\x01wrapped-key-bytes\x00\xff", 20));
  // Only into an empty directory.
  auto again = api::backup::ImportArchive((dir.path / "archive").string(), (dir.path / "copy").string());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST(ArchiveTest, AnEditedOrShortenedArchiveIsRefusedAndLeavesNothingBehind) {
  ScratchDir dir("assure-archive-tamper");
  auto signer = api::Signer::Generate();
  {
    auto store = storage::OpenRocksStore((dir.path / "data").string());
    ASSERT_TRUE(store.ok());
    Fill(**store, *signer);
    ASSERT_TRUE(api::backup::WriteArchive(**store, (dir.path / "archive").string(), {}).ok());
  }
  const fs::path archive = dir.path / "archive";
  const std::string events = Slurp(archive / "events.jsonl");
  struct Case {
    const char* what;
    std::string file;
    std::string bytes;
    std::string says;
  };
  std::string edited = events;
  edited.replace(edited.find("\"Red\""), 5, "\"Grn\"");
  std::string shortened = events.substr(0, events.rfind('\n', events.size() - 2) + 1);
  std::string checkpoint = Slurp(archive / "checkpoints.jsonl");
  checkpoint.replace(checkpoint.find("\"tree_size\":20"), 14, "\"tree_size\":21");
  const std::vector<Case> cases = {
      {"a rating edited", "events.jsonl", edited, "line 2 of events.jsonl"},
      {"the last event dropped", "events.jsonl", shortened, "head"},
      {"a checkpoint moved to another size", "checkpoints.jsonl", checkpoint, "tree size 21"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    fs::remove_all(dir.path / "bad");
    fs::copy(archive, dir.path / "bad", fs::copy_options::recursive);
    Rewrite(dir.path / "bad", c.file, c.bytes);
    const fs::path target = dir.path / ("copy-" + std::to_string(&c - cases.data()));
    auto r = api::backup::ImportArchive((dir.path / "bad").string(), target.string());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
    EXPECT_FALSE(fs::exists(target));
  }
  // A member of the wrong type is refused, not a crash, and leaves nothing.
  {
    fs::remove_all(dir.path / "bad");
    fs::copy(archive, dir.path / "bad", fs::copy_options::recursive);
    Rewrite(dir.path / "bad", "keys.jsonl", "{\"key\":\"pdk/p1\",\"value_hex\":5}\n");
    auto r = api::backup::ImportArchive((dir.path / "bad").string(), (dir.path / "copy-type").string());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kCorruption) << r.error().message;
    EXPECT_FALSE(fs::exists(dir.path / "copy-type"));
  }
  // A file changed without its manifest entry is named too.
  fs::remove_all(dir.path / "bad");
  fs::copy(archive, dir.path / "bad", fs::copy_options::recursive);
  { std::ofstream(dir.path / "bad" / "events.jsonl", std::ios::app) << "\n"; }
  auto r = api::backup::ImportArchive((dir.path / "bad").string(), (dir.path / "copy-x").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("events.jsonl is not the file the manifest names"), std::string::npos)
      << r.error().message;
}

// The commands an archivist's colleague runs; the re-imported store opens
// its personal data with the original master key.
TEST(ArchiveTest, TheCommandsExportAndImportAndTheNamesOpenWithTheMasterKey) {
  ScratchDir dir("assure-archive-cli");
  const std::string bin = ASSURE_BIN;
  const auto data = dir.path / "data";
  const auto err = dir.path / "err";
  auto [imported, _] = RunCommand(bin + " import " + ASSURE_STRATEGY_MD + " --data " + data.string(), err);
  ASSERT_EQ(imported, 0) << Slurp(err);
  {
    // The server's first start makes the store's master key (no other command does).
    ServeChild first(dir.path, data, "");
    ASSERT_NE(first.port(), 0) << first.log();
    ASSERT_EQ(first.Stop(), 0) << first.log();
  }
  auto [token, __] = RunCommand(bin + " token create --role viewer --name 'Archive kiosk' --data " + data.string(), err);
  ASSERT_EQ(token, 0) << Slurp(err);
  // From a backup's directory, as while the server runs (the store itself is then locked).
  auto [backed_up, ____b] = RunCommand(bin + " backup --data " + data.string() + " --out " + (dir.path / "bk").string(), err);
  ASSERT_EQ(backed_up, 0) << Slurp(err);
  auto [exported, out] = RunCommand(bin + " archive export --out " + (dir.path / "a").string() + " --data " +
                                        (dir.path / "bk").string(), err);
  ASSERT_EQ(exported, 0) << Slurp(err);
  EXPECT_NE(out.find("archived "), std::string::npos) << out;
  auto [again, ___] = RunCommand(bin + " archive import " + (dir.path / "a").string() + " --data " + (dir.path / "b").string(), err);
  ASSERT_EQ(again, 0) << Slurp(err);
  auto [listed, list] = RunCommand("ASSURE_MASTER_KEY_FILE=" + (data / "master.key").string() + " " + bin +
                                       " token list --data " + (dir.path / "b").string(), err);
  ASSERT_EQ(listed, 0) << Slurp(err);
  EXPECT_NE(list.find("Archive kiosk"), std::string::npos) << list;
  auto [verified, said] = RunCommand(bin + " verify --data " + (dir.path / "b").string(), err);
  EXPECT_EQ(verified, 0) << Slurp(err);
  auto [bad, ____] = RunCommand(bin + " archive import " + (dir.path / "missing").string() + " --data " + (dir.path / "c").string(), err);
  EXPECT_EQ(bad, 2);
}

}  // namespace
}  // namespace assure::server::testing
