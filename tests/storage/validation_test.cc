#include <gtest/gtest.h>

#include "storage/append_validation.h"
#include "storage/log_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

TEST(ValidationTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Sw\xc3\xa9" "de \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));                  // truncated
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));              // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));          // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));      // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // lone continuation
}

TEST(ValidationTest, StreamIds) {
  StoreOptions o;
  EXPECT_TRUE(ValidateStreamId(o, "deliverable-0b7a5e0e").ok());
  EXPECT_FALSE(ValidateStreamId(o, "").ok());
  EXPECT_FALSE(ValidateStreamId(o, std::string("a\0b", 3)).ok());
  EXPECT_FALSE(ValidateStreamId(o, "tab\there").ok());
  EXPECT_FALSE(ValidateStreamId(o, "caf\xc3\xa9").ok());
}

}  // namespace
}  // namespace assure::storage

namespace assure::storage {
namespace {

// The stream-heads cache is bounded in bytes, and emptying it loses nothing:
// versions are checked against the backend's heads once it refills.
TEST(StreamHeadsCacheTest, StaysWithinItsByteBudgetAndChecksVersionsAfterEmptying) {
  StoreOptions o;
  o.stream_heads_bytes = 2000;  // ~16 streams of these ids
  auto opened = LogStore::Open(NewMemoryBackend(), o);
  ASSERT_TRUE(opened.ok());
  auto& store = **opened;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) {
      const std::string stream = "deliverable-" + std::to_string(i);
      auto ev = round == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(round - 1);
      auto r = store.Append(stream, ev, testing::One("E"));
      ASSERT_TRUE(r.ok()) << stream << " round " << round << ": " << r.error().message;
      EXPECT_LE(store.CachedHeadBytes(), 2000u);
      // A stale expectation is refused whether or not the head is cached.
      auto stale = store.Append(stream, ExpectedVersion::NoStream(), testing::One("E"));
      ASSERT_FALSE(stale.ok());
      EXPECT_EQ(stale.error().code, ErrorCode::kWrongExpectedVersion);
    }
  }
  EXPECT_GT(store.CachedHeadBytes(), 0u);
}

}  // namespace
}  // namespace assure::storage
