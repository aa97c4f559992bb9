#include "api/evidence/event_line.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "api/core/history.h"
#include "domain/json_text.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "domain/calendar.h"
#include "domain/hex.h"

namespace assure::api {

namespace {

// `,"key":` (the keys are literals: their lengths are known when compiled).
void Key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

std::string_view HashBytes(const storage::Hash256& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// Reads the rendering of RenderEventLine exactly (keys in order, no
// whitespace, strings without escapes); anything else is left to the
// general reader.
class FastReader {
 public:
  explicit FastReader(std::string_view s) : s_(s) {}

  bool Read(storage::RecordedEvent& e, std::string_view& hash_hex, std::string_view& leaf_hex) {
    std::string_view event_id;
    std::uint64_t schema = 0;
    std::string_view recorded_at;
    if (!(Lit("{\"position\":") && Uint(e.position) && Lit(",\"stream_id\":") && Str(e.stream_id) &&
          Lit(",\"stream_version\":") && Uint(e.stream_version) && Lit(",\"event_id\":") && Str(event_id) &&
          Lit(",\"type\":") && Str(e.type) && Lit(",\"schema_version\":") && Uint(schema) &&
          Lit(",\"recorded_at_us\":") && Int(e.recorded_at_us) && Lit(",\"recorded_at\":") &&
          Str(recorded_at) && Lit(",\"actor\":") && Str(e.metadata.actor) && Lit(",\"reason\":") &&
          Str(e.metadata.reason) && Lit(",\"correlation_id\":") && Str(e.metadata.correlation_id) &&
          Lit(",\"causation_id\":") && Str(e.metadata.causation_id) && Lit(",\"source\":") &&
          Str(e.metadata.source) && Lit(",\"data\":") && Object(e.data) && Lit(",\"hash\":") &&
          Str(hash_hex) && Lit(",\"leaf_hash\":") && Str(leaf_hex) && Lit("}") && i_ == s_.size())) {
      return false;
    }
    char time[48];
    if (schema > UINT32_MAX || recorded_at != std::string_view(time, domain::FormatTimestampTo(e.recorded_at_us, time))) {
      return false;
    }
    auto id = storage::Uuid::Parse(event_id);
    if (!id.ok()) return false;
    e.event_id = *id;
    e.schema_version = static_cast<std::uint32_t>(schema);
    return true;
  }

 private:
  bool Lit(std::string_view t) {
    if (s_.substr(i_, t.size()) != t) return false;
    i_ += t.size();
    return true;
  }
  bool Uint(std::uint64_t& v) {
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return false;
    auto r = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
    if (r.ec != std::errc()) return false;
    i_ = static_cast<std::size_t>(r.ptr - s_.data());
    return true;
  }
  bool Int(std::int64_t& v) {
    auto r = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
    if (r.ec != std::errc() || r.ptr == s_.data() + i_) return false;
    i_ = static_cast<std::size_t>(r.ptr - s_.data());
    return true;
  }
  // A string without escapes, viewed in the line.
  bool Str(std::string_view& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    std::size_t j = i_ + 1;
    while (j < s_.size() && s_[j] != '"') {
      const auto c = static_cast<unsigned char>(s_[j]);
      if (c == '\\' || c < 0x20) return false;  // escapes: the general reader
      ++j;
    }
    if (j >= s_.size()) return false;
    out = s_.substr(i_ + 1, j - i_ - 1);
    i_ = j + 1;
    return true;
  }
  bool Str(std::string& out) {
    std::string_view v;
    if (!Str(v)) return false;
    out.assign(v);
    return true;
  }
  // A JSON object, verbatim: braces matched outside strings.
  bool Object(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '{') return false;
    int depth = 0;
    bool in_string = false;
    for (std::size_t j = i_; j < s_.size(); ++j) {
      const char c = s_[j];
      if (in_string) {
        if (c == '\\') {
          ++j;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        // Deeper than any reader accepts: the general reader refuses the line.
        if (++depth > static_cast<int>(domain::kMaxJsonDepth)) return false;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          out.assign(s_.data() + i_, j + 1 - i_);
          i_ = j + 1;
          return true;
        }
      }
    }
    return false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Any key order and whitespace, escapes: nlohmann::json. The data object is
// taken in its compact serialisation, which is how the store keeps it.
Result<storage::RecordedEvent> ReadGeneral(std::string_view line, std::string& hash_hex,
                                           std::string& leaf_hex, bool& time_ok) {
  auto j = domain::ParseJsonText(line);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "the line is not a JSON object");
  }
  static const char* const kKeys[] = {"position", "stream_id", "stream_version", "event_id", "type",
                                      "schema_version", "recorded_at_us", "recorded_at", "actor",
                                      "reason", "correlation_id", "causation_id", "source", "data",
                                      "hash", "leaf_hash"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(std::begin(kKeys), std::end(kKeys), it.key()) == std::end(kKeys)) {
      return MakeError(ErrorCode::kInvalidArgument, "unexpected key " + it.key(), it.key());
    }
  }
  auto str = [&](const char* k, std::string& out) -> Status {
    auto it = j.find(k);
    if (it == j.end() || !it->is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(k) + " is missing or not a string", k);
    }
    out = it->get<std::string>();
    return {};
  };
  auto uint = [&](const char* k, std::uint64_t& out) -> Status {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_unsigned()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(k) + " is missing or not a whole number", k);
    }
    out = it->get<std::uint64_t>();
    return {};
  };
  storage::RecordedEvent e;
  std::string event_id, recorded_at;
  std::uint64_t schema = 0;
  ASSURE_TRY(uint("position", e.position));
  ASSURE_TRY(str("stream_id", e.stream_id));
  ASSURE_TRY(uint("stream_version", e.stream_version));
  ASSURE_TRY(str("event_id", event_id));
  ASSURE_TRY(str("type", e.type));
  ASSURE_TRY(uint("schema_version", schema));
  ASSURE_TRY(str("recorded_at", recorded_at));
  ASSURE_TRY(str("actor", e.metadata.actor));
  ASSURE_TRY(str("reason", e.metadata.reason));
  ASSURE_TRY(str("correlation_id", e.metadata.correlation_id));
  ASSURE_TRY(str("causation_id", e.metadata.causation_id));
  ASSURE_TRY(str("source", e.metadata.source));
  ASSURE_TRY(str("hash", hash_hex));
  ASSURE_TRY(str("leaf_hash", leaf_hex));
  auto at = j.find("recorded_at_us");
  if (at == j.end() || !at->is_number_integer()) {
    return MakeError(ErrorCode::kInvalidArgument, "recorded_at_us is missing or not a number", "recorded_at_us");
  }
  e.recorded_at_us = at->get<std::int64_t>();
  auto data = j.find("data");
  if (data == j.end() || !data->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "data is missing or not an object", "data");
  }
  e.data = data->dump();
  if (schema > UINT32_MAX) return MakeError(ErrorCode::kInvalidArgument, "schema_version is too large", "schema_version");
  e.schema_version = static_cast<std::uint32_t>(schema);
  auto id = storage::Uuid::Parse(event_id);
  if (!id.ok()) return MakeError(ErrorCode::kInvalidArgument, "event_id is not a UUID", "event_id");
  e.event_id = *id;
  // Read, but when not consistent reported as corruption by the caller.
  time_ok = recorded_at == domain::FormatTimestampUs(e.recorded_at_us);
  return e;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        char escape[6] = {'\\', 'u', '0', '0'};
        domain::WriteHex(escape + 4, c);
        out.append(escape, sizeof escape);
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out.push_back('"');
}

