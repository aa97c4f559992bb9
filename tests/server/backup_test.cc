// Backup and restore (README "Backup and restore"): `assure serve` as a child
// process under a load of acknowledged writes; a backup taken mid-load with
// `assure backup --server`, restored with `assure restore`. Every write
// acknowledged before the backup request was sent must be in the restored
// store, and it must verify. Then the refusals: a non-admin token, a name
// that is a path, a non-empty target, and backups that do not verify.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <thread>

#include "api/auth/token_index.h"
#include "storage/event_store.h"
#include "tests/server/child_process.h"
#include "tests/server/test_client.h"

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;

// A server on `data` with backups in `backups` and no rate limit.
struct ChildServer : ServeChild {
  ChildServer(const fs::path& dir, const fs::path& data, const fs::path& backups)
      : ServeChild(dir, data, R"({"rate_limit":{"enabled":false},"backup_dir":")" + backups.string() + R"("})") {}
};

std::optional<HttpReply> Post(std::uint16_t port, const std::string& target, const std::string& body,
                              const std::string& token) {
  RawConnection c(port);
  if (!c.connected() || !c.Send(BuildRequest("POST", target, body, Bearer(token)))) return std::nullopt;
  return c.Read(std::chrono::milliseconds(60000));
}

// Flips one byte in the middle of a file, writing a new file (the backup's
// table files are hard links of the live store's: never edit them in place).
void FlipByte(const fs::path& file) {
  std::string bytes = Slurp(file);
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() / 2] ^= 0x01;
  fs::remove(file);
  std::ofstream(file, std::ios::binary) << bytes;
}

TEST(BackupTest, BackupUnderWriteLoadRestoresEveryAcknowledgedWriteAndVerifies) {
  ScratchDir dir("assure-backup");
  const std::string bin = ASSURE_BIN;
  const fs::path data = dir.path / "data";
  const fs::path backups = dir.path / "backups";
  ChildServer server(dir.path, data, backups);
  ASSERT_NE(server.port(), 0) << server.log();
  std::string admin = Slurp(data / "first-admin-token");
  ASSERT_FALSE(admin.empty()) << server.log();
  admin.pop_back();

  // Writers: each token the server answers 201 for is a write it acknowledged.
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::string viewer;
  std::atomic<int> other_statuses{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        const std::string body =
            R"({"name":"load )" + std::to_string(t) + "-" + std::to_string(i) + R"(","role":"viewer"})";
        auto r = Post(server.port(), "/api/v1/tokens", body, admin);
        if (!r || r->status != 201) {
          other_statuses++;
          continue;
        }
        std::lock_guard lock(mu);
        acknowledged.push_back(r->Json()["token_id"]);
        if (viewer.empty()) viewer = r->Json()["token"];
      }
    });
  }
  auto acked = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };
  for (int i = 0; i < 6000 && acked() < 40; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::vector<std::string> before;
  {
    std::lock_guard lock(mu);
    before = acknowledged;  // acknowledged before the backup request is sent
  }
  ASSERT_GE(before.size(), 40u) << server.log();
  const fs::path err = dir.path / "backup.err";
  auto [code, out] = RunCommand(bin + " backup --server http://127.0.0.1:" + std::to_string(server.port()) +
                                    " --out mid-load --token " + admin,
                                err);
  ASSERT_EQ(code, 0) << Slurp(err) << server.log();
  EXPECT_NE(out.find("backup " + (backups / "mid-load").string()), std::string::npos) << out;
  // The load goes on after the backup: those writes may or may not be in it.
  for (int i = 0; i < 6000 && acked() < before.size() + 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(other_statuses.load(), 0);

  // The refusals, while the server runs.
  auto as_viewer = Post(server.port(), "/api/v1/admin/backups", R"({"name":"v"})", viewer);
  ASSERT_TRUE(as_viewer.has_value());
  EXPECT_EQ(as_viewer->status, 403);
  for (const std::string name : {"../outside", "/tmp/outside", "a/b", "..", ".hidden", ""}) {
    auto r = Post(server.port(), "/api/v1/admin/backups", nlohmann::json{{"name", name}}.dump(), admin);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 422) << name;
  }
  EXPECT_FALSE(fs::exists(dir.path / "outside"));
  auto again = Post(server.port(), "/api/v1/admin/backups", R"({"name":"mid-load"})", admin);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 409);

  // Restore into a new directory: every write acknowledged before the backup is there.
  const fs::path restored = dir.path / "restored";
  auto [rc, rout] = RunCommand(bin + " restore " + (backups / "mid-load").string() + " --data " + restored.string(),
                               dir.path / "restore.err");
  ASSERT_EQ(rc, 0) << Slurp(dir.path / "restore.err");
  EXPECT_NE(rout.find("events verified"), std::string::npos) << rout;
  EXPECT_TRUE(fs::exists(restored / "signing-key.pem"));
  EXPECT_EQ(Slurp(restored / "signing-key.pem"), Slurp(data / "signing-key.pem"));
  EXPECT_FALSE(fs::exists(restored / "master.key")) << "the master key is never in a backup";
  {
    storage::StoreOptions options;
    options.read_only = true;
    options.create_if_missing = false;
    auto store = storage::OpenRocksStore(restored.string(), options);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auth::TokenIndex index;
    ASSERT_TRUE(index.Attach(**store).ok());
    for (const auto& id : before) EXPECT_TRUE(index.FindById(id).has_value()) << id;
    auto report = (*store)->Verify(1, 0);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_GE((*store)->Head().position, before.size());
  }
  auto [vc, vout] = RunCommand(bin + " verify --data " + restored.string(), dir.path / "verify.err");
  EXPECT_EQ(vc, 0) << vout << Slurp(dir.path / "verify.err");

  // A non-empty target is refused and left as it was.
  auto [nc, nout] = RunCommand(bin + " restore " + (backups / "mid-load").string() + " --data " + restored.string(),
                               dir.path / "nonempty.err");
  EXPECT_EQ(nc, 2);
  EXPECT_NE(Slurp(dir.path / "nonempty.err").find("not empty"), std::string::npos);
  EXPECT_TRUE(fs::exists(restored / "CURRENT"));
}

