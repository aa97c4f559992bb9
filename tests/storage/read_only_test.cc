// Opening a store read-only (StoreOptions::read_only): an archived copy or a
// store on read-only media is read whole and not one byte of its directory
// changes; writes are refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage::read_only_test {
namespace {

using testing::One;
using testing::TempDir;

// Every file under `dir`, by relative path, with its bytes.
std::map<std::string, std::string> Contents(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    out[std::filesystem::relative(e.path(), dir).string()] = s.str();
  }
  return out;
}

// The files added, removed or changed between two Contents (empty when none).
std::string Changed(const std::map<std::string, std::string>& a,
                    const std::map<std::string, std::string>& b) {
  std::string out;
  for (const auto& [name, bytes] : a) {
    auto it = b.find(name);
    if (it == b.end()) out += " removed " + name;
    else if (it->second != bytes) out += " changed " + name;
  }
  for (const auto& [name, _] : b) {
    if (!a.count(name)) out += " added " + name;
  }
  return out;
}

StoreOptions ReadOnly() {
  StoreOptions o;
  o.read_only = true;
  return o;
}

TEST(ReadOnlyTest, ReadsEverythingAcknowledgedAndWritesNothing) {
  TempDir dir;
  const std::string db = dir.sub("db");
  LogHead head;
  Hash256 blob{};
  {
    auto store = OpenRocksStore(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE((*store)->Append("s", ExpectedVersion::Any(), One("E", R"({"i":1})")).ok());
    }
    ASSERT_TRUE((*store)->PutState({{"k", "v"}}).ok());
    blob = *(*store)->PutBlob("document bytes");
    head = (*store)->Head();
  }  // closed with its last commits in the write-ahead log only
  const auto before = Contents(db);

  {
    auto store = OpenRocksStore(db, ReadOnly());
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ((*store)->Head().position, head.position);
    EXPECT_EQ((*store)->Head().hash, head.hash);
    auto events = (*store)->ReadStream("s", 0, Direction::kForwards, 100);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 20u);
    auto report = (*store)->Verify(0, 0);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_EQ(**(*store)->GetState("k"), "v");
    EXPECT_EQ(**(*store)->GetBlob(blob), "document bytes");
    EXPECT_TRUE((*store)->MerkleRoot(head.position).ok());

    auto append = (*store)->Append("s", ExpectedVersion::Any(), One("E"));
    ASSERT_FALSE(append.ok());
    EXPECT_EQ(append.error().code, ErrorCode::kWritesSuspended);
    EXPECT_NE(append.error().message.find("read-only"), std::string::npos) << append.error().message;
    auto put = (*store)->PutState({{"k", "w"}});
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
    EXPECT_FALSE((*store)->PutBlob("other bytes").ok());
    EXPECT_EQ((*store)->Head().position, head.position) << "a refused append moved the head";
    auto again = (*store)->Append("s", ExpectedVersion::Any(), One("E"));  // no resume either
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("read-only"), std::string::npos) << again.error().message;
  }
  // A read-write open would have rotated the info log, written a new
  // MANIFEST and flushed the write-ahead log; a read-only one writes nothing.
  EXPECT_EQ(Changed(before, Contents(db)), "");

  auto again = OpenRocksStore(db);  // and the store is still whole for a writer
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->Head().hash, head.hash);
}

TEST(ReadOnlyTest, AMissingStoreIsNotFoundAndNothingIsCreated) {
  TempDir dir;
  StoreOptions o = ReadOnly();
  o.create_if_missing = true;  // read_only wins
  auto store = OpenRocksStore(dir.sub("db"), o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("db")));
}

// RocksDB's read-only instance is undefined while a read-write one changes
// the files, so a store whose lock another process holds is refused.
TEST(ReadOnlyTest, AStoreInUseByAnotherProcessIsRefused) {
  TempDir dir;
  const std::string db = dir.sub("db");
  { ASSERT_TRUE(OpenRocksStore(db).ok()); }
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const std::string lock = db + "/LOCK";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // holds the lock as RocksDB does (fcntl F_SETLK, F_WRLCK)
    ::close(release[1]);  // so that the parent's close is seen as end of file
    const int fd = ::open(lock.c_str(), O_RDWR);
    struct flock f {};
    f.l_type = F_WRLCK;
    f.l_whence = SEEK_SET;
    const char ok = fd >= 0 && ::fcntl(fd, F_SETLK, &f) == 0 ? 'y' : 'n';
    (void)!::write(ready[1], &ok, 1);
    char c;
    (void)!::read(release[0], &c, 1);
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');
  auto store = OpenRocksStore(db, ReadOnly());
  ::close(release[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  for (int fd : {ready[0], ready[1], release[0]}) ::close(fd);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message.find("in use"), std::string::npos) << store.error().message;
  EXPECT_TRUE(OpenRocksStore(db, ReadOnly()).ok()) << "once the lock is released";
}

}  // namespace
}  // namespace assure::storage::read_only_test
