#include "api/rest/idempotency.h"

#include "domain/event.h"
#include "storage/codec.h"

namespace assure::api::rest {

namespace {

std::string StateKey(const RequestContext& rc) {
  return "rest/idempotency/" + IdempotentEventId(rc, 0);
}

// Stored fingerprints since the body's bytes are hashed carry this prefix;
// those without it (64 hex digits) hashed a JSON body's dump().
constexpr std::string_view kBytesFingerprint = "v2:";

std::string Fingerprint(const http::Request& req, std::string_view body) {
  std::string input = req.method;
  input.push_back('\0');
  input += req.path;
  for (const auto& q : req.query) {
    input.push_back('\0');
    input += q.key;
    input.push_back('=');
    input += q.value;
  }
  input.push_back('\0');
  input += body;
  return storage::HexEncode(storage::Sha256(input));
}

}  // namespace

Status CheckIdempotencyKey(storage::EventStore& store, const RequestContext& rc,
                           const http::Request& req, std::string_view body,
                           const nlohmann::json* parsed_body) {
  if (rc.idempotency_key.empty()) return {};
  auto first = store.GetState(StateKey(rc));
  if (!first.ok()) return first.error();
  if (!first->has_value()) return {};
  const std::string& stored = **first;
  bool same;
  if (stored.starts_with(kBytesFingerprint)) {
    same = stored.substr(kBytesFingerprint.size()) == Fingerprint(req, body);
  } else {  // recorded before v2: over the parsed body re-serialised
    same = stored == Fingerprint(req, parsed_body != nullptr ? parsed_body->dump() : std::string(body));
  }
  if (!same) {
    return MakeError(ErrorCode::kIdempotencyConflict,
                     "this Idempotency-Key was already used for a different request",
                     "Idempotency-Key");
  }
  return {};
}

Status RememberIdempotencyKey(storage::EventStore& store, const RequestContext& rc,
                              const http::Request& req, std::string_view body) {
  if (rc.idempotency_key.empty()) return {};
  return store.PutState({{StateKey(rc), std::string(kBytesFingerprint) + Fingerprint(req, body)}});
}

Result<std::optional<std::string>> EntityCreatedWithKey(storage::EventStore& store,
                                                        const RequestContext& rc,
                                                        std::string_view kind) {
  std::optional<std::string> none;
  if (rc.idempotency_key.empty()) return none;
  auto uuid = storage::Uuid::Parse(IdempotentEventId(rc, 0));
  if (!uuid.ok()) return none;
  auto pos = store.FindEventId(*uuid);
  if (!pos.ok()) return pos.error();
  if (!pos->has_value()) return none;
  auto event = store.ReadEvent(**pos);
  if (!event.ok()) return event.error();
  const std::string prefix = domain::StreamId(kind, "");
  if (!event->stream_id.starts_with(prefix)) return none;  // Execute reports the conflict
  return std::optional<std::string>(event->stream_id.substr(prefix.size()));
}

}  // namespace assure::api::rest
