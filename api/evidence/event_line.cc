#include "api/evidence/event_line.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/audit/signer.h"
#include "api/core/history.h"
#include "storage/codec.h"

namespace assure::api {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + bytes.size() * 2);
  char* p = out.data() + at;
  for (unsigned char c : bytes) {
    *p++ = kHexDigits[c >> 4];
    *p++ = kHexDigits[c & 15];
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool DecodeHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return true;
}

void Key(std::string& out, const char* key) {
  out += ",\"";
  out += key;
  out += "\":";
}

// The hex after `"<key>":"` searching backwards from the end of the line.
std::string_view Field(std::string_view line, std::string_view key) {
  std::string marker = "\"" + std::string(key) + "\":\"";
  auto at = line.rfind(marker);
  if (at == std::string_view::npos) return {};
  auto start = at + marker.size();
  auto end = line.find('"', start);
  if (end == std::string_view::npos) return {};
  return line.substr(start, end - start);
}

Result<storage::RecordedEvent> Decode(std::string_view canonical_hex, std::string_view hash_hex,
                                      std::string& bytes) {
  std::string hash;
  if (!DecodeHex(canonical_hex, bytes)) {
    return MakeError(ErrorCode::kInvalidArgument, "canonical is not hex", "canonical");
  }
  if (!DecodeHex(hash_hex, hash) || hash.size() != 32) {
    return MakeError(ErrorCode::kInvalidArgument, "hash is not 64 hex digits", "hash");
  }
  bytes += hash;
  auto e = storage::DecodeEventValue(bytes);
  bytes.resize(bytes.size() - hash.size());
  if (!e.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "canonical bytes do not decode: " + e.error().message, "canonical");
  }
  return e;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHexDigits[c >> 4]);
          out.push_back(kHexDigits[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

namespace {

// Everything before the canonical bytes: `{"position":...,"hash":"..",`.
void RenderPrefix(std::string& out, const storage::RecordedEvent& e) {
  out += "{\"position\":" + std::to_string(e.position);
  Key(out, "stream_id");
  AppendJsonString(out, e.stream_id);
  Key(out, "stream_version");
  out += std::to_string(e.stream_version);
  Key(out, "event_id");
  AppendJsonString(out, e.event_id.ToString());
  Key(out, "type");
  AppendJsonString(out, e.type);
  Key(out, "schema_version");
  out += std::to_string(e.schema_version);
  Key(out, "recorded_at_us");
  out += std::to_string(e.recorded_at_us);
  Key(out, "recorded_at");
  AppendJsonString(out, FormatTimestamp(e.recorded_at_us));
  const std::pair<const char*, const std::string*> meta[] = {
      {"actor", &e.metadata.actor},
      {"reason", &e.metadata.reason},
      {"correlation_id", &e.metadata.correlation_id},
      {"causation_id", &e.metadata.causation_id},
      {"source", &e.metadata.source}};
  for (const auto& [k, v] : meta) {
    Key(out, k);
    AppendJsonString(out, *v);
  }
  Key(out, "data");
  out += e.data;
  Key(out, "hash");
  out.push_back('"');
  AppendHex(out, std::string_view(reinterpret_cast<const char*>(e.hash.data()), e.hash.size()));
  out += "\",\"canonical\":\"";
}

}  // namespace

std::string RenderEventLine(const storage::RecordedEvent& e) {
  const std::string canonical = storage::CanonicalBytes(e);
  std::string out;
  out.reserve(canonical.size() * 2 + e.data.size() + 512);
  RenderPrefix(out, e);
  AppendHex(out, canonical);
  out += "\"}";
  return out;
}

Result<storage::RecordedEvent> ParseEventLine(std::string_view line,
                                              storage::RecordedEvent* canonical,
                                              std::string* canonical_bytes) {
  // Fast path: the line is exactly the rendering of its canonical bytes (the
  // hex after "canonical" is the source of the bytes, so only the fields
  // before it need rendering again).
  std::string scratch;
  std::string& bytes = canonical_bytes ? *canonical_bytes : scratch;
  {
    const std::string_view hex = Field(line, "canonical");
    auto e = Decode(hex, Field(line, "hash"), bytes);
    if (e.ok()) {
      std::string prefix;
      prefix.reserve(line.size() - hex.size());
      RenderPrefix(prefix, *e);
      if (line.size() == prefix.size() + hex.size() + 2 && line.starts_with(prefix) &&
          line.ends_with("\"}") && hex.data() == line.data() + prefix.size() &&
          std::none_of(hex.begin(), hex.end(), [](char c) { return c >= 'A' && c <= 'F'; })) {
        if (canonical) *canonical = *e;
        return e;
      }
    }
  }
  // Slow path: compare field by field, to say what differs.
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "the line is not a JSON object");
  }
  auto text = [&](const char* k) -> std::string {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto e = Decode(text("canonical"), text("hash"), bytes);
  if (!e.ok()) return e;
  if (canonical) *canonical = *e;
  const nlohmann::json expected = nlohmann::json::parse(RenderEventLine(*e), nullptr, false);
  std::string differ;
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    auto got = j.find(it.key());
    if (got == j.end() || *got != it.value()) differ += (differ.empty() ? "" : ", ") + it.key();
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!expected.contains(it.key())) differ += (differ.empty() ? "" : ", ") + it.key();
  }
  if (!differ.empty()) {
    return MakeError(ErrorCode::kCorruption,
                     "field(s) " + differ + " differ from the event's canonical bytes", differ);
  }
  return e;
}

}  // namespace assure::api
