// The transport-independent pieces: problem table, router, target parsing,
// redaction, pagination, rate limiter, roles, expiry parsing, config.
#include <gtest/gtest.h>

#include "api/auth/role.h"
#include "api/auth/token_codec.h"
#include "api/http/concurrency_limiter.h"
#include "api/http/live_credential.h"
#include "api/http/openapi.h"
#include "api/http/problem.h"
#include "api/http/query.h"
#include "api/http/rate_limiter.h"
#include "api/http/router.h"
#include "server/client_connections.h"
#include "server/server_config.h"
#include "domain/calendar.h"
#include "storage/event_store.h"

namespace assure {
namespace {

using api::http::Request;
using api::http::Response;

TEST(ProblemTest, EveryErrorCodeHasAStatusAndAStableType) {
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kInvalidArgument, "x")), 400);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kInvalidArgument, "x", "name")), 422);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kNotFound, "x")), 404);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kRuleViolation, "x")), 409);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kPreconditionFailed, "x")), 412);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kTooLarge, "x")), 413);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kUnsupportedMediaType, "x")), 415);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kUnauthenticated, "x")), 401);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kForbidden, "x")), 403);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kRateLimited, "x")), 429);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kUnavailable, "x")), 503);
  EXPECT_EQ(api::http::HttpStatusFor(MakeError(ErrorCode::kIoError, "x")), 500);
  Error e = MakeError(ErrorCode::kWrongExpectedVersion, "stale", "");
  e.actual_version = 7;
  auto body = api::http::ProblemBody(e, "cid-1");
  EXPECT_EQ(body["type"], "urn:assure:problem:wrong-expected-version");
  EXPECT_EQ(body["status"], 409);
  EXPECT_EQ(body["current_version"], 7);
  EXPECT_EQ(body["correlation_id"], "cid-1");
  // 5xx details never carry internal messages.
  auto internal = api::http::ProblemBody(MakeError(ErrorCode::kIoError, "/secret/path failed"));
  EXPECT_EQ(internal["detail"].get<std::string>().find("/secret"), std::string::npos);
}

TEST(RouterTest, MatchesTemplatesPrefersLiteralsAndReports405) {
  api::http::Router r;
  auto h = [](const Request&) { return Response::NoContent(); };
  ASSERT_TRUE(r.Add("GET", "/api/v1/deliverables/{id}/history", h).ok());
  ASSERT_TRUE(r.Add("GET", "/api/v1/deliverables/{id}", h).ok());
  ASSERT_TRUE(r.Add("GET", "/api/v1/deliverables/search", h).ok());
  ASSERT_TRUE(r.Add("POST", "/api/v1/deliverables/{id}", h).ok());
  EXPECT_EQ(r.Add("GET", "/api/v1/deliverables/{other}", h).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(r.Add("GET", "no-slash", h).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.Add("GET", "/a//b", h).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.Add("GET", "/a/{b", h).error().code, ErrorCode::kInvalidArgument);

  auto m = r.Match("GET", {"api", "v1", "deliverables", "D 1", "history"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path_template, "/api/v1/deliverables/{id}/history");
  EXPECT_EQ(m.params["id"], "D 1");
  m = r.Match("GET", {"api", "v1", "deliverables", "search"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path_template, "/api/v1/deliverables/search");
  m = r.Match("DELETE", {"api", "v1", "deliverables", "x"});
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
  m = r.Match("GET", {"api", "v1", "nothing"});
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
}

TEST(QueryTest, ParsesDecodesAndRefusesBadTargets) {
  auto t = api::http::ParseTarget("/api/v1/x%20y/?a=1&b=two%20words&token=s3cret&flag");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "v1", "x y"}));
  ASSERT_EQ(t->query.size(), 4u);
  EXPECT_EQ(t->query[1].value, "two words");
  EXPECT_EQ(t->query[3].key, "flag");
  // A %2F stays inside its segment.
  t = api::http::ParseTarget("/a/b%2Fc");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->segments, (std::vector<std::string>{"a", "b/c"}));
  EXPECT_FALSE(api::http::ParseTarget("/a%zz").ok());
  EXPECT_FALSE(api::http::ParseTarget("http://example.org/").ok());
  EXPECT_FALSE(api::http::ParseTarget("*").ok());
}

