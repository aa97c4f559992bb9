// Tamper evidence: change one byte of a stored event with the raw RocksDB
// API; Verify reports exactly that position.
#include <gtest/gtest.h>

#include "storage/codec.h"
#include "storage/event_store.h"
#include "storage/rocks_backend.h"
#include "tests/storage/raw_rocks.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::One;

void Fill(const std::string& db, int n) {
  auto store = OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE((*store)->Append("s" + std::to_string(i % 5), ExpectedVersion::Any(),
                                 One("E", R"({"rating":"Blue","i":)" + std::to_string(i) + "}"))
                    .ok());
  }
}

// Flips one byte of the stored value at `position`, `offset` bytes from its
// end (1 = the last byte of the hash, 40 = inside the data).
void FlipByte(const std::string& db, std::uint64_t position, std::size_t offset_from_end) {
  testing::RawRocks raw(db);
  std::string value;
  ASSERT_TRUE(raw.db()->Get({}, raw.cf(kCfEvents), U64Key(position), &value).ok());
  value[value.size() - offset_from_end] ^= 0x01;
  ASSERT_TRUE(raw.db()->Put({}, raw.cf(kCfEvents), U64Key(position), value).ok());
}

TEST(TamperTest, AChangedDataByteIsReportedAtItsPosition) {
  testing::TempDir dir;
  const std::string db = dir.sub("db");
  Fill(db, 100);
  FlipByte(db, 37, 40);  // inside the JSON data
  auto store = OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  auto v = (*store)->Verify(0, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_position, 37u);
  EXPECT_NE(v->problem.find("hash mismatch"), std::string::npos) << v->problem;
  EXPECT_EQ(v->checked, 36u);
  // A range that ends before it still verifies.
  EXPECT_TRUE((*store)->Verify(1, 36)->ok);
}

TEST(TamperTest, AChangedStoredHashIsReportedAtItsPosition) {
  testing::TempDir dir;
  const std::string db = dir.sub("db");
  Fill(db, 20);
  FlipByte(db, 5, 1);
  auto store = OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  auto v = (*store)->Verify(0, 0);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_position, 5u);
}

TEST(TamperTest, ARemovedEventIsReportedAsMissing) {
  testing::TempDir dir;
  const std::string db = dir.sub("db");
  Fill(db, 20);
  {
    testing::RawRocks raw(db);
    ASSERT_TRUE(raw.db()->Delete({}, raw.cf(kCfEvents), U64Key(9)).ok());
  }
  auto store = OpenRocksStore(db);
  ASSERT_TRUE(store.ok());
  auto v = (*store)->Verify(0, 0);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_position, 9u);
  EXPECT_NE(v->problem.find("missing"), std::string::npos) << v->problem;
}

TEST(TamperTest, ARewrittenTailIsRefusedOnOpen) {
  testing::TempDir dir;
  const std::string db = dir.sub("db");
  Fill(db, 10);
  FlipByte(db, 10, 1);  // the head record no longer matches the last event
  auto store = OpenRocksStore(db);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kCorruption);
}

}  // namespace
}  // namespace assure::storage