// Backups that do not verify leave nothing behind and exit 1: a flipped
// byte in a table file, a missing file, a manifest whose head is not the
// log's. The first also with the manifest rewritten to the tampered file's
// digest, so the checks of the copied store (RocksDB's block checksums, the
// chain, the Merkle tree), not the manifest's digest, are what refuse it.
TEST(BackupTest, ATamperedBackupFailsRestoreAndLeavesNothing) {
  ScratchDir dir("assure-backup");
  const std::string bin = ASSURE_BIN;
  const fs::path data = dir.path / "data";
  const fs::path backups = dir.path / "backups";
  {
    ChildServer server(dir.path, data, backups);
    ASSERT_NE(server.port(), 0) << server.log();
    std::string admin = Slurp(data / "first-admin-token");
    admin.pop_back();
    for (int i = 0; i < 30; ++i) {
      auto r = Post(server.port(), "/api/v1/tokens", R"({"name":"t)" + std::to_string(i) + R"(","role":"viewer"})",
                    admin);
      ASSERT_TRUE(r && r->status == 201);
    }
    auto b = Post(server.port(), "/api/v1/admin/backups", R"({"name":"good"})", admin);
    ASSERT_TRUE(b.has_value());
    ASSERT_EQ(b->status, 201) << b->body;
    EXPECT_EQ(b->Json()["head_position"], 31) << b->body;  // the first admin token and 30
    EXPECT_GT(b->Json()["bytes"].get<std::uint64_t>(), 0u);
  }
  const fs::path good = backups / "good";
  auto manifest = nlohmann::json::parse(Slurp(good / "assure-backup.json"));
  // The table file of the events column family is the largest .sst.
  std::string largest_sst;
  std::uint64_t largest = 0;
  for (const auto& f : manifest["files"]) {
    const std::string name = f["name"];
    if (name.ends_with(".sst") && f["bytes"].get<std::uint64_t>() > largest) {
      largest = f["bytes"];
      largest_sst = name;
    }
  }
  ASSERT_FALSE(largest_sst.empty());

  auto restore_fails = [&](const fs::path& backup, const std::string& what) {
    const fs::path target = dir.path / ("restored-" + backup.filename().string());
    auto [code, out] = RunCommand(bin + " restore " + backup.string() + " --data " + target.string(),
                                  dir.path / "restore.err");
    EXPECT_EQ(code, 1) << what << ": " << out << Slurp(dir.path / "restore.err");
    EXPECT_NE(Slurp(dir.path / "restore.err").find("does not verify"), std::string::npos) << what;
    EXPECT_FALSE(fs::exists(target)) << what << ": a failed restore leaves nothing to start";
  };
  auto copy_of = [&](const std::string& name) {
    const fs::path to = dir.path / name;
    fs::copy(good, to, fs::copy_options::recursive);
    return to;
  };

  const fs::path flipped = copy_of("flipped");
  FlipByte(flipped / largest_sst);
  restore_fails(flipped, "a flipped byte");

  const fs::path flipped_rehashed = copy_of("flipped-rehashed");
  FlipByte(flipped_rehashed / largest_sst);
  {
    auto m = manifest;
    auto digest = RunCommand("sha256sum " + (flipped_rehashed / largest_sst).string(), dir.path / "sha.err");
    for (auto& f : m["files"]) {
      if (f["name"] == largest_sst) f["sha256"] = digest.second.substr(0, 64);
    }
    std::ofstream(flipped_rehashed / "assure-backup.json", std::ios::trunc) << m.dump(2);
  }
  restore_fails(flipped_rehashed, "a flipped byte, manifest rewritten to match");

  const fs::path missing = copy_of("missing");
  fs::remove(missing / largest_sst);
  restore_fails(missing, "a missing file");

  const fs::path wrong_head = copy_of("wrong-head");
  {
    auto m = manifest;
    m["head_position"] = 30u;
    std::ofstream(wrong_head / "assure-backup.json", std::ios::trunc) << m.dump(2);
  }
  restore_fails(wrong_head, "a manifest whose head is not the log's");

  // The untouched backup restores.
  auto [code, out] = RunCommand(bin + " restore " + good.string() + " --data " + (dir.path / "ok").string(),
                                dir.path / "ok.err");
  EXPECT_EQ(code, 0) << Slurp(dir.path / "ok.err");
}

}  // namespace
}  // namespace assure::server::testing