TEST(LiveCredentialTest, TakesTheTokenFromSubprotocolsOnlyNextToAssureLive) {
  using api::http::TokenFromSubprotocols;
  EXPECT_EQ(TokenFromSubprotocols("assure-live, assure-token.ast_abc"), "ast_abc");
  EXPECT_EQ(TokenFromSubprotocols(" assure-token.ast_abc ,assure-live"), "ast_abc");
  EXPECT_EQ(TokenFromSubprotocols("assure-token.ast_abc"), std::nullopt);
  EXPECT_EQ(TokenFromSubprotocols("assure-live"), std::nullopt);
  EXPECT_EQ(TokenFromSubprotocols("assure-live, assure-token."), std::nullopt);
  EXPECT_EQ(TokenFromSubprotocols("chat, superchat"), std::nullopt);
  EXPECT_EQ(TokenFromSubprotocols(""), std::nullopt);
}

TEST(LiveCredentialTest, TheHeaderFirstThenTheSubprotocolAndNeverTheUrl) {
  using api::http::LiveCredentialOf;
  const std::vector<api::http::QueryParam> none;
  auto header = LiveCredentialOf("Bearer ast_h", "assure-live, assure-token.ast_p", none);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->credential, "Bearer ast_h");
  EXPECT_EQ(header->subprotocol, "");
  auto protocol = LiveCredentialOf(std::nullopt, "assure-live, assure-token.ast_p", none);
  ASSERT_TRUE(protocol.ok());
  EXPECT_EQ(protocol->credential, "Bearer ast_p");
  EXPECT_EQ(protocol->subprotocol, "assure-live");
  auto neither = LiveCredentialOf(std::nullopt, std::nullopt, none);
  ASSERT_TRUE(neither.ok());
  EXPECT_EQ(neither->credential, "");
  for (const char* key : {"token", "access_token", "Access_Token"}) {
    auto url = LiveCredentialOf("Bearer ast_h", std::nullopt, {{"x", "1"}, {key, "ast_q"}});
    ASSERT_FALSE(url.ok()) << key;
    EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(QueryTest, RedactsTokenValuesOnly) {
  EXPECT_EQ(api::http::RedactTarget("/live?token=abc&x=1"), "/live?token=REDACTED&x=1");
  EXPECT_EQ(api::http::RedactTarget("/live?x=1&TOKEN=abc"), "/live?x=1&TOKEN=REDACTED");
  EXPECT_EQ(api::http::RedactTarget("/live?to%6Ben=abc"), "/live?to%6Ben=REDACTED");
  EXPECT_EQ(api::http::RedactTarget("/live?access_token=abc"), "/live?access_token=REDACTED");
  EXPECT_EQ(api::http::RedactTarget("/plain"), "/plain");
  EXPECT_EQ(api::http::RedactTarget("/p?tokens=1"), "/p?tokens=1");
}

TEST(QueryTest, PaginationParams) {
  using Q = std::vector<api::http::QueryParam>;
  auto p = api::http::ParsePageParams(Q{}, 50, 500);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->limit, 50u);
  p = api::http::ParsePageParams(Q{{"limit", "10"}, {"offset", "20"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->limit, 10u);
  EXPECT_EQ(p->offset, 20u);
  EXPECT_EQ(api::http::ParsePageParams(Q{{"limit", "0"}}).error().field, "limit");
  EXPECT_EQ(api::http::ParsePageParams(Q{{"limit", "501"}}).error().field, "limit");
  EXPECT_EQ(api::http::ParsePageParams(Q{{"limit", "1x"}}).error().field, "limit");
  EXPECT_EQ(api::http::ParsePageParams(Q{{"offset", "-1"}}).error().field, "offset");
  EXPECT_FALSE(api::http::ParsePageParams(Q{{"offset", "1"}, {"cursor", "c"}}).ok());
}

TEST(RateLimiterTest, TokenBucketRefillsAndSeparatesKeys) {
  api::http::RateLimitConfig c;
  c.token_per_second = 1;
  c.token_burst = 2;
  c.ip_per_second = 1;
  c.ip_burst = 1;
  api::http::RateLimiter limiter(c);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.Take("a", true, t0).allowed);
  EXPECT_TRUE(limiter.Take("a", true, t0).allowed);
  auto refused = limiter.Take("a", true, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GE(refused.retry_after_seconds, 1);
  EXPECT_TRUE(limiter.Take("b", true, t0).allowed);   // another token
  EXPECT_TRUE(limiter.Take("a", false, t0).allowed);  // an IP "a" is another key
  EXPECT_TRUE(limiter.Take("a", true, t0 + std::chrono::milliseconds(1100)).allowed);
}

TEST(RateLimiterTest, KeyTableIsBounded) {
  api::http::RateLimitConfig c;
  c.ip_per_second = 0.001;
  c.ip_burst = 1;
  c.max_keys = 2;
  api::http::RateLimiter limiter(c);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.Take("1", false, t0).allowed);
  EXPECT_TRUE(limiter.Take("2", false, t0).allowed);
  EXPECT_FALSE(limiter.Take("3", false, t0).allowed);
}

TEST(RoleTest, PermissionTable) {
  using auth::Permission;
  using auth::Role;
  for (auto p : auth::kAllPermissions) EXPECT_TRUE(auth::RoleAllows(Role::kAdmin, p));
  EXPECT_TRUE(auth::RoleAllows(Role::kEditor, Permission::kEditProgrammeContent));
  EXPECT_TRUE(auth::RoleAllows(Role::kEditor, Permission::kManageDocuments));
  EXPECT_FALSE(auth::RoleAllows(Role::kEditor, Permission::kRunMeeting));
  EXPECT_FALSE(auth::RoleAllows(Role::kEditor, Permission::kManageTokens));
  EXPECT_TRUE(auth::RoleAllows(Role::kSecretary, Permission::kRunMeeting));
  EXPECT_FALSE(auth::RoleAllows(Role::kSecretary, Permission::kEditGroup));
  EXPECT_TRUE(auth::RoleAllows(Role::kViewer, Permission::kRead));
  EXPECT_FALSE(auth::RoleAllows(Role::kViewer, Permission::kBuildEvidencePack));
  EXPECT_TRUE(auth::RoleAllows(Role::kAssessor, Permission::kBuildEvidencePack));
  EXPECT_FALSE(auth::RoleAllows(Role::kAssessor, Permission::kAdminRead));
  for (auto r : auth::kAllRoles) EXPECT_EQ(auth::ParseRole(auth::RoleName(r)), r);
  EXPECT_FALSE(auth::ParseRole("root").has_value());
}

// A token's expiry goes through the calendar's one parser (domain/calendar.h);
// only "a date is valid through that day" is the token's own rule.
TEST(TokenExpiryTest, ADateIsValidThroughThatDay) {
  EXPECT_EQ(domain::FormatIsoSeconds(*auth::ParseExpiry("2024-02-29")), "2024-03-01T00:00:00Z");
  EXPECT_EQ(domain::FormatIsoSeconds(*auth::ParseExpiry("2024-06-01T12:30:00+01:00")),
            "2024-06-01T11:30:00Z");
  EXPECT_FALSE(auth::ParseExpiry("2023-02-29").ok());
  EXPECT_FALSE(auth::ParseExpiry("2024-06-01T12:30").ok());  // no zone
  EXPECT_FALSE(auth::ParseExpiry("Mar-23").ok());
  auto comma = auth::ParseExpiry("2024-06-01T12:30:00,5Z", "--expires");
  ASSERT_FALSE(comma.ok());
  EXPECT_EQ(comma.error().field, "--expires");
}

// Issue 15: a replay paces itself to a quarter of the queue limit; below the
// minimum it cannot work, and the configuration says so, naming the key.
TEST(ServerConfigTest, RefusesAWebSocketQueueLimitAReplayCannotWorkWith) {
  auto bad = server::ParseServerConfig(R"({"websocket":{"queue_limit":15}})", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "websocket.queue_limit");
  EXPECT_NE(bad.error().message.find("websocket.queue_limit"), std::string::npos)
      << bad.error().message;
  auto ok = server::ParseServerConfig(R"({"websocket":{"queue_limit":16}})", {});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->ws_queue_limit, server::kMinWsQueueLimit);
}

