#include "server/application.h"

#include <pthread.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include <utility>

#include "api/auth/token_routes.h"
#include "api/metrics/text_format.h"
#include "server/person_check.h"
#include "server/runtime_metrics.h"

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
  app->tokens_->SetPersonCheck(PersonCheckOver(*app->store_));
  auth::SecurityLogOptions security_options;
  security_options.report = [](const std::string& message) { spdlog::error("{}", message); };
  app->security_log_ =
      std::make_unique<auth::SecurityLog>(*app->store_, app->clock_, security_options);
  ASSURE_TRY(app->security_log_->Open());
  // Entries are written by the log's own thread, many per synced batch.
  app->security_log_->Start();
  app->workers_ =
      std::make_unique<api::ThreadPool>("assure-worker", app->config_.worker_threads, app->config_.worker_queue_limit);
  app->writer_ = std::make_shared<api::EntityWriter>(app->store_, app->config_.writer_cache_bytes);
  app->heavy_ = std::make_shared<api::http::ConcurrencyLimiter>(app->config_.heavy_concurrency);
  ASSURE_TRY(app->RegisterBuiltinRoutes());
  AddApplicationCollectors(*app, std::move(options.commit_metrics));
  return app;
}

void Application::WaitForWrites() {
  store_->WaitForAsyncAppends();
  if (writer_) writer_->WaitIdle();
}

void Application::SetLiveFeed(std::shared_ptr<api::http::LiveFeed> feed) {
  std::lock_guard lock(live_feed_mu_);
  live_feed_ = std::move(feed);
}

std::shared_ptr<api::http::LiveFeed> Application::live_feed() const {
  std::lock_guard lock(live_feed_mu_);
  return live_feed_;
}

Status Application::Ready() const {
  if (auto starting = Starting()) return *starting;
  return readiness_ ? readiness_() : Status();
}

void Application::WarmUpInBackground(std::function<Status()> warm_up) {
  starting_ = true;
  warm_up_ = std::thread([this, warm_up = std::move(warm_up)] {
    pthread_setname_np(pthread_self(), "assure-warmup");
    const auto t0 = std::chrono::steady_clock::now();
    Status s;
    try {
      s = warm_up();
    } catch (const std::exception& e) {
      s = MakeError(ErrorCode::kInternal, std::string("starting failed: ") + e.what());
    }
    if (!s.ok()) {
      spdlog::error("starting failed: {}; every route but health answers 503", s.error().message);
      std::lock_guard lock(start_mu_);
      start_error_ = s.error();
      return;
    }
    starting_ = false;
    spdlog::info("read models caught up in {} ms: serving",
                 std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                     .count());
  });
}

std::optional<Error> Application::Starting() const {
  if (!starting_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard lock(start_mu_);
  if (start_error_) {
    Error e = *start_error_;
    e.code = ErrorCode::kUnavailable;
    e.message = "the server could not start: " + e.message;
    return e;
  }
  return MakeError(ErrorCode::kUnavailable,
                   "the server is starting: its read models are catching up with the log; retry shortly");
}

Application::~Application() {
  if (warm_up_.joinable()) warm_up_.join();
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
  health.while_starting = true;
  health.openapi = api::http::OpenApiOperation("Liveness: the process is serving", "health");
  ASSURE_TRY(router_.Add(
      "GET", "/healthz",
      [](const Request&) { return Response::Json(200, {{"status", "alive"}}); }, health));

  api::http::RouteOptions ready;
  ready.permission = std::nullopt;
  ready.rate_limited = false;
  ready.while_starting = true;
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
  openapi.while_starting = true;
  openapi.openapi = api::http::OpenApiOperation("This OpenAPI 3.1 document", "meta");
  ASSURE_TRY(router_.Add(
      "GET", "/api/v1/openapi.json",
      [this](const Request&) { return Response::Json(200, OpenApi()); }, openapi));

  // Prometheus metrics, for admin tokens; config metrics_listen serves the
  // same text without a token on an address of its own.
  api::http::RouteOptions metrics;
  metrics.permission = auth::Permission::kAdminRead;
  metrics.while_starting = true;
  metrics.openapi = api::http::OpenApiOperation(
      "Prometheus metrics (text exposition format 0.0.4): requests, latency, group commits, "
      "queues, projection lag, live feed, RocksDB, disk, checkpoint age (README \"Watching it\")",
      "meta");
  metrics.openapi["description"] =
      "Needs an admin token. With config metrics_listen set, a listener of its own serves the same "
      "text at GET /metrics without a token (and nothing else).";
  metrics.openapi["responses"]["200"] = {
      {"description", "The metrics"},
      {"content", {{std::string(api::metrics::kTextContentType), {{"schema", {{"type", "string"}}}}}}}};
  ASSURE_TRY(router_.Add(
      "GET", "/metrics",
      [this](const Request&) {
        return Response::Text(200, metrics_.Render(), std::string(api::metrics::kTextContentType));
      },
      metrics));

  return auth::RegisterTokenRoutes(router_, *tokens_, *security_log_);
}

}  // namespace assure::server
