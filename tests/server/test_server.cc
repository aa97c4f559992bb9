#include "tests/server/test_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include "api/auth/token_codec.h"

namespace assure::server::testing {

using api::http::Request;
using api::http::Response;
using api::http::RouteOptions;

ManualClock::ManualClock() {
  now_ = std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count();
}

void Gate::Wait() {
  std::unique_lock lock(mu_);
  ++entered_;
  cv_.notify_all();
  cv_.wait_for(lock, std::chrono::seconds(20), [this] { return open_; });
}

void Gate::Open() {
  std::lock_guard lock(mu_);
  open_ = true;
  cv_.notify_all();
}

int Gate::entered() {
  std::lock_guard lock(mu_);
  return entered_;
}

bool Gate::WaitEntered(int n) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= n; });
}

void TestFeed::OnOpen(std::shared_ptr<api::http::LiveClient> client) {
  all.Add(client);
  std::lock_guard lock(mu);
  opened.push_back(client->id());
  cv.notify_all();
}

void TestFeed::OnMessage(const std::shared_ptr<api::http::LiveClient>& client,
                         std::string_view text) {
  client->Send(std::make_shared<const std::string>("echo:" + std::string(text)));
}

void TestFeed::OnClose(const std::shared_ptr<api::http::LiveClient>& client) {
  all.Remove(client->id());
  std::lock_guard lock(mu);
  closed.push_back(client->id());
  cv.notify_all();
}

bool TestFeed::WaitOpen(std::size_t n) {
  std::unique_lock lock(mu);
  return cv.wait_for(lock, std::chrono::seconds(5), [&] { return opened.size() >= n; });
}

bool TestFeed::WaitClosed(std::size_t n) {
  std::unique_lock lock(mu);
  return cv.wait_for(lock, std::chrono::seconds(10), [&] { return closed.size() >= n; });
}

ServerConfig FastConfig() {
  ServerConfig c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.io_threads = 2;
  c.header_timeout = Millis(400);
  c.body_timeout = Millis(400);
  c.idle_timeout = Millis(1500);
  c.write_timeout = Millis(2000);
  c.shutdown_timeout = Millis(5000);
  c.body_limit_bytes = 4096;
  c.document_body_limit_bytes = 64 * 1024;
  c.header_limit_bytes = 4096;
  c.worker_threads = 4;
  c.worker_queue_limit = 64;
  c.ws_idle_timeout = Millis(5000);
  c.ws_overflow_close_timeout = Millis(1000);
  c.rate_limit.token_per_second = 1e6;
  c.rate_limit.token_burst = 1e6;
  c.rate_limit.ip_per_second = 1e6;
  c.rate_limit.ip_burst = 1e6;
  return c;
}

TestServer::TestServer(ServerConfig config) {
  store_ = std::shared_ptr<storage::EventStore>(storage::NewMemoryStore());
  clock_ = std::make_shared<ManualClock>();
  ApplicationOptions options;
  options.clock = clock_;
  auto app = Application::Create(store_, config, options);
  if (!app.ok()) throw std::runtime_error(app.error().message);
  app_ = std::move(app).value();
  RegisterTestRoutes();
  app_->SetLiveFeed(feed);
  app_->SetReadiness([this]() -> Status {
    if (ready_state.load() == 0) return {};
    return MakeError(ErrorCode::kUnavailable, "projections are catching up");
  });
  server_ = std::make_unique<Server>(*app_);
  Status st = server_->Start();
  if (!st.ok()) throw std::runtime_error(st.error().message);
}

TestServer::~TestServer() {
  gate.Open();
  Stop();
}

void TestServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->Shutdown();
  server_->Wait();
}