TEST(ServerConfigTest, ParsesKnownKeysAndRefusesUnknownOnes) {
  auto c = server::ParseServerConfig(
      R"({"listen":"0.0.0.0:9000","http":{"body_limit_bytes":100,"idle_timeout_ms":50},
          "rate_limit":{"enabled":false},"websocket":{"queue_limit":70}})",
      server::ServerConfig{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->body_limit_bytes, 100u);
  EXPECT_EQ(c->idle_timeout.count(), 50);
  EXPECT_FALSE(c->rate_limit.enabled);
  EXPECT_EQ(c->ws_queue_limit, 70u);
  auto bad = server::ParseServerConfig(R"({"http":{"body_limit":1}})", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "http.body_limit");
  EXPECT_FALSE(server::ParseServerConfig(R"({"io_threads":"2"})", {}).ok());
  EXPECT_FALSE(server::ParseServerConfig("{", {}).ok());
}

TEST(ServerConfigTest, HistoryCacheBudgetInBytesWithItsDefault) {
  EXPECT_EQ(server::ServerConfig{}.history_cache_bytes, std::size_t{16} << 20);
  auto c = server::ParseServerConfig(R"({"storage":{"history_cache_bytes":0}})", {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->history_cache_bytes, 0u);
  auto bad = server::ParseServerConfig(R"({"storage":{"history_cache_bytes":-1}})", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "storage.history_cache_bytes");
}

TEST(ServerConfigTest, PartitionedIndexIsABooleanDefaultingAsTheStoreDoes) {
  EXPECT_EQ(server::ServerConfig{}.store_partitioned_index, storage::StoreOptions{}.partitioned_index);
  for (bool value : {true, false}) {
    auto c = server::ParseServerConfig(
        std::string(R"({"storage":{"partitioned_index":)") + (value ? "true" : "false") + "}}", {});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->store_partitioned_index, value);
  }
  auto bad = server::ParseServerConfig(R"({"storage":{"partitioned_index":1}})", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "storage.partitioned_index");
}

