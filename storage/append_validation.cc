#include "storage/append_validation.h"

#include <nlohmann/json.hpp>

#include <unordered_set>

#include "domain/json_text.h"

namespace assure::storage {

namespace {

bool IsPrintableAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// Size of CanonicalBytes() for these fields (FORMAT.md), without building it.
std::size_t CanonicalSize(std::string_view stream_id, const PreparedEvent& e) {
  const auto& m = e.metadata;
  return 1 + 8 + 4 + stream_id.size() + 8 + 16 + 4 + e.type.size() + 4 + 8 + 5 * 4 +
         m.actor.size() + m.reason.size() + m.correlation_id.size() + m.causation_id.size() +
         m.source.size() + 4 + e.data.size();
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // needs bytes i+1 .. i+n
    for (std::size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

Status ValidateStreamId(const StoreOptions& options, std::string_view stream_id) {
  if (stream_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "stream id is empty", "stream_id");
  }
  if (stream_id.size() > options.max_stream_id_bytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "stream id is longer than " + std::to_string(options.max_stream_id_bytes) +
                         " bytes",
                     "stream_id");
  }
  if (!IsPrintableAscii(stream_id)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "stream id may hold only printable ASCII characters without spaces",
                     "stream_id");
  }
  return {};
}

Result<std::vector<PreparedEvent>> PrepareAppend(const StoreOptions& options,
                                                 std::string_view stream_id,
                                                 std::vector<ProposedEvent>&& events,
                                                 IdSource& ids) {
  ASSURE_TRY(ValidateStreamId(options, stream_id));
  if (events.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an append needs at least one event", "events");
  }
  if (events.size() > options.max_events_per_append) {
    return MakeError(ErrorCode::kTooLarge,
                     "an append may hold at most " +
                         std::to_string(options.max_events_per_append) + " events, not " +
                         std::to_string(events.size()),
                     "events");
  }
  std::vector<PreparedEvent> out;
  out.reserve(events.size());
  std::unordered_set<Uuid, UuidHash> seen;
  for (std::size_t i = 0; i < events.size(); ++i) {
    ProposedEvent& in = events[i];
    const std::string at = "events[" + std::to_string(i) + "]";
    PreparedEvent p;
    if (in.event_id.empty()) {
      p.id = ids.NewUuid();
    } else {
      auto id = Uuid::Parse(in.event_id);
      if (!id.ok()) return MakeError(ErrorCode::kInvalidArgument, id.error().message, at + ".event_id");
      if (id->IsNil()) {
        return MakeError(ErrorCode::kInvalidArgument, "the nil UUID is not an event id",
                         at + ".event_id");
      }
      p.id = *id;
      p.client_supplied_id = true;
    }
    if (!seen.insert(p.id).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "event id " + p.id.ToString() + " appears twice in one append",
                       at + ".event_id");
    }
    if (in.type.empty() || in.type.size() > options.max_type_bytes || !IsPrintableAscii(in.type)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "event type must be 1 to " + std::to_string(options.max_type_bytes) +
                           " printable ASCII characters",
                       at + ".type");
    }
    p.type = std::move(in.type);
    if (in.schema_version == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "schema version starts at 1",
                       at + ".schema_version");
    }
    p.schema_version = in.schema_version;
    if (in.data.size() > options.max_event_bytes) {
      return MakeError(ErrorCode::kTooLarge,
                       "event data is larger than " + std::to_string(options.max_event_bytes) +
                           " bytes",
                       at + ".data");
    }
    if (in.data_is_compact_object) {
      p.data = std::move(in.data);
    } else {
      auto parsed = domain::ParseJsonText(in.data);
      if (parsed.is_discarded()) {
        return MakeError(ErrorCode::kInvalidArgument, "event data is not valid JSON", at + ".data");
      }
      if (!parsed.is_object()) {
        return MakeError(ErrorCode::kInvalidArgument, "event data must be a JSON object",
                         at + ".data");
      }
      p.data = parsed.dump();
    }
    for (auto* field : {&in.metadata.actor, &in.metadata.reason, &in.metadata.correlation_id,
                        &in.metadata.causation_id, &in.metadata.source}) {
      if (!IsValidUtf8(*field)) {
        return MakeError(ErrorCode::kInvalidArgument, "event metadata must be valid UTF-8",
                         at + ".metadata");
      }
    }
    p.metadata = std::move(in.metadata);
    if (CanonicalSize(stream_id, p) > options.max_event_bytes) {
      return MakeError(ErrorCode::kTooLarge,
                       "event is larger than " + std::to_string(options.max_event_bytes) +
                           " bytes when encoded",
                       at);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace assure::storage
