// Tokens and roles: lifecycle (create, use, revoke, expire) over HTTP, the
// authorisation matrix of the token and security-log endpoints, the security
// log, the index rebuilt from events, and the secret never being stored.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "api/auth/token_codec.h"
#include "api/auth/token_service.h"
#include "storage/fault_backend.h"
#include "tests/storage/test_util.h"
#include "storage/log_store.h"
#include "tests/server/child_process.h"
#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() /
           ("assure-server-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
  static inline int counter = 0;
};

TEST(AuthTest, TokenLifecycleOverHttp) {
  TestServer s;
  const auto admin = s.Token(auth::Role::kAdmin);
  auto r = Call(s.port(), "POST", "/api/v1/tokens", R"({"name":"Chair","role":"editor",
      "group_scope":"sig-qsi"})", Bearer(admin));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  const std::string secret = r.Json()["token"];
  const std::string id = r.Json()["token_id"];
  EXPECT_EQ(secret.size(), 4u + 64u);
  EXPECT_EQ(r.Json()["group_scope"], "sig-qsi");
  EXPECT_EQ(r.Json()["issued_by"], s.TokenId(admin));
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(secret)).status, 200);

  r = Call(s.port(), "GET", "/api/v1/tokens/" + id, "", Bearer(admin));
  EXPECT_EQ(r.Json()["status"], "active");
  EXPECT_FALSE(r.Json().contains("token"));
  EXPECT_EQ(r.body.find(auth::Sha256Hex(secret)), std::string::npos);

  r = Call(s.port(), "POST", "/api/v1/tokens/" + id + "/revoke", R"({"reason":"left the SIG"})",
           Bearer(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "revoked");
  auto refused = Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(secret));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.Json()["detail"], "the token has been revoked");
  EXPECT_EQ(Call(s.port(), "POST", "/api/v1/tokens/" + id + "/revoke", "", Bearer(admin)).status,
            409);
  EXPECT_EQ(Call(s.port(), "POST", "/api/v1/tokens/nope/revoke", "", Bearer(admin)).status, 404);

  r = Call(s.port(), "GET", "/api/v1/tokens?limit=10", "", Bearer(admin));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["total"], 2);
  EXPECT_EQ(r.Json()["items"][1]["status"], "revoked");
  EXPECT_EQ(r.Json()["items"][1]["revoke_reason"], "left the SIG");
  EXPECT_EQ(r.body.find(secret), std::string::npos);

  // The lifecycle is events in the token's stream, never with the secret.
  auto events = s.store().ReadStream("token-" + id, 0, storage::Direction::kForwards, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, "TokenIssued");
  EXPECT_EQ((*events)[1].type, "TokenRevoked");
  EXPECT_EQ((*events)[1].metadata.actor, s.TokenId(admin));
  EXPECT_EQ((*events)[0].data.find(secret), std::string::npos);
  EXPECT_NE((*events)[0].data.find(auth::Sha256Hex(secret)), std::string::npos);
}

TEST(AuthTest, TokensExpireAtUseTimeAndAssessorsMustExpire) {
  TestServer s;
  const auto admin = s.Token(auth::Role::kAdmin);
  auto r = Call(s.port(), "POST", "/api/v1/tokens", R"({"name":"Assessor","role":"assessor"})",
                Bearer(admin));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Json()["field"], "expires_at");
  r = Call(s.port(), "POST", "/api/v1/tokens",
           R"({"name":"Old","role":"viewer","expires_at":"2001-01-01"})", Bearer(admin));
  EXPECT_EQ(r.status, 422);
  const auto assessor =
      s.Token(auth::Role::kAssessor, std::nullopt, s.clock().NowMicros() + 3600LL * 1000000);
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(assessor)).status, 200);
  s.clock().Advance(3601LL * 1000000);
  r = Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(assessor));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json()["detail"], "the token has expired");
  r = Call(s.port(), "GET", "/api/v1/tokens", "", Bearer(admin));
  EXPECT_EQ(r.Json()["items"][1]["status"], "expired");
}

struct Endpoint {
  std::string method;
  std::string target;
  std::string body;
  bool admin_only;
};

