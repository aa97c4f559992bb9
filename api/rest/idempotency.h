// Idempotency-Key checks the command service cannot make alone, because it
// sees a command but not the request it came from.
//
// - A key retried with another request (another method, path, query or body)
//   is refused with kIdempotencyConflict (HTTP 409, field "Idempotency-Key"),
//   instead of replaying the first request's result. The first request's
//   fingerprint, "v2:" and the hex SHA-256 over method, path, query and the
//   body's bytes as received, is kept in the store's state area under
//   "rest/idempotency/<first event id>" (on-disk: never renamed) once its
//   events are written. A fingerprint without the prefix was recorded by an
//   earlier version, which hashed a JSON body re-serialised (dump()): it is
//   checked that way. The bytes are hashed because re-serialising recursed
//   through the value (see domain/json_text.h), and a retry sends the same
//   bytes: a retry whose body is equal as JSON but not byte for byte is
//   another request.
// - A keyed create retried finds the entity its first attempt created, so the
//   retry replays that result instead of creating under a new id.
//
// A retry racing its own first attempt, or one after a crash between the
// append and the fingerprint write, is checked by the command service alone
// (the same entity replays; another is refused).
//
// Thread safety: stateless; the store is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/core/entity_writer.h"
#include "api/core/event_mapping.h"
#include "api/http/request.h"
#include "storage/event_store.h"

namespace assure::api::rest {

// kIdempotencyConflict when rc's key was first used for a request whose
// fingerprint differs from this one's. `body` is what identifies the
// request's content: its body's bytes (a document route adds the media
// type). `parsed_body`, a JSON route's body as parsed, is needed only to
// check a fingerprint recorded before v2.
Status CheckIdempotencyKey(storage::EventStore& store, const RequestContext& rc,
                           const http::Request& req, std::string_view body,
                           const nlohmann::json* parsed_body = nullptr);

// Records this request as the one rc's key was first used for. Call after the
// key's first successful write (events written, not replayed).
Status RememberIdempotencyKey(storage::EventStore& store, const RequestContext& rc,
                              const http::Request& req, std::string_view body);

// The id of the entity of kind `kind` that rc's key already created, if any.
Result<std::optional<std::string>> EntityCreatedWithKey(storage::EventStore& store,
                                                        const RequestContext& rc,
                                                        std::string_view kind);

// The writer's error for a REST write: with If-Match, an append refused for
// its expected version means the version matched is no longer current: 412
// with the current version, as for an If-Match stale from the start (not 409).
template <class Agg>
Error WriteRaceError(Error e, bool if_match) {
  if (e.code != ErrorCode::kWrongExpectedVersion || !if_match) return e;
  Error stale = MakeError(ErrorCode::kPreconditionFailed,
                          "the " + std::string(Agg::kKind) + " changed while this request ran; " +
                              "reload it and try again");
  stale.actual_version = e.actual_version;
  return stale;
}

// Execute<Agg> for the REST writes, reporting in terms of the request what
// the store reports in terms of streams:
// - with If-Match, an append refused for its expected version means the
//   version matched is no longer current: kPreconditionFailed (412) with the
//   current version, as for an If-Match stale from the start (not 409);
// - with an Idempotency-Key, a retry decided after its first attempt was
//   written, but which looked for that attempt's events before, finds its
//   event ids stored under another expected version: it replays the first
//   result instead of reporting a conflict.
// ExecuteWriteParts takes the write's parts (CommandParts or built on them).
template <class Agg>
Result<WriteResult> ExecuteWriteParts(EntityWriter& writer, std::string_view id, std::vector<WritePart> parts,
                                      const RequestContext& rc) {
  storage::EventStore& store = *writer.store();
  auto r = ExecuteParts(writer, id, std::move(parts), rc);
  if (r.ok()) return r;
  if (r.error().code == ErrorCode::kWrongExpectedVersion) {
    return WriteRaceError<Agg>(r.error(), rc.if_match.has_value());
  }
  if (r.error().code == ErrorCode::kIdempotencyConflict && !rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(store, rc, id);
    if (first.ok() && first->has_value()) return **first;
  }
  return r;
}

template <class Agg>
Result<WriteResult> ExecuteWrite(EntityWriter& writer, std::string_view id,
                                 const typename Agg::Command& command, const RequestContext& rc,
                                 std::vector<Companion> companions = {}) {
  return ExecuteWriteParts<Agg>(writer, id, CommandParts<Agg>(std::string(id), command, std::move(companions)),
                                rc);
}

// ExecuteWrite for a create whose entity's id the server drew (`id`): a
// retry that raced its first attempt to the writer had drawn an id of its
// own, so its key's events are found on another entity's stream. The
// entity is the one the key created: `id` becomes that one's and the
// answer is the first attempt's.
template <class Agg>
Result<WriteResult> ExecuteCreate(EntityWriter& writer, std::string& id, const typename Agg::Command& command,
                                  const RequestContext& rc, std::vector<Companion> companions = {}) {
  auto r = ExecuteWrite<Agg>(writer, id, command, rc, std::move(companions));
  if (rc.idempotency_key.empty()) return r;
  if (r.ok() ? !r->replayed : r.error().code != ErrorCode::kIdempotencyConflict) return r;
  auto earlier = EntityCreatedWithKey(*writer.store(), rc, Agg::kKind);
  if (!earlier.ok() || !earlier->has_value() || **earlier == id) return r;
  auto first = FindIdempotentResult(*writer.store(), rc, **earlier);
  if (!first.ok() || !first->has_value()) return r;
  id = **earlier;
  return **first;
}

}  // namespace assure::api::rest
