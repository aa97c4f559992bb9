#include <cstdint>
#include <cstring>

#include "domain/hex.h"
#include "storage/types.h"

namespace assure::storage {

Result<Uuid> Uuid::Parse(std::string_view text) {
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "not a UUID (expected 8-4-4-4-12 hex digits): '" +
                         std::string(text.substr(0, 64)) + "'");
  };
  if (text.size() != 36) return bad();
  Uuid u;
  std::size_t bi = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return bad();
      ++i;
      continue;
    }
    int hi = domain::HexDigitValue(text[i]), lo = domain::HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) return bad();
    u.bytes[bi++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return u;
}

void Uuid::FormatTo(char out[36]) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
    domain::WriteHex(out + n, bytes[i]);
    n += 2;
  }
}

std::string Uuid::ToString() const {
  std::string s(36, '\0');
  FormatTo(s.data());
  return s;
}

bool Uuid::IsNil() const {
  for (auto b : bytes) {
    if (b) return false;
  }
  return true;
}

std::size_t UuidHash::operator()(const Uuid& u) const noexcept {
  std::uint64_t a, b;
  std::memcpy(&a, u.bytes.data(), 8);
  std::memcpy(&b, u.bytes.data() + 8, 8);
  return static_cast<std::size_t>(a ^ (b * 0x9e3779b97f4a7c15ULL));
}

std::string HexEncode(const std::uint8_t* data, std::size_t size) {
  std::string s;
  s.reserve(size * 2);
  domain::AppendHex(s, {reinterpret_cast<const char*>(data), size});
  return s;
}

Result<Hash256> HexDecodeHash(std::string_view hex) {
  Hash256 h{};
  if (hex.size() != 64) {
    return MakeError(ErrorCode::kInvalidArgument, "a SHA-256 hash is 64 hex digits");
  }
  int bad = 0;  // any digit's -1 makes it negative
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = domain::HexDigitValue(hex[2 * i]), lo = domain::HexDigitValue(hex[2 * i + 1]);
    bad |= hi | lo;
    h[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  if (bad < 0) return MakeError(ErrorCode::kInvalidArgument, "not a hex digit in hash");
  return h;
}

std::int64_t ExpectedVersion::Encode() const {
  switch (kind_) {
    case Kind::kAny: return -1;
    case Kind::kNoStream: return -2;
    case Kind::kStreamExists: return -3;
    case Kind::kExact: return static_cast<std::int64_t>(version_);
  }
  return -1;
}

ExpectedVersion ExpectedVersion::Decode(std::int64_t v) {
  if (v == -2) return NoStream();
  if (v == -3) return StreamExists();
  if (v < 0) return Any();
  return Exact(static_cast<std::uint64_t>(v));
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny: return "any";
    case Kind::kNoStream: return "no-stream";
    case Kind::kStreamExists: return "stream-exists";
    case Kind::kExact: return std::to_string(version_);
  }
  return "any";
}

}  // namespace assure::storage