TEST(AuthTest, AuthorisationMatrixOfTokenEndpoints) {
  TestServer s;
  const auto admin = s.Token(auth::Role::kAdmin);
  auto victim = s.app().tokens().Issue({"victim", auth::Role::kViewer, {}, {}, {}}, "t", "t");
  ASSERT_TRUE(victim.ok());
  const std::string victim_path = "/api/v1/tokens/" + victim->record.issued.token_id;
  const std::vector<Endpoint> endpoints = {
      {"POST", "/api/v1/tokens", R"({"name":"n","role":"viewer"})", true},
      {"GET", "/api/v1/tokens", "", true},
      {"GET", victim_path, "", true},
      {"POST", victim_path + "/revoke", "{}", true},
      {"GET", "/api/v1/security/log", "", true},
      {"GET", "/api/v1/test/echo", "", false},
  };
  std::map<std::string, std::string> callers;
  for (auto role : auth::kAllRoles) callers[std::string(auth::RoleName(role))] = s.Token(role);
  callers["scoped-editor"] = s.Token(auth::Role::kEditor, std::string("g1"));
  const auto revoked = s.Token(auth::Role::kAdmin);
  ASSERT_TRUE(s.app().tokens().Revoke(s.TokenId(revoked), "", "t", "t").ok());
  const auto expiring = s.Token(auth::Role::kAdmin, std::nullopt, s.clock().NowMicros() + 1000000);
  s.clock().Advance(2000000);

  for (const auto& e : endpoints) {
    for (const auto& [who, token] : callers) {
      if (e.admin_only && who == "admin") continue;  // admin runs last (it revokes)
      const auto head = s.store().Head().position;
      auto r = Call(s.port(), e.method, e.target, e.body, Bearer(token));
      const int expected = e.admin_only ? 403 : 200;
      EXPECT_EQ(r.status, expected) << who << " " << e.method << " " << e.target << " " << r.body;
      if (r.status == 403) {
        EXPECT_EQ(s.store().Head().position, head) << "a refused write appended something";
      }
    }
    for (const auto& [who, token] : std::map<std::string, std::string>{
             {"none", ""}, {"revoked", revoked}, {"expired", expiring}, {"garbage", "ast_0"}}) {
      const auto head = s.store().Head().position;
      auto r = Call(s.port(), e.method, e.target, e.body,
                    token.empty() ? Headers{} : Bearer(token));
      EXPECT_EQ(r.status, 401) << who << " " << e.method << " " << e.target;
      EXPECT_EQ(s.store().Head().position, head);
    }
    auto r = Call(s.port(), e.method, e.target, e.body, Bearer(admin));
    EXPECT_LT(r.status, 300) << "admin " << e.method << " " << e.target << " " << r.body;
  }
}

