// Opening and reopening the RocksDB store.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "storage/codec.h"
#include "storage/event_store.h"
#include "tests/storage/raw_rocks.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::Ev;
using testing::RawRocks;
using testing::One;
using testing::TempDir;

TEST(OpenTest, PositionsVersionsChainAndIdempotencySurviveReopen) {
  TempDir dir;
  const std::string db = dir.sub("nested/db");  // missing parents are created
  const std::string id = "66666666-6666-4666-8666-666666666666";
  LogHead head;
  AppendResult original;
  {
    auto store = OpenRocksStore(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->Append("a", ExpectedVersion::Any(), {Ev("A"), Ev("B")}).ok());
    original = *(*store)->Append("b", ExpectedVersion::NoStream(), One("C", R"({"k":1})", id));
    head = (*store)->Head();
  }
  auto store = OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Head().position, head.position);
  EXPECT_EQ((*store)->Head().hash, head.hash);
  auto retry = (*store)->Append("b", ExpectedVersion::NoStream(), One("C", R"({"k":1})", id));
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_TRUE(retry->idempotent_replay);
  EXPECT_EQ(retry->first_position, original.first_position);
  auto next = (*store)->Append("a", ExpectedVersion::Exact(1), One("D"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first_position, 4u);
  EXPECT_EQ(next->stream_version, 2u);
  auto v = (*store)->Verify(0, 0);
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checked, 4u);
}

// A clean close flushes the memtables, so the next open has no write-ahead
// log to replay (replaying one took seconds before a server could listen).
TEST(OpenTest, ACleanCloseLeavesNoWriteAheadLogToReplay) {
  TempDir dir;
  const std::string db = dir.sub("db");
  auto wal_bytes = [&] {
    std::uintmax_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(db)) {
      if (e.path().extension() == ".log") n += e.file_size();
    }
    return n;
  };
  {
    auto store = OpenRocksStore(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int i = 0; i < 50; ++i) ASSERT_TRUE((*store)->Append("s", ExpectedVersion::Any(), One("A")).ok());
    ASSERT_TRUE((*store)->PutState({{"k", "v"}}).ok());
    EXPECT_GT(wal_bytes(), 0u) << "the writes are in the WAL while the store is open";
  }
  EXPECT_EQ(wal_bytes(), 0u);
  auto store = OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Head().position, 50u);
  EXPECT_EQ((*store)->GetState("k")->value_or(""), "v");
}

// With partitioned_index, the tables written from then on keep their index
// (and filters) in partitions; tables written before are read as they are,
// and a later open without it reads both.
TEST(OpenTest, PartitionedIndexAppliesToTablesWrittenFromThenOnAndOldTablesStayReadable) {
  TempDir dir;
  const std::string db = dir.sub("db");
  auto partitions_by_table = [&](const char* cf) {
    std::vector<std::uint64_t> out;
    RawRocks raw(db, RawRocks::Mode::kReadOnly);
    for (const auto& [file, p] : raw.Tables(cf)) out.push_back(p->index_partitions);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto append = [&](bool partitioned, const std::string& stream, int n) {
    StoreOptions o;
    o.partitioned_index = partitioned;
    auto store = OpenRocksStore(db, o);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (int i = 0; i < n; ++i) ASSERT_TRUE((*store)->Append(stream, ExpectedVersion::Any(), One("A")).ok());
  };  // a clean close flushes every column family into a table
  append(false, "before", 40);
  EXPECT_EQ(partitions_by_table("events"), std::vector<std::uint64_t>{0});
  EXPECT_EQ(partitions_by_table("event_ids"), std::vector<std::uint64_t>{0});
  append(true, "after", 40);
  auto events = partitions_by_table("events");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], 0u) << "the table written before is left as it was";
  EXPECT_GE(events[1], 1u) << "the new table's index is partitioned";
  EXPECT_GE(partitions_by_table("event_ids").back(), 1u);

  StoreOptions plain;
  plain.partitioned_index = false;
  auto store = OpenRocksStore(db, plain);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->Head().position, 80u);
  for (const char* stream : {"before", "after"}) {
    auto read = (*store)->ReadStream(stream, 0, Direction::kForwards, 100);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->size(), 40u) << stream;
  }
  auto v = (*store)->Verify(0, 0);
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checked, 80u);
}

TEST(OpenTest, ANonEmptyDirectoryThatIsNotAStoreIsRefused) {
  TempDir dir;
  std::ofstream(dir.sub("notes.txt")) << "hello";
  auto store = OpenRocksStore(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not an Assure store"), std::string::npos);
}

TEST(OpenTest, WithoutCreateIfMissingAMissingStoreIsNotFound) {
  TempDir dir;
  StoreOptions o;
  o.create_if_missing = false;
  auto store = OpenRocksStore(dir.sub("db"), o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("db")));
}

TEST(OpenTest, AFileIsRefused) {
  TempDir dir;
  std::ofstream(dir.sub("file")) << "x";
  auto store = OpenRocksStore(dir.sub("file"));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not a directory"), std::string::npos);
}

TEST(OpenTest, AnotherRocksDbIsRefused) {
  TempDir dir;
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir.sub("other"), &raw).ok());
    delete raw;
  }
  auto store = OpenRocksStore(dir.sub("other"));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not an Assure store"), std::string::npos)
      << store.error().message;
}

TEST(OpenTest, ANewerFormatVersionIsRefused) {
  TempDir dir;
  const std::string db = dir.sub("db");
  { ASSERT_TRUE(OpenRocksStore(db).ok()); }
  {
    testing::RawRocks raw(db);
    std::string v;
    PutU32(v, kFormatVersion + 1);
    ASSERT_TRUE(raw.db()->Put({}, raw.cf("default"), "format_version", v).ok());
  }
  auto store = OpenRocksStore(db);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

TEST(OpenTest, ASecondOpenWhileInUseIsRefused) {
  TempDir dir;
  auto first = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(first.ok());
  auto second = OpenRocksStore(dir.sub("db"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable) << second.error().message;
}

}  // namespace
}  // namespace assure::storage