std::string TestServer::Token(auth::Role role, std::optional<std::string> group,
                              std::optional<std::int64_t> expires_at_us) {
  auth::IssueTokenRequest req;
  req.name = std::string(auth::RoleName(role)) + " holder";
  req.role = role;
  req.group_scope = std::move(group);
  if (!expires_at_us && role == auth::Role::kAssessor) {
    expires_at_us = clock_->NowMicros() + 86400LL * 1000000;
  }
  req.expires_at_us = expires_at_us;
  auto issued = app_->tokens().Issue(req, "test", "test");
  if (!issued.ok()) throw std::runtime_error(issued.error().message);
  return issued->secret;
}

std::string TestServer::TokenId(const std::string& secret) {
  auto rec = app_->token_index().FindBySecretHash(auth::Sha256Hex(secret));
  return rec ? rec->issued.token_id : std::string();
}

void TestServer::RegisterTestRoutes() {
  auto& r = app_->router();
  RouteOptions read;
  auto check = [](Status st) {
    if (!st.ok()) throw std::runtime_error(st.error().message);
  };
  check(r.Add("GET", "/api/v1/test/echo",
              [](const Request& req) {
                nlohmann::json q = nlohmann::json::object();
                for (const auto& p : req.query) q[p.key] = p.value;
                return Response::Json(200, {{"actor", req.principal->actor()},
                                            {"role", auth::RoleName(req.principal->role)},
                                            {"query", q}});
              },
              read));
  RouteOptions edit;
  edit.permission = auth::Permission::kEditProgrammeContent;
  check(r.Add("POST", "/api/v1/test/echo",
              [](const Request& req) {
                auto j = nlohmann::json::parse(req.body, nullptr, false);
                if (j.is_discarded()) {
                  return Response::Problem(
                      MakeError(ErrorCode::kInvalidArgument, "body is not JSON"));
                }
                return Response::Json(200, {{"got", j}, {"actor", req.principal->actor()}});
              },
              edit));
  RouteOptions upload;
  upload.permission = auth::Permission::kManageDocuments;
  upload.body = api::http::BodyKind::kDocument;
  upload.scope_checked_by_handler = true;
  check(r.Add("POST", "/api/v1/test/upload",
              [](const Request& req) { return Response::Json(200, {{"bytes", req.body.size()}}); },
              upload));
  RouteOptions group;
  group.permission = auth::Permission::kEditGroup;
  group.group_param = "group";
  check(r.Add("POST", "/api/v1/test/groups/{group}/edit",
              [](const Request& req) {
                return Response::Json(200, {{"group", req.PathParam("group")}});
              },
              group));
  RouteOptions pub;
  pub.permission = std::nullopt;
  check(r.Add("GET", "/api/v1/test/boom",
              [](const Request&) -> Response { throw std::runtime_error("kaboom"); }, pub));
  check(r.Add("GET", "/api/v1/test/slow",
              [this](const Request& req) {
                gate.Wait();
                return Response::Json(200, {{"n", req.Query("n").value_or("")}});
              },
              pub));
  check(r.Add("GET", "/api/v1/test/items/{id}",
              [](const Request& req) { return Response::Json(200, {{"id", req.PathParam("id")}}); },
              pub));
  check(r.Add("GET", "/api/v1/test/items/search",
              [](const Request&) { return Response::Json(200, {{"search", true}}); }, pub));
  // Answered on the I/O thread when ?memo is given (answer_inline), else by
  // the handler on a worker: the body says which.
  RouteOptions memo = read;
  memo.answer_inline = [](const Request& req) -> std::optional<Response> {
    if (!req.Query("memo")) return std::nullopt;
    return Response::Json(200, {{"from", "memory"}, {"actor", req.principal->actor()}});
  };
  check(r.Add("GET", "/api/v1/test/memo",
              [](const Request&) { return Response::Json(200, {{"from", "worker"}}); }, memo));
  check(r.Add("GET", "/api/v1/test/public",
              [](const Request& req) {
                return Response::Json(200, {{"n", req.Query("n").value_or("")}});
              },
              pub));
}

}  // namespace assure::server::testing
