#include "server/application.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "api/auth/token_routes.h"

namespace assure::server {

using api::http::Request;
using api::http::Response;

Result<std::unique_ptr<Application>> Application::Create(
    std::shared_ptr<storage::EventStore> store, ServerConfig config,
    ApplicationOptions options) {
  std::unique_ptr<Application> app(new Application());
  app->store_ = std::move(store);
  app->config_ = std::move(config);
  app->clock_ = options.clock ? options.clock : storage::SystemClock();
  app->openapi_info_ = std::move(options.openapi_info);
  app->index_ = std::make_unique<auth::TokenIndex>();
  ASSURE_TRY(app->index_->Attach(*app->store_));
  app->authorizer_ = std::make_unique<auth::Authorizer>(*app->index_, app->clock_);
  app->tokens_ = std::make_unique<auth::TokenService>(*app->store_, *app->index_, app->clock_,
                                                      options.ids);
  auth::SecurityLogOptions security_options;
  security_options.report = [](const std::string& message) { spdlog::error("{}", message); };
  app->security_log_ =
      std::make_unique<auth::SecurityLog>(*app->store_, app->clock_, security_options);
  ASSURE_TRY(app->security_log_->Open());
  // Entries are written by the log's own thread, many per synced batch.
  app->security_log_->Start();
  app->workers_ =
      std::make_unique<WorkerPool>(app->config_.worker_threads, app->config_.worker_queue_limit);
  app->heavy_ = std::make_shared<api::http::ConcurrencyLimiter>(app->config_.heavy_concurrency);
  ASSURE_TRY(app->RegisterBuiltinRoutes());
  return app;
}

Application::~Application() {
  // Workers may still run handlers that use the members below.
  if (workers_) workers_->Stop();
  // Then write every security entry they queued.
  if (security_log_) security_log_->Stop();
}

Status Application::RegisterBuiltinRoutes() {
  api::http::RouteOptions health;
  health.permission = std::nullopt;
  health.rate_limited = false;
  health.run_inline = true;
  health.openapi = api::http::OpenApiOperation("Liveness: the process is serving", "health");
  ASSURE_TRY(router_.Add(
      "GET", "/healthz",
      [](const Request&) { return Response::Json(200, {{"status", "alive"}}); }, health));

  api::http::RouteOptions ready;
  ready.permission = std::nullopt;
  ready.rate_limited = false;
  ready.openapi = api::http::OpenApiOperation(
      "Readiness: the store is open and projections have caught up", "health");
  ASSURE_TRY(router_.Add(
      "GET", "/readyz",
      [this](const Request& req) {
        Status st = Ready();
        if (!st.ok()) {
          Error e = st.error();
          e.code = ErrorCode::kUnavailable;
          return Response::Problem(e, req.correlation_id);
        }
        return Response::Json(200, {{"status", "ready"}});
      },
      ready));

  api::http::RouteOptions openapi;
  openapi.permission = std::nullopt;
  openapi.openapi = api::http::OpenApiOperation("This OpenAPI 3.1 document", "meta");
  ASSURE_TRY(router_.Add(
      "GET", "/api/v1/openapi.json",
      [this](const Request&) { return Response::Json(200, OpenApi()); }, openapi));

  return auth::RegisterTokenRoutes(router_, *tokens_, *security_log_);
}

}  // namespace assure::server
