// The application object: everything a server serves, assembled before it
// starts. Other modules register their routes, the live feed and readiness
// here (server/routes.cc is the one place `assure serve` calls them from);
// server/ itself holds no business logic.
//
//   auto app = Application::Create(store, config);
//   api::http::RouteOptions o;
//   o.permission = auth::Permission::kRead;
//   o.openapi = api::http::OpenApiOperation("A deliverable", "deliverables");
//   app->router().Add("GET", "/api/v1/deliverables/{id}",
//                     [](const api::http::Request& req) { ... }, o);
//   app->SetLiveFeed(my_feed);
//   app->SetReadiness([&] { return projections.CaughtUp(); });
//
// Create registers the built-in routes: GET /healthz, GET /readyz,
// GET /api/v1/openapi.json and the token and security-log routes
// (api/auth/token_routes.h).
//
// Thread safety: configure (router, feed, readiness) before Server::Start;
// afterwards the accessors may be used from any thread.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <functional>
#include <memory>
#include <string>

#include "api/auth/authorizer.h"
#include "api/auth/security_log.h"
#include "api/auth/token_index.h"
#include "api/auth/token_service.h"
#include "api/http/concurrency_limiter.h"
#include "api/http/live_feed.h"
#include "api/http/openapi.h"
#include "api/http/request_metrics.h"
#include "api/metrics/registry.h"
#include "api/http/router.h"
#include "server/server_config.h"
#include "api/core/thread_pool.h"
#include "api/core/entity_writer.h"
#include "storage/event_store.h"

namespace assure::server {

class CommitMetrics;  // server/runtime_metrics.h

struct ApplicationOptions {
  std::shared_ptr<storage::Clock> clock;   // default: system clock (token expiry, logs)
  std::shared_ptr<storage::IdSource> ids;  // default: OpenSSL random (token ids)
  api::http::OpenApiInfo openapi_info;
  // The store's group-commit figures (fed by StoreOptions::on_commit), for
  // GET /metrics; none: those families are left out.
  std::shared_ptr<const CommitMetrics> commit_metrics;
};

class Application {
 public:
  // Loads the token index and the security log from the store. Errors from
  // the store are returned.
  static Result<std::unique_ptr<Application>> Create(std::shared_ptr<storage::EventStore> store,
                                                     ServerConfig config,
                                                     ApplicationOptions options = {});
  ~Application();

  api::http::Router& router() { return router_; }
  const auth::Authorizer& authorizer() const { return *authorizer_; }
  auth::TokenService& tokens() { return *tokens_; }
  const auth::TokenIndex& token_index() const { return *index_; }
  auth::SecurityLog& security_log() { return *security_log_; }
  storage::EventStore& store() { return *store_; }
  const std::shared_ptr<storage::EventStore>& shared_store() const { return store_; }
  const ServerConfig& config() const { return config_; }
  // The single writer of the entities' streams (api/core/entity_writer.h).
  const std::shared_ptr<api::EntityWriter>& writer() const { return writer_; }
  // Waits until every write accepted so far is answered: the store's queued
  // appends and the writer's decisions (a server stopping).
  void WaitForWrites();
  storage::Clock& clock() { return *clock_; }

  // The handler of WebSocket connections to /api/v1/live (none: 404).
  void SetLiveFeed(std::shared_ptr<api::http::LiveFeed> feed);
  std::shared_ptr<api::http::LiveFeed> live_feed() const;

  // /readyz answers 200 when this returns ok, else 503 with its message.
  // It runs on the worker pool and may block briefly. Default: always ready.
  void SetReadiness(std::function<Status()> readiness) { readiness_ = std::move(readiness); }
  Status Ready() const;

  // Runs `warm_up` (restoring the read models and catching them up with the
  // log) on a thread of its own ("assure-warmup"), so that the server can
  // listen at once. Until it returns ok, Starting() says so: every route but
  // the while_starting ones answers 503 + Retry-After, and /readyz is 503
  // (with the error, should the warm-up fail). Call once, before the server
  // starts; the destructor joins the thread.
  void WarmUpInBackground(std::function<Status()> warm_up);
  // Why the server is not serving yet, or nullopt once warmed up. Cheap
  // (the I/O threads ask it for every request).
  std::optional<Error> Starting() const;

  // Runs blocking work (a route handler) on the one pool, which also runs
  // the parallel parts of what the handlers do; false when its queue is
  // full.
  bool PostWork(std::function<void()> task) { return workers_->TryPost(std::move(task)); }
  api::ThreadPool& workers() { return *workers_; }
  // The limiter of heavy operations (config heavy_concurrency), shared by
  // every route that folds the whole log or a whole upload.
  const std::shared_ptr<api::http::ConcurrencyLimiter>& heavy() const { return heavy_; }

  // GET /metrics (README "Watching it"): the collectors a scrape runs, the
  // requests by route and status the sessions count, and the live-feed
  // clients cut off for a full queue.
  api::metrics::Registry& metrics() { return metrics_; }
  api::http::RequestMetrics& request_metrics() { return request_metrics_; }
  api::metrics::Counter& live_client_overflows() { return live_client_overflows_; }

  // The assembled OpenAPI document for every registered route.
  nlohmann::json OpenApi() const { return api::http::BuildOpenApi(router_, openapi_info_); }

 private:
  Application() = default;
  Status RegisterBuiltinRoutes();

  std::shared_ptr<storage::EventStore> store_;
  std::shared_ptr<api::EntityWriter> writer_;
  ServerConfig config_;
  std::shared_ptr<storage::Clock> clock_;
  api::http::OpenApiInfo openapi_info_;
  api::http::Router router_;
  std::unique_ptr<auth::TokenIndex> index_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<auth::TokenService> tokens_;
  std::unique_ptr<auth::SecurityLog> security_log_;
  std::unique_ptr<api::ThreadPool> workers_;
  std::shared_ptr<api::http::ConcurrencyLimiter> heavy_;
  mutable std::mutex live_feed_mu_;  // guards live_feed_ (set by the warm-up thread)
  std::shared_ptr<api::http::LiveFeed> live_feed_;
  std::function<Status()> readiness_;
  std::atomic<bool> starting_{false};
  mutable std::mutex start_mu_;     // guards start_error_
  std::optional<Error> start_error_;
  std::thread warm_up_;
  api::metrics::Registry metrics_;
  api::http::RequestMetrics request_metrics_;
  api::metrics::Counter live_client_overflows_;
};

}  // namespace assure::server
