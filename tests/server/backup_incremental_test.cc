// Incremental backups (issue 21; api/backup/backup.h): a backup shares every
// file that the newest earlier backup in the same root holds unchanged (hard
// links), on the store's file system or another one (/dev/shm here when it
// is a file system of its own), and each backup restores and verifies alone.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "api/backup/backup.h"
#include "storage/event_store.h"
#include "tests/server/child_process.h"

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;

ino_t Inode(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

dev_t Device(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_dev : 0;
}

void Append(storage::EventStore& store, int from, int to) {
  for (int i = from; i < to; ++i) {
    storage::ProposedEvent pe;
    pe.type = "Noted";
    pe.data = R"({"n":)" + std::to_string(i) + "}";
    ASSERT_TRUE(store.Append("s-" + std::to_string(i % 5), storage::ExpectedVersion::Any(), {pe}).ok());
  }
}

void ExpectIncremental(const fs::path& data, const fs::path& root, bool other_file_system) {
  std::unique_ptr<storage::EventStore> store;
  {
    auto opened = storage::OpenRocksStore(data.string());
    ASSERT_TRUE(opened.ok());
    store = std::move(opened).value();
  }
  Append(*store, 0, 200);
  auto first = api::backup::TakeBackup(*store, data.string(), (root / "b1").string(), 1);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->shared_files, 0u);
  Append(*store, 200, 400);
  auto second = api::backup::TakeBackup(*store, data.string(), (root / "b2").string(), 2);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_GT(second->shared_files, 0u);
  EXPECT_LT(second->shared_files, second->files.size()) << "the new table files are written";
  std::size_t same = 0;
  for (const auto& f : second->files) {
    if (!f.name.ends_with(".sst") || !fs::exists(root / "b1" / f.name)) continue;
    EXPECT_EQ(Inode(root / "b1" / f.name), Inode(root / "b2" / f.name)) << f.name;
    if (other_file_system) {
      EXPECT_NE(Inode(root / "b2" / f.name), Inode(data / f.name)) << "a copy, not the store's file";
    }
    ++same;
  }
  EXPECT_GT(same, 0u);
  for (const auto& e : fs::directory_iterator(data)) {
    EXPECT_FALSE(e.path().filename().string().starts_with(".backup-staging")) << "the staging area is removed";
  }
  store.reset();
  for (const char* b : {"b1", "b2"}) {
    auto restored = api::backup::Restore((root / b).string(), (root / (std::string("r-") + b)).string());
    ASSERT_TRUE(restored.ok()) << b << ": " << restored.error().message;
  }
  auto r2 = api::backup::Restore((root / "b2").string(), (root / "r-b2-again").string());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->events_verified, 400u);
}

TEST(BackupIncrementalTest, ASecondBackupSharesTheUnchangedFilesOfTheFirst) {
  ScratchDir dir("assure-backup-incremental");
  ExpectIncremental(dir.path / "data", dir.path / "backups", false);
}

TEST(BackupIncrementalTest, OnAnotherFileSystemTheFilesAreCopiedOnceAndThenShared) {
  ScratchDir dir("assure-backup-incremental-fs");
  const fs::path root = fs::path("/dev/shm") / ("assure-backups-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(root, ec);
  // Where /dev/shm is not a file system of its own, this is the same test
  // on one file system (the sharing is asserted either way).
  const bool other = !ec && Device(root) != Device(dir.path);
  ExpectIncremental(dir.path / "data", ec ? dir.path / "backups" : root, other);
  fs::remove_all(root, ec);
}

}  // namespace
}  // namespace assure::server::testing