TEST(AuthTest, SecurityLogRecordsFailuresAdminActionsAndAssessorUse) {
  TestServer s;
  const auto admin = s.Token(auth::Role::kAdmin);
  const auto viewer = s.Token(auth::Role::kViewer);
  const auto assessor = s.Token(auth::Role::kAssessor);
  Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer("ast_not_a_token"));
  Call(s.port(), "GET", "/api/v1/tokens?token=ast_in_query", "", Bearer(viewer));
  Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(assessor));
  Call(s.port(), "POST", "/api/v1/tokens", R"({"name":"n","role":"viewer"})", Bearer(admin));
  // Entries are written from the worker pool; poll briefly.
  nlohmann::json items;
  for (int i = 0; i < 200; ++i) {
    auto r = Call(s.port(), "GET", "/api/v1/security/log?limit=100", "", Bearer(admin));
    ASSERT_EQ(r.status, 200);
    items = r.Json()["items"];
    if (items.size() >= 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::map<std::string, int> kinds;
  for (const auto& e : items) kinds[e["kind"].get<std::string>()]++;
  EXPECT_EQ(kinds["authentication_failure"], 1);
  EXPECT_EQ(kinds["forbidden"], 1);
  EXPECT_EQ(kinds["assessor_access"], 1);
  EXPECT_EQ(kinds["admin_action"], 1);
  const std::string dump = items.dump();
  EXPECT_EQ(dump.find("ast_"), std::string::npos) << "a token reached the security log";
  // Kept apart from business events: the log holds only token events.
  auto all = s.store().ReadAll(1, 1000);
  ASSERT_TRUE(all.ok());
  for (const auto& e : all->events) EXPECT_EQ(e.stream_id.rfind("token-", 0), 0u);
  // Paging by sequence number.
  auto page = Call(s.port(), "GET", "/api/v1/security/log?from=2&limit=1", "", Bearer(admin));
  ASSERT_EQ(page.Json()["items"].size(), 1u);
  EXPECT_EQ(page.Json()["items"][0]["seq"], 2);
  EXPECT_EQ(page.Json()["next_from"], 3);
}

TEST(AuthTest, IndexIsRebuiltFromEventsAndTheSecretIsNeverStored) {
  TempDir dir;
  std::string secret, revoked_secret, id;
  {
    auto store = storage::OpenRocksStore(dir.path.string());
    ASSERT_TRUE(store.ok());
    auth::TokenIndex index;
    ASSERT_TRUE(index.Attach(**store).ok());
    auth::TokenService tokens(**store, index, nullptr, nullptr);
    auto a = tokens.Issue({"Ada", auth::Role::kAdmin, {}, {}, {}}, "cli", "cli");
    auto b = tokens.Issue({"Bob", auth::Role::kEditor, std::string("g1"), {}, {}}, "cli", "cli");
    ASSERT_TRUE(a.ok() && b.ok());
    secret = a->secret;
    revoked_secret = b->secret;
    id = b->record.issued.token_id;
    ASSERT_TRUE(tokens.Revoke(id, "gone", "cli", "cli").ok());
  }
  EXPECT_FALSE(AnyFileContains(dir.path, secret));
  EXPECT_FALSE(AnyFileContains(dir.path, revoked_secret));
  EXPECT_FALSE(AnyFileContains(dir.path, secret.substr(4)));  // nor its random part
  auto store = storage::OpenRocksStore(dir.path.string());
  ASSERT_TRUE(store.ok());
  auth::TokenIndex index;
  ASSERT_TRUE(index.Attach(**store).ok());
  auth::Authorizer authorizer(index, nullptr);
  auto p = authorizer.Authenticate("Bearer " + secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, auth::Role::kAdmin);
  EXPECT_EQ(authorizer.Authenticate(revoked_secret).error().code, ErrorCode::kUnauthenticated);
  ASSERT_EQ(index.List().size(), 2u);
  EXPECT_EQ(*index.FindById(id)->issued.group_scope, "g1");
  EXPECT_TRUE(index.HasUsableAdmin(0));
  // The index follows new events through the subscription.
  auth::TokenService tokens(**store, index, nullptr, nullptr);
  auth::TokenIndex second;
  ASSERT_TRUE(second.Attach(**store).ok());
  auto c = tokens.Issue({"Cy", auth::Role::kViewer, {}, {}, {}}, "cli", "cli");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(second.FindById(c->record.issued.token_id).has_value());
}

// A start reads the token streams alone, whatever the length of the log
// (a scan of every event took seconds at 1,000,000 events).
TEST(AuthTest, TheIndexReadsOnlyTheTokenStreams) {
  auto [fault, store] = storage::testing::OpenFaultStore();
  ASSERT_TRUE(store);
  std::string id;
  {
    auth::TokenIndex index;
    ASSERT_TRUE(index.Attach(*store).ok());
    auth::TokenService tokens(*store, index, nullptr, nullptr);
    for (int i = 0; i < 200; ++i) {
      storage::ProposedEvent e;
      e.type = "Other";
      e.data = "{}";
      ASSERT_TRUE(store->Append("tokens-not-" + std::to_string(i % 3), storage::ExpectedVersion::Any(), {e}).ok());
      if (i == 100) {
        auto issued = tokens.Issue({"Ada", auth::Role::kAdmin, {}, {}, {}}, "cli", "cli");
        ASSERT_TRUE(issued.ok());
        id = issued->record.issued.token_id;
        ASSERT_TRUE(tokens.Revoke(id, "gone", "cli", "cli").ok());
        ASSERT_TRUE(tokens.Issue({"Bob", auth::Role::kEditor, {}, {}, {}}, "cli", "cli").ok());
      }
    }
  }
  const std::uint64_t scanned = fault->scanned_events();
  auth::TokenIndex index;
  ASSERT_TRUE(index.Attach(*store).ok());
  EXPECT_EQ(fault->scanned_events(), scanned) << "no event of the log was scanned";
  ASSERT_EQ(index.List().size(), 2u);
  EXPECT_TRUE(index.FindById(id)->revoked);
}

TEST(AuthTest, AuthorizeAppliesRoleAndScope) {
  auto store = storage::NewMemoryStore();
  auth::TokenIndex index;
  auth::Authorizer a(index, nullptr);
  auth::Principal p;
  p.role = auth::Role::kSecretary;
  EXPECT_TRUE(a.Authorize(p, auth::Permission::kRunMeeting, std::nullopt).ok());
  EXPECT_EQ(a.Authorize(p, auth::Permission::kEditGroup, std::nullopt).error().code,
            ErrorCode::kForbidden);
  p.group_scope = "exec-board";
  EXPECT_TRUE(a.Authorize(p, auth::Permission::kRunMeeting, std::string("exec-board")).ok());
  EXPECT_FALSE(a.Authorize(p, auth::Permission::kRunMeeting, std::string("ops-board")).ok());
  EXPECT_FALSE(a.Authorize(p, auth::Permission::kRunMeeting, std::nullopt).ok());
  EXPECT_TRUE(a.Authorize(p, auth::Permission::kRead, std::nullopt).ok());
  EXPECT_EQ(a.Authenticate("").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(a.Authenticate("Basic abc def").error().code, ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace assure::server::testing
