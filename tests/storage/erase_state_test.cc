// EventStore::EraseState: the erased values leave every file of a RocksDB
// store's directory (write-ahead logs and tables), whether they were still
// in the memtable or already flushed to a table; other values stay, and the
// log still verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage::erase_state_test {
namespace {

using testing::One;
using testing::TempDir;

// How many files under `dir` hold `bytes`.
int FilesHolding(const std::string& dir, const std::string& bytes) {
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().find(bytes) != std::string::npos) ++n;
  }
  return n;
}

// Incompressible and unlikely anywhere else: 48 bytes of a fixed pattern.
std::string Secret(char seed) {
  std::string s;
  for (int i = 0; i < 48; ++i) s.push_back(static_cast<char>(seed * 31 + i * 97 + (i * i) % 13));
  return s;
}

TEST(EraseState, TheValueLeavesTheWalAndTheTables) {
  TempDir dir;
  const std::string flushed = Secret(1), fresh = Secret(2), kept = Secret(3);
  {
    auto store = OpenRocksStore(dir.path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutState({{"pdk/a", flushed}, {"pdk/c", kept}}).ok());
    ASSERT_TRUE((*store)->Append("s-1", ExpectedVersion::Any(), One("Happened")).ok());
  }  // a clean close flushes: `flushed` is in a table file now
  auto store = OpenRocksStore(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->PutState({{"pdk/b", fresh}}).ok());  // in the WAL and memtable only
  // Events after it keep that WAL alive unless every family is flushed.
  ASSERT_TRUE((*store)->Append("s-1", ExpectedVersion::Any(), One("Happened")).ok());
  ASSERT_GT(FilesHolding(dir.path(), flushed), 0);  // the search finds what is there
  ASSERT_GT(FilesHolding(dir.path(), fresh), 0);

  ASSERT_TRUE((*store)->EraseState({"pdk/a", "pdk/b"}).ok());
  EXPECT_EQ(FilesHolding(dir.path(), flushed), 0);
  EXPECT_EQ(FilesHolding(dir.path(), fresh), 0);
  EXPECT_GT(FilesHolding(dir.path(), kept), 0);
  EXPECT_FALSE((*store)->GetState("pdk/a")->has_value());
  EXPECT_FALSE((*store)->GetState("pdk/b")->has_value());
  EXPECT_EQ((*store)->GetState("pdk/c")->value_or(""), kept);
  auto verified = (*store)->Verify(1, 0);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok);
  ASSERT_TRUE((*store)->Append("s-1", ExpectedVersion::Any(), One("Happened")).ok());
}

TEST(EraseState, AMemoryStoreForgetsTheKeys) {
  auto store = NewMemoryStore();
  ASSERT_TRUE(store->PutState({{"k", "v"}, {"l", "w"}}).ok());
  ASSERT_TRUE(store->EraseState({"k", "absent"}).ok());
  EXPECT_FALSE(store->GetState("k")->has_value());
  EXPECT_TRUE(store->GetState("l")->has_value());
}

}  // namespace
}  // namespace assure::storage::erase_state_test
