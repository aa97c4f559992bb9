#include "tests/rest/rest_harness.h"

#include <stdlib.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "api/auth/token_codec.h"
#include "server/routes.h"
#include "storage/event_store.h"
#include "storage/log_store.h"
#include "storage/rocks_backend.h"

namespace assure::rest_test {

server::ServerConfig RestConfig() {
  server::ServerConfig c = server::testing::FastConfig();
  c.header_timeout = server::Millis(5000);
  c.body_timeout = server::Millis(5000);
  c.idle_timeout = server::Millis(5000);
  c.write_timeout = server::Millis(5000);
  c.body_limit_bytes = 16 * 1024;
  c.document_body_limit_bytes = 256 * 1024;
  c.header_limit_bytes = 8192;
  c.worker_queue_limit = 256;
  return c;
}

RestServer::RestServer(server::ServerConfig config, std::filesystem::path dir, BackendWrapper wrap)
    : dir_(std::move(dir)) {
  if (dir_.empty()) {
    std::string templ = (std::filesystem::temp_directory_path() / "assure-rest-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
  }
  if (wrap) {
    auto backend = storage::OpenRocksBackend((dir_ / "store").string(), true);
    if (!backend.ok()) throw std::runtime_error(backend.error().message);
    storage::StoreOptions o;
    o.resume_interval = std::chrono::milliseconds(0);
    auto opened = storage::LogStore::Open(wrap(std::move(backend).value()), o);
    if (!opened.ok()) throw std::runtime_error(opened.error().message);
    store_ = std::shared_ptr<storage::EventStore>(std::move(opened).value());
  } else {
    auto opened = storage::OpenRocksStore((dir_ / "store").string());
    if (!opened.ok()) throw std::runtime_error(opened.error().message);
    store_ = std::shared_ptr<storage::EventStore>(std::move(opened).value());
  }
  clock_ = std::make_shared<ManualClock>();
  server::ApplicationOptions options;
  options.clock = clock_;
  auto app = server::Application::Create(store_, config, options);
  if (!app.ok()) throw std::runtime_error(app.error().message);
  app_ = std::move(app).value();
  // Exactly what `assure serve` installs (server/serve_command.cc).
  Status installed = server::InstallRoutes(*app_, (dir_ / "store").string());
  if (!installed.ok()) throw std::runtime_error(installed.error().message);

  const std::int64_t now = clock_->NowMicros();
  tokens_.admin = Issue(auth::Role::kAdmin, std::nullopt, std::nullopt);
  tokens_.editor = Issue(auth::Role::kEditor, std::nullopt, std::nullopt);
  tokens_.secretary = Issue(auth::Role::kSecretary, std::nullopt, std::nullopt);
  tokens_.viewer = Issue(auth::Role::kViewer, std::nullopt, std::nullopt);
  tokens_.assessor = Issue(auth::Role::kAssessor, std::nullopt, now + 7 * 86400LL * 1000000);
  tokens_.expired = Issue(auth::Role::kEditor, std::nullopt, now + 1000000);
  tokens_.revoked = Issue(auth::Role::kEditor, std::nullopt, std::nullopt);
  auto rec = app_->token_index().FindBySecretHash(auth::Sha256Hex(tokens_.revoked));
  if (!rec) throw std::runtime_error("the revoked token is not indexed");
  auto revoked = app_->tokens().Revoke(rec->issued.token_id, "test", "test", "test");
  if (!revoked.ok()) throw std::runtime_error(revoked.error().message);
  tokens_.unknown = std::string(43, 'A');
  // The expired token's expiry passes; the assessor's does not.
  clock_->Advance(2 * 1000000);

  server_ = std::make_unique<server::Server>(*app_);
  Status st = server_->Start();
  if (!st.ok()) throw std::runtime_error(st.error().message);
}

RestServer::~RestServer() {
  server_->Shutdown();
  server_->Wait();
  server_.reset();
  app_.reset();
  store_.reset();
  if (keep_dir_) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RestServer::ScopeEditorTo(const std::string& group_id) {
  tokens_.scoped_editor = Issue(auth::Role::kEditor, group_id, std::nullopt);
}

std::string RestServer::Issue(auth::Role role, std::optional<std::string> group,
                              std::optional<std::int64_t> expires_at_us) {
  auth::IssueTokenRequest req;
  req.name = std::string(auth::RoleName(role)) + " holder";
  req.role = role;
  req.group_scope = std::move(group);
  req.expires_at_us = expires_at_us;
  auto issued = app_->tokens().Issue(req, "test", "test");
  if (!issued.ok()) throw std::runtime_error(issued.error().message);
  return issued->secret;
}

HttpReply Send(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& token, const std::string& body, Headers headers) {
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return server::testing::Call(port, method, target, body, headers);
}

::testing::AssertionResult IsProblem(const HttpReply& r, int status, const std::string& field) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << " (HTTP " << r.status << ": " << r.body << ")";
  };
  if (r.status != status) return fail("expected HTTP " + std::to_string(status));
  if (r.Header("Content-Type").rfind("application/problem+json", 0) != 0) {
    return fail("Content-Type is '" + r.Header("Content-Type") + "', not problem+json");
  }
  json j = r.Json();
  if (!j.is_object()) return fail("the body is not a JSON object");
  if (!j.contains("type") || !j["type"].is_string() ||
      j["type"].get<std::string>().rfind("urn:assure:problem:", 0) != 0) {
    return fail("no stable `type`");
  }
  if (!j.contains("title") || !j["title"].is_string() || j["title"].get<std::string>().empty()) {
    return fail("no `title`");
  }
  if (!j.contains("status") || j["status"] != status) return fail("`status` differs");
  if (!j.contains("detail") || !j["detail"].is_string() || j["detail"].get<std::string>().empty()) {
    return fail("no `detail`");
  }
  if (!field.empty() && (!j.contains("field") || j["field"] != field)) {
    return fail("`field` is not '" + field + "'");
  }
  return ::testing::AssertionSuccess();
}

json RestTest::Must(const std::string& target, const json& body, const std::string& token,
                    int status) {
  HttpReply r = Post(target, body, token);
  EXPECT_EQ(r.status, status) << "POST " << target << " " << body.dump() << " -> " << r.body;
  return r.Json();
}

std::string RestTest::Create(const std::string& collection, const json& body,
                             const std::string& token) {
  HttpReply r = Post("/api/v1/" + collection, body, token);
  EXPECT_EQ(r.status, 201) << "create " << collection << " " << body.dump() << " -> " << r.body;
  json j = r.Json();
  if (!j.is_object() || !j.contains("id")) return {};
  EXPECT_EQ(r.Header("Location"), "/api/v1/" + collection + "/" + j["id"].get<std::string>());
  return j["id"].get<std::string>();
}

void InParallel(int n, const std::function<void(int)>& fn) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(fn, i);
  for (auto& t : threads) t.join();
}