TEST(ServerConfigTest, ConnectionsPerClientAndReserve) {
  const server::ServerConfig defaults;
  EXPECT_EQ(defaults.max_connections_per_client, 64u);
  EXPECT_EQ(defaults.connection_reserve_percent, 5u);
  auto c = server::ParseServerConfig(
      R"({"http":{"max_connections_per_client":8,"connection_reserve_percent":10}})",
      server::ServerConfig{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->max_connections_per_client, 8u);
  EXPECT_EQ(c->connection_reserve_percent, 10u);
  EXPECT_FALSE(server::ParseServerConfig(R"({"http":{"connection_reserve_percent":90}})", {}).ok());
  EXPECT_FALSE(server::ParseServerConfig(R"({"http":{"max_connections_per_client":0}})", {}).ok());
  EXPECT_EQ(server::ReservedConnections(1024, 5), 52u);
  EXPECT_EQ(server::ReservedConnections(20, 5), 1u);
  EXPECT_EQ(server::ReservedConnections(20, 0), 0u);
  EXPECT_EQ(server::ReservedConnections(1, 50), 0u);
}

TEST(ServerConfigTest, BodyBytesInFlight) {
  EXPECT_EQ(server::ServerConfig{}.max_body_bytes_in_flight, 256u << 20);
  auto c = server::ParseServerConfig(R"({"http":{"max_body_bytes_in_flight":134217728}})",
                                     server::ServerConfig{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->max_body_bytes_in_flight, 128u << 20);
  // The cap on bodies in flight must leave room for one body of each kind.
  auto small = server::ParseServerConfig(R"({"http":{"max_body_bytes_in_flight":1024}})", {});
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().field, "http.max_body_bytes_in_flight");
}

TEST(ServerConfigTest, HeavyConcurrency) {
  EXPECT_EQ(server::ServerConfig{}.heavy_concurrency, 2u);
  auto c = server::ParseServerConfig(R"({"workers":{"heavy_concurrency":4}})", {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->heavy_concurrency, 4u);
  EXPECT_FALSE(server::ParseServerConfig(R"({"workers":{"heavy_concurrency":0}})", {}).ok());
}

TEST(ConcurrencyLimiterTest, AtMostTheLimitAndPermitsGiveBack) {
  api::http::ConcurrencyLimiter limiter(2);
  auto a = limiter.TryAcquire();
  auto b = limiter.TryAcquire();
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  EXPECT_FALSE(limiter.TryAcquire());
  EXPECT_EQ(limiter.running(), 2u);
  { auto moved = std::move(a); }
  EXPECT_EQ(limiter.running(), 1u);
  auto c = limiter.TryAcquire();
  EXPECT_TRUE(c);
  EXPECT_FALSE(limiter.TryAcquire());
}

TEST(OpenApiTest, FillsPathParamsSecurityAndProblems) {
  api::http::Router r;
  api::http::RouteOptions o;
  o.permission = auth::Permission::kRead;
  o.openapi = api::http::OpenApiOperation("History of a deliverable", "deliverables");
  ASSERT_TRUE(r.Add("GET", "/api/v1/deliverables/{id}/history",
                    [](const Request&) { return Response::NoContent(); }, o)
                  .ok());
  auto doc = api::http::BuildOpenApi(r, {});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  auto op = doc["paths"]["/api/v1/deliverables/{id}/history"]["get"];
  EXPECT_EQ(op["summary"], "History of a deliverable");
  EXPECT_EQ(op["parameters"][0]["name"], "id");
  EXPECT_EQ(op["parameters"][0]["in"], "path");
  EXPECT_TRUE(op["responses"].contains("401"));
  EXPECT_TRUE(op["responses"].contains("403"));
  EXPECT_EQ(op["x-assure-permission"], "read");
  EXPECT_TRUE(doc["components"]["schemas"].contains("Problem"));
}

}  // namespace
}  // namespace assure