void AppendEventLine(std::string& out, const storage::RecordedEvent& e, const storage::Hash256& leaf) {
  char num[48];
  auto number = [&](auto v) {
    auto r = std::to_chars(num, num + sizeof num, v);
    out.append(num, static_cast<std::size_t>(r.ptr - num));
  };
  out += "{\"position\":";
  number(e.position);
  Key(out, "stream_id");
  AppendJsonString(out, e.stream_id);
  Key(out, "stream_version");
  number(e.stream_version);
  Key(out, "event_id");
  out.push_back('"');
  e.event_id.FormatTo(num);  // hex digits and dashes
  out.append(num, 36);
  out.push_back('"');
  Key(out, "type");
  AppendJsonString(out, e.type);
  Key(out, "schema_version");
  number(e.schema_version);
  Key(out, "recorded_at_us");
  number(e.recorded_at_us);
  Key(out, "recorded_at");
  out.push_back('"');
  out.append(num, domain::FormatTimestampTo(e.recorded_at_us, num));
  out.push_back('"');
  const std::pair<std::string_view, const std::string*> meta[] = {
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
  domain::AppendHex(out, HashBytes(e.hash));
  out += "\",\"leaf_hash\":\"";
  domain::AppendHex(out, HashBytes(leaf));
  out += "\"}";
}

std::string RenderEventLine(const storage::RecordedEvent& e, const storage::Hash256& leaf) {
  std::string out;
  out.reserve(e.data.size() + e.stream_id.size() + e.metadata.reason.size() + 512);
  AppendEventLine(out, e, leaf);
  return out;
}

std::string RenderEventLine(const storage::RecordedEvent& e) {
  return RenderEventLine(e, storage::MerkleLeafHash(storage::CanonicalBytes(e)));
}

Status ReadEventLine(std::string_view line, storage::RecordedEvent& e, storage::Hash256& leaf) {
  std::string_view hash_hex, leaf_hex;  // in the line, or in the strings below
  std::string hash_read, leaf_read;
  bool time_ok = true;
  if (!FastReader(line).Read(e, hash_hex, leaf_hex)) {
    auto general = ReadGeneral(line, hash_read, leaf_read, time_ok);
    if (!general.ok()) return general.error();
    e = std::move(general).value();
    hash_hex = hash_read;
    leaf_hex = leaf_read;
  }
  auto hash = storage::HexDecodeHash(hash_hex);
  if (!hash.ok()) return MakeError(ErrorCode::kInvalidArgument, "hash is not 64 hex digits", "hash");
  e.hash = *hash;
  auto claimed = storage::HexDecodeHash(leaf_hex);
  if (!claimed.ok()) return MakeError(ErrorCode::kInvalidArgument, "leaf_hash is not 64 hex digits", "leaf_hash");
  leaf = *claimed;
  if (!time_ok) {
    return MakeError(ErrorCode::kCorruption, "recorded_at does not say recorded_at_us", "recorded_at");
  }
  if (storage::MerkleLeafHash(storage::CanonicalBytes(e)) != leaf) {
    return MakeError(ErrorCode::kCorruption,
                     "the fields do not hash to the line's leaf_hash: the line was edited", "leaf_hash");
  }
  return {};
}

Result<storage::RecordedEvent> ParseEventLine(std::string_view line, storage::RecordedEvent* parsed,
                                              storage::Hash256* claimed_leaf) {
  storage::RecordedEvent e;
  storage::Hash256 leaf{};
  Status s = ReadEventLine(line, e, leaf);
  if (parsed) *parsed = e;
  if (claimed_leaf) *claimed_leaf = leaf;
  if (!s.ok()) return s.error();
  return e;
}

}  // namespace assure::api
