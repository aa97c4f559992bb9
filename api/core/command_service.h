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

// Leaves in the cache the state after an append: `before` evolved by the
// events written, as the store recorded them (positions, versions, time).
template <class Agg>
void CacheAppended(AggregateCache& cache, const std::string& stream, Loaded<Agg> before,
                   std::vector<storage::ProposedEvent> written, const storage::AppendResult& appended) {
  nlohmann::json holder;
  const std::uint64_t first_version = appended.stream_version + 1 - written.size();
  for (std::size_t i = 0; i < written.size(); ++i) {
    storage::RecordedEvent r;
    r.position = appended.first_position + i;
    r.stream_id = stream;
    r.stream_version = first_version + i;
    r.type = std::move(written[i].type);
    r.schema_version = written[i].schema_version;
    r.data = std::move(written[i].data);
    r.metadata = std::move(written[i].metadata);
    r.recorded_at_us = appended.recorded_at_us;
    Agg::Evolve(before.state, MakeView(r, holder));
  }
  before.version = appended.stream_version;
  before.last_position = appended.last_position;
  cache.Put(stream, appended.stream_version, std::move(before));
}

// With a cache, the stream is loaded through it (see aggregate_cache.h), and
// the state after a successful append is left in it.
template <class Agg>
Result<WriteResult> Execute(storage::EventStore& store, std::string_view id,
                            const typename Agg::Command& command, const RequestContext& rc,
                            AggregateCache* cache = nullptr) {
  if (!rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(store, rc, id);
    if (!first.ok()) return first.error();
    if (first->has_value()) return **first;
  }
  for (int attempt = 0;; ++attempt) {
    auto loaded = LoadAggregate<Agg>(store, id, UINT64_MAX, cache);
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
    const std::string stream = domain::StreamId(Agg::kKind, id);
    std::vector<storage::ProposedEvent> written;
    if (cache != nullptr) written = events;
    auto appended = store.Append(stream, expected, std::move(events));
    if (appended.ok()) {
      result.stream_version = appended->stream_version;
      result.position = appended->last_position;
      result.events_written = appended->idempotent_replay ? 0 : decided->size();
      result.replayed = appended->idempotent_replay;
      if (cache != nullptr && !appended->idempotent_replay) {
        CacheAppended<Agg>(*cache, stream, std::move(loaded).value(), std::move(written), *appended);
      }
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
