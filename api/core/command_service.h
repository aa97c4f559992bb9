// Executing a command: load, decide (pure), append with the expected version.
//
// - If-Match (RequestContext::if_match) must equal the stream's version, else
//   kPreconditionFailed carrying the actual version; nothing is written.
// - Without If-Match, a concurrent writer that wins the race makes this
//   command retry (load and decide again) up to kMaxRetries times.
// - An Idempotency-Key makes the event ids deterministic: a retried request
//   finds its first event stored and returns the first result, writing nothing.
// - A command that decides no events (already in that state) writes nothing
//   and returns the current version.
//
// Thread safety: stateless; the store is thread-safe.
#pragma once

#include "api/core/aggregate_loader.h"

namespace assure::api {

struct WriteResult {
  std::string id;
  std::uint64_t stream_version = 0;
  std::uint64_t position = 0;   // of the last event written (or the stream's last)
  std::size_t events_written = 0;
  bool replayed = false;        // an Idempotency-Key retry: nothing written
};

inline constexpr int kMaxRetries = 5;

// The first result of an Idempotency-Key already used, if it was.
Result<std::optional<WriteResult>> FindIdempotentResult(storage::EventStore& store,
                                                        const RequestContext& rc,
                                                        std::string_view id);

template <class Agg>
Result<WriteResult> Execute(storage::EventStore& store, std::string_view id,
                            const typename Agg::Command& command, const RequestContext& rc) {
  if (!rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(store, rc, id);
    if (!first.ok()) return first.error();
    if (first->has_value()) return **first;
  }
  for (int attempt = 0;; ++attempt) {
    auto loaded = LoadAggregate<Agg>(store, id);
    if (!loaded.ok()) return loaded.error();
    if (rc.if_match && loaded->version != rc.if_match) {
      Error e = MakeError(ErrorCode::kPreconditionFailed,
                          "the " + std::string(Agg::kKind) + " has changed since version " +
                              std::to_string(*rc.if_match) + "; reload it and try again");
      e.actual_version = loaded->version ? static_cast<std::int64_t>(*loaded->version) : -1;
      return e;
    }
    domain::CommandContext ctx{rc.actor, rc.now_us, std::string(id)};
    auto decided = Agg::Decide(loaded->state, command, ctx);
    if (!decided.ok()) return decided.error();
    WriteResult result;
    result.id = std::string(id);
    if (decided->empty()) {
      result.stream_version = loaded->version.value_or(0);
      result.position = loaded->last_position;
      return result;
    }
    std::vector<storage::ProposedEvent> events;
    for (std::size_t i = 0; i < decided->size(); ++i) {
      events.push_back(ToProposed((*decided)[i], rc,
                                  rc.idempotency_key.empty() ? std::string()
                                                             : IdempotentEventId(rc, i)));
    }
    auto expected = loaded->version ? storage::ExpectedVersion::Exact(*loaded->version)
                                    : storage::ExpectedVersion::NoStream();
    auto appended = store.Append(domain::StreamId(Agg::kKind, id), expected, std::move(events));
    if (appended.ok()) {
      result.stream_version = appended->stream_version;
      result.position = appended->last_position;
      result.events_written = appended->idempotent_replay ? 0 : decided->size();
      result.replayed = appended->idempotent_replay;
      return result;
    }
    if (appended.error().code != ErrorCode::kWrongExpectedVersion || rc.if_match ||
        attempt + 1 >= kMaxRetries) {
      if (appended.error().code == ErrorCode::kIdempotencyConflict && !rc.idempotency_key.empty()) {
        return MakeError(ErrorCode::kIdempotencyConflict,
                         "this Idempotency-Key was already used for a different request",
                         "Idempotency-Key");
      }
      return appended.error();
    }
  }
}

}  // namespace assure::api
