// The domain's REST resources under /api/v1: every aggregate kind as a
// collection (create, list, read, history, commands), the board's list
// queries, raw events and streams, document contents, QSIN coverage and the
// audit endpoints (verify, checkpoints, proofs).
//
// Resource shape, for each collection C (deliverables, groups, meetings, ...):
//   POST /api/v1/C                   create (the aggregate's create command)
//   GET  /api/v1/C                   list (as_of / at_position, offset, limit)
//   GET  /api/v1/C/{id}              read (ETag = stream version; as_of)
//   GET  /api/v1/C/{id}/history      who changed what, when, why (as_of)
//   POST /api/v1/C/{id}/{command}    any command of the aggregate, e.g.
//                                    /deliverables/{id}/change-ragb
// Writes honour If-Match (412 when stale) and Idempotency-Key, and answer
// {id, version, position}. The actor comes from the token, never the body.
//
// Thread safety: handlers run concurrently on the server's worker pool; the
// store, the runner and the checkpoint log are thread-safe.
#pragma once

#include <chrono>
#include <memory>

#include "api/audit/checkpoint.h"
#include "api/auth/authorizer.h"
#include "api/auth/security_log.h"
#include "api/core/actor_names.h"
#include "api/core/entity_writer.h"
#include "api/core/history_cache.h"
#include "api/core/projection_runner.h"
#include "api/http/concurrency_limiter.h"
#include "api/http/router.h"
#include "api/queries/network_model.h"

namespace assure::api::rest {

struct RestDeps {
  std::shared_ptr<storage::EventStore> store;
  std::shared_ptr<ProjectionRunner> runner;
  std::shared_ptr<NetworkProjection> network;
  const auth::Authorizer* authorizer = nullptr;
  std::shared_ptr<storage::Clock> clock;
  std::shared_ptr<storage::IdSource> ids;
  std::shared_ptr<CheckpointLog> checkpoints;   // may be null: no audit checkpoint routes
  std::shared_ptr<const Signer> signer;         // may be null
  auth::SecurityLog* security_log = nullptr;    // evidence-pack builds are recorded here
  // The single writer of the entities (api/core/entity_writer.h). Unset:
  // RegisterRestRoutes makes one over `store`.
  std::shared_ptr<EntityWriter> writer;
  // Rendered history pages (api/core/history_cache.h). Unset:
  // RegisterRestRoutes makes one of the default budget.
  std::shared_ptr<HistoryPageCache> history_pages;
  // Who did what, in words (api/core/actor_names.h). Unset:
  // RegisterRestRoutes makes a ReadModelActorNames over runner, network and
  // the authorizer's token index.
  std::shared_ptr<const ActorNames> actor_names;
  // How long a read with min_position waits for the projections. Default 2 s.
  std::chrono::milliseconds read_your_writes_timeout{2000};
  // Largest page of any list. Default 1000.
  std::size_t max_page = 1000;
  // Deepest row (offset + limit) of a list sorted across the read model
  // (open actions, the decision log, a person's attendance, documents due for
  // review): such a list holds offset + limit keys while it scans, so this
  // bounds a request's memory whatever the history. Default 10,000.
  std::size_t max_list_window = 10000;
  // Heavy operations, each of which reads or folds the whole log or a whole
  // upload: imports, evidence packs, programme exports, as-at list and model
  // reads (as_of / at_position), chain verification. At most this many at
  // once; beyond, 503 with Retry-After. Default 2.
  std::shared_ptr<http::ConcurrencyLimiter> heavy = std::make_shared<http::ConcurrencyLimiter>(2);
};

// Registers every route. Call once, before the server starts.
Status RegisterRestRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);

// Today's date (YYYY-MM-DD, UTC) from the deps' clock.
std::string Today(const RestDeps& deps);

}  // namespace assure::api::rest