World BuildWorld(RestTest& t) {
  World w;
  const std::string& admin = t.tok().admin;
  w.org = t.Create("organisations", {{"name", "North Trust"}, {"kind", "trust"}}, admin);
  w.chair = t.Create("people", {{"name", "Ada Chair"}, {"organisation_id", w.org}}, admin);
  w.member = t.Create("people", {{"name", "Ben Member"}, {"organisation_id", w.org}}, admin);
  w.outsider = t.Create("people", {{"name", "Cy Outsider"}}, admin);
  w.group_in = t.Create("groups",
                        {{"name", "Imaging SIG"},
                         {"kind", "sig"},
                         {"quorum_rule", {{"min_present", 2}, {"min_percent", 50}, {"chair_required", true}}}},
                        admin);
  w.group_out = t.Create("groups", {{"name", "Pharmacy SIG"}, {"kind", "sig"}}, admin);
  t.Must("/api/v1/groups/" + w.group_in + "/appoint-member",
         {{"person_id", w.chair}, {"role", "chair"}, {"start_date", "2020-01-01"}}, admin);
  t.Must("/api/v1/groups/" + w.group_in + "/appoint-member",
         {{"person_id", w.member}, {"role", "member"}, {"start_date", "2020-01-01"}}, admin);
  w.programme_in = t.Create("programmes", {{"group_id", w.group_in}, {"year", "2024-25"}, {"title", "Imaging"}}, admin);
  w.programme_out = t.Create("programmes", {{"group_id", w.group_out}, {"year", "2024-25"}}, admin);
  w.deliverable_in = t.Create("deliverables",
                              {{"programme_id", w.programme_in},
                               {"title", "Reporting turnaround"},
                               {"owner", "Ada Chair"},
                               {"ragb", "blue"},
                               {"status", "in-progress"},
                               {"date_initiated", "2024-04-01"},
                               {"planned_end", "2025-03-31"},
                               {"mm_qsin_reference", "Operational Governance IN-601"}},
                              admin);
  w.deliverable_out = t.Create("deliverables",
                               {{"programme_id", w.programme_out}, {"title", "Stock audit"}, {"ragb", "amber"}},
                               admin);
  w.qsin_code = "IN-601";
  t.Create("qsin/statements",
           {{"code", w.qsin_code}, {"title", "Governance"}, {"edition", "2023"}, {"section", "1"}}, admin);
  t.srv().ScopeEditorTo(w.group_in);
  return w;
}

}  // namespace assure::rest_test
