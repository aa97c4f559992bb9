// Hex digits, in one home: every hex encoding and decoding in the code base
// (hashes and keys in storage::HexEncode, UUIDs, correlation ids, JSON's
// \u00XX escapes, percent-encoding, bytes named in messages) goes through
// these tables. Pure and header-only, so that every layer can use it.
//
// The writers take a char buffer rather than returning strings: the hot
// paths (an evidence pack's events.jsonl, millions of hashes) write into
// their own buffers without an allocation per byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assure::domain {

inline constexpr char kHexLower[] = "0123456789abcdef";
inline constexpr char kHexUpper[] = "0123456789ABCDEF";

// Writes `byte` as two digits at out[0] and out[1].
inline void WriteHex(char* out, std::uint8_t byte) {
  out[0] = kHexLower[byte >> 4];
  out[1] = kHexLower[byte & 15];
}
inline void WriteHexUpper(char* out, std::uint8_t byte) {
  out[0] = kHexUpper[byte >> 4];
  out[1] = kHexUpper[byte & 15];
}

// Appends `bytes` in lower-case hex, through a buffer on the stack.
inline void AppendHex(std::string& out, std::string_view bytes) {
  char buf[128];
  std::size_t n = 0;
  for (unsigned char c : bytes) {
    if (n == sizeof buf) {
      out.append(buf, n);
      n = 0;
    }
    WriteHex(buf + n, c);
    n += 2;
  }
  out.append(buf, n);
}

// A digit's value by byte (either case), -1 for anything else: a table,
// as packs decode millions of hashes.
inline constexpr std::array<std::int8_t, 256> kHexDigitValues = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}();
inline int HexDigitValue(char c) { return kHexDigitValues[static_cast<unsigned char>(c)]; }

// The bytes `hex` spells (digits of either case); nullopt for an odd length
// or anything but a digit.
inline std::optional<std::string> UnhexBytes(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = HexDigitValue(hex[2 * i]);
    const int lo = HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

}  // namespace assure::domain
