#include <gtest/gtest.h>

#include "storage/append_validation.h"

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
