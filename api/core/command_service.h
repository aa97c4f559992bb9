// Executing a command: load, decide (pure), append with the expected version.
//
// - If-Match (RequestContext::if_match) must equal the stream's version, else
//   kPreconditionFailed carrying the actual version; nothing is written.
// - Without If-Match, a concurrent writer that wins the race makes this
//   command load and decide again (see kMaxRetries): it is never refused
//   because another writer was first.
// - An Idempotency-Key makes the event ids deterministic: a retried request
//   finds its first event stored and returns the first result, writing nothing.
// - A command that decides no events (already in that state) writes nothing
//   and returns the current version.
//
// Thread safety: stateless; the store is thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "api/core/aggregate_loader.h"
#include "api/core/append_boundary.h"

namespace assure::api {

struct WriteResult {
  std::string id;
  std::uint64_t stream_version = 0;
  std::uint64_t position = 0;   // of the last event written (or the stream's last)
  std::size_t events_written = 0;
  bool replayed = false;        // an Idempotency-Key retry: nothing written
};

// A command without If-Match is decided again against the newer state each
// time a concurrent writer wins the append, and is never answered 409 for
// it: each lost race means another append was committed, so this only ends
// (kUnavailable, 503, nothing written) under a flood of writers to one entity.
inline constexpr int kMaxRetries = 1000;

// A consequence of a command on another entity, decided after the command
// and appended with it in one commit (AppendMany): e.g. a new deliverable
// listed in its programme. Given the index its first event takes among the
// request's (for Idempotency-Key event ids), returns the other stream's part;
// a part with no events adds nothing.
using Companion = std::function<Result<storage::StreamAppend>(
    storage::EventStore& store, const RequestContext& rc, std::size_t first_event_index)>;

// A Companion running `command` on the `Agg` entity `id` (loaded at its head).
template <class Agg>
Companion CompanionCommand(std::string id, typename Agg::Command command) {
  return [id = std::move(id), command = std::move(command)](
             storage::EventStore& store, const RequestContext& rc,
             std::size_t first) -> Result<storage::StreamAppend> {
    auto loaded = LoadAggregate<Agg>(store, id);
    if (!loaded.ok()) return loaded.error();
    domain::CommandContext ctx{rc.actor, rc.now_us, id};
    auto decided = Agg::Decide(loaded->state, command, ctx);
    if (!decided.ok()) return decided.error();
    storage::StreamAppend part;
    part.stream_id = domain::StreamId(Agg::kKind, id);
    part.expected = loaded->version ? storage::ExpectedVersion::Exact(*loaded->version)
                                    : storage::ExpectedVersion::NoStream();
    for (std::size_t i = 0; i < decided->size(); ++i) {
      part.events.push_back(ToProposed((*decided)[i], rc,
                                       rc.idempotency_key.empty() ? std::string()
                                                                  : IdempotentEventId(rc, first + i)));
    }
    return part;
  };
}

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

// One attempt of a command: the loaded state, and the events it decided.
template <class Agg>
struct CommandAttempt {
  Loaded<Agg> loaded;
  std::string stream;
  storage::ExpectedVersion expected = storage::ExpectedVersion::Any();
  std::vector<storage::ProposedEvent> events;   // to append
  std::vector<storage::ProposedEvent> written;  // a copy, for the cache (when there is one)
  std::size_t decided = 0;                      // events decided
  // No events decided (the command is already in effect): the result.
  WriteResult unchanged;
};

// Loads and decides into `a`. No events decided (a.decided == 0): the
// command is already in effect and a.unchanged is the result.
template <class Agg>
Status PrepareCommand(storage::EventStore& store, std::string_view id,
                      const typename Agg::Command& command, const RequestContext& rc,
                      AggregateCache* cache, CommandAttempt<Agg>& a) {
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
  if (decided->empty()) {
    a.unchanged.id = std::string(id);
    a.unchanged.stream_version = loaded->version.value_or(0);
    a.unchanged.position = loaded->last_position;
    return {};
  }
  for (std::size_t i = 0; i < decided->size(); ++i) {
    a.events.push_back(ToProposed((*decided)[i], rc,
                                  rc.idempotency_key.empty() ? std::string()
                                                             : IdempotentEventId(rc, i)));
  }
  a.expected = loaded->version ? storage::ExpectedVersion::Exact(*loaded->version)
                               : storage::ExpectedVersion::NoStream();
  a.stream = domain::StreamId(Agg::kKind, id);
  MarkOneAppend(a.stream, a.expected, a.events);  // a read at a position never sees half of it
  a.decided = a.events.size();
  if (cache != nullptr) a.written = a.events;
  a.loaded = std::move(loaded).value();
  return {};
}

// The result of an attempt's append; nullopt when it lost a race to a
// concurrent writer and the command should be loaded and decided again.
template <class Agg>
std::optional<Result<WriteResult>> FinishCommand(CommandAttempt<Agg>& a, std::string_view id,
                                                 const Result<storage::AppendResult>& appended,
                                                 const RequestContext& rc, int attempt,
                                                 AggregateCache* cache) {
  if (appended.ok()) {
    WriteResult result;
    result.id = std::string(id);
    result.stream_version = appended->stream_version;
    result.position = appended->last_position;
    result.events_written = appended->idempotent_replay ? 0 : a.decided;
    result.replayed = appended->idempotent_replay;
    if (cache != nullptr && !appended->idempotent_replay) {
      CacheAppended<Agg>(*cache, a.stream, std::move(a.loaded), std::move(a.written), *appended);
    }
    return result;
  }
  if (appended.error().code == ErrorCode::kWrongExpectedVersion && !rc.if_match) {
    if (attempt + 1 < kMaxRetries) return std::nullopt;
    return MakeError(ErrorCode::kUnavailable,
                     "the " + std::string(Agg::kKind) +
                         " is being changed by too many writers at once; nothing was written, "
                         "retry shortly");
  }
  if (appended.error().code == ErrorCode::kIdempotencyConflict && !rc.idempotency_key.empty()) {
    return MakeError(ErrorCode::kIdempotencyConflict,
                     "this Idempotency-Key was already used for a different request",
                     "Idempotency-Key");
  }
  return appended.error();
}

// With a cache, the stream is loaded through it (see aggregate_cache.h), and
// the state after a successful append is left in it.
// Appends an attempt's events, with its companions' in the same commit.
template <class Agg>
Result<storage::AppendResult> AppendAttempt(storage::EventStore& store, CommandAttempt<Agg>& a,
                                            const RequestContext& rc,
                                            const std::vector<Companion>& companions) {
  if (companions.empty()) return store.Append(a.stream, a.expected, std::move(a.events));
  std::vector<storage::StreamAppend> parts(1);
  parts[0].stream_id = a.stream;
  parts[0].expected = a.expected;
  parts[0].events = std::move(a.events);
  std::size_t next_index = a.decided;
  for (const auto& companion : companions) {
    auto part = companion(store, rc, next_index);
    if (!part.ok()) return part.error();
    if (part->events.empty()) continue;
    next_index += part->events.size();
    parts.push_back(std::move(part).value());
  }
  MarkOneAppend(parts);
  auto appended = store.AppendMany(std::move(parts));
  if (!appended.ok()) return appended.error();
  return appended->front();
}

// With companions, their events are appended in the same commit as the
// command's (all or none); a retried command decides them again.
template <class Agg>
Result<WriteResult> Execute(storage::EventStore& store, std::string_view id,
                            const typename Agg::Command& command, const RequestContext& rc,
                            AggregateCache* cache = nullptr,
                            const std::vector<Companion>& companions = {}) {
  if (!rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(store, rc, id);
    if (!first.ok()) return first.error();
    if (first->has_value()) return **first;
  }
  for (int attempt = 0;; ++attempt) {
    CommandAttempt<Agg> a;
    ASSURE_TRY(PrepareCommand<Agg>(store, id, command, rc, cache, a));
    if (a.decided == 0) return std::move(a.unchanged);
    auto appended = AppendAttempt<Agg>(store, a, rc, companions);
    if (auto finished = FinishCommand<Agg>(a, id, appended, rc, attempt, cache)) return *finished;
  }
}

// Execute without waiting for the commit: `done` is called exactly once with
// Execute's result. The first load and decision run on the caller's thread;
// the rest (and a retry after losing a race) on the thread that answers the
// append (see EventStore::AppendAsync), so `done` must be quick and must not
// call Append. The command, context and cache must outlive the call of `done`
// (the cache is the server's; the rest is copied here).
template <class Agg>
void ExecuteAsync(std::shared_ptr<storage::EventStore> store, std::string id,
                  typename Agg::Command command, RequestContext rc, AggregateCache* cache,
                  std::function<void(Result<WriteResult>)> done) {
  struct Run : std::enable_shared_from_this<Run> {
    Run(std::shared_ptr<storage::EventStore> s, std::string i, typename Agg::Command c,
        RequestContext r, AggregateCache* ca, std::function<void(Result<WriteResult>)> d)
        : store(std::move(s)), id(std::move(i)), command(std::move(c)), rc(std::move(r)),
          cache(ca), done(std::move(d)) {}
    std::shared_ptr<storage::EventStore> store;
    std::string id;
    typename Agg::Command command;
    RequestContext rc;
    AggregateCache* cache;
    std::function<void(Result<WriteResult>)> done;
    int attempt = 0;

    void Attempt() {
      auto a = std::make_shared<CommandAttempt<Agg>>();
      if (Status s = PrepareCommand<Agg>(*store, id, command, rc, cache, *a); !s.ok()) {
        return done(s.error());
      }
      if (a->decided == 0) return done(std::move(a->unchanged));
      auto events = std::move(a->events);
      store->AppendAsync(a->stream, a->expected, std::move(events),
                         [self = this->shared_from_this(), a](Result<storage::AppendResult> appended) {
                           auto finished = FinishCommand<Agg>(*a, self->id, appended, self->rc,
                                                              self->attempt, self->cache);
                           if (finished) return self->done(std::move(*finished));
                           ++self->attempt;
                           self->Attempt();
                         });
    }
  };
  if (!rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(*store, rc, id);
    if (!first.ok()) return done(first.error());
    if (first->has_value()) return done(std::move(**first));
  }
  auto run = std::make_shared<Run>(std::move(store), std::move(id), std::move(command),
                                   std::move(rc), cache, std::move(done));
  run->Attempt();
}

}  // namespace assure::api
