// The one home of hex digits (domain/hex.h): both cases written, every byte
// value, appends longer than the stack buffer, and decoding either case.
#include <gtest/gtest.h>

#include <string>

#include "domain/hex.h"

namespace assure::domain {
namespace {

TEST(HexTest, WritesEachByteAsTwoDigitsInEitherCase) {
  char out[2];
  WriteHex(out, 0x00);
  EXPECT_EQ(std::string(out, 2), "00");
  WriteHex(out, 0xaf);
  EXPECT_EQ(std::string(out, 2), "af");
  WriteHexUpper(out, 0xaf);
  EXPECT_EQ(std::string(out, 2), "AF");
  WriteHexUpper(out, 0x1f);
  EXPECT_EQ(std::string(out, 2), "1F");
}

TEST(HexTest, AppendsPastTheStackBufferAndDecodesBack) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += bytes;  // 512 bytes: 1024 digits, eight times the buffer
  std::string out = "prefix:";
  AppendHex(out, bytes);
  ASSERT_EQ(out.size(), 7 + 2 * bytes.size());
  EXPECT_EQ(out.substr(7, 8), "00010203");
  EXPECT_EQ(out.substr(7 + 2 * 255, 4), "ff00");
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int hi = HexDigitValue(out[7 + 2 * i]), lo = HexDigitValue(out[8 + 2 * i]);
    ASSERT_EQ(hi * 16 + lo, static_cast<unsigned char>(bytes[i])) << i;
  }
}

TEST(HexTest, DigitValuesOfEitherCaseAndNothingElse) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  for (char c : std::string("gG/:@`x \xff")) EXPECT_EQ(HexDigitValue(c), -1) << static_cast<int>(c);
}

}  // namespace
}  // namespace assure::domain
