#include "api/core/entity_writer.h"

namespace assure::api {

Status ForEachEventOfKey(storage::EventStore& store, const RequestContext& rc,
                         const std::function<bool(const storage::RecordedEvent&)>& visit) {
  for (std::size_t i = 0;; ++i) {
    auto uuid = storage::Uuid::Parse(IdempotentEventId(rc, i));
    if (!uuid.ok()) return uuid.error();
    auto pos = store.FindEventId(*uuid);
    if (!pos.ok()) return pos.error();
    if (!pos->has_value()) return {};
    auto event = store.ReadEvent(**pos);
    if (!event.ok()) return event.error();
    if (!visit(*event)) return {};
  }
}

Result<std::optional<WriteResult>> FindIdempotentResult(storage::EventStore& store,
                                                        const RequestContext& rc,
                                                        std::string_view id) {
  std::optional<WriteResult> out;
  std::string stream;
  bool other_entity = false;
  ASSURE_TRY(ForEachEventOfKey(store, rc, [&](const storage::RecordedEvent& event) {
    if (!out) {
      out.emplace();
      out->id = std::string(id);
      out->replayed = true;
      // The key was used on another entity: a different request.
      if (!event.stream_id.ends_with("-" + std::string(id))) {
        other_entity = true;
        return false;
      }
    }
    // Events of the same key on other streams are companions' (Companion).
    if (out->position != 0 && event.stream_id != stream) return false;
    stream = event.stream_id;
    out->stream_version = event.stream_version;
    out->position = event.position;
    return true;
  }));
  if (other_entity) {
    return MakeError(ErrorCode::kIdempotencyConflict, "this Idempotency-Key was already used for a different request",
                     "Idempotency-Key");
  }
  return out;
}

}  // namespace assure::api
