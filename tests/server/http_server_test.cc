// The HTTP server over real loopback sockets: routing, every error status the
// server produces (as problem+json), limits. Connections (keep-alive,
// pipelining, timeouts, draining, connection limits) are in
// http_connections_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "api/http/problem.h"
#include "tests/server/problem_expect.h"
#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

TEST(HttpServerTest, HealthAndCorrelationIds) {
  TestServer s;
  auto r = Call(s.port(), "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["status"], "alive");
  EXPECT_EQ(r.Header("X-Correlation-Id").size(), 16u);
  r = Call(s.port(), "GET", "/healthz", "", {{"X-Correlation-Id", "abc-123"}});
  EXPECT_EQ(r.Header("X-Correlation-Id"), "abc-123");
  // A client id that is not a plain token is replaced.
  r = Call(s.port(), "GET", "/healthz", "", {{"X-Correlation-Id", "bad id!"}});
  EXPECT_NE(r.Header("X-Correlation-Id"), "bad id!");
}

TEST(HttpServerTest, ReadinessFollowsTheCallback) {
  TestServer s;
  EXPECT_EQ(Call(s.port(), "GET", "/readyz").status, 200);
  s.ready_state = 1;
  auto r = Call(s.port(), "GET", "/readyz");
  ExpectProblem(r, 503, "unavailable");
  EXPECT_EQ(r.Json()["detail"], "projections are catching up");
}

// Polls /readyz until it answers `status` (up to 5 s).
bool ReadyzBecomes(TestServer& s, int status) {
  for (int i = 0; i < 500; ++i) {
    if (Call(s.port(), "GET", "/readyz").status == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(HttpServerTest, WhileWarmingUpOnlyHealthAndTheOpenApiAreServed) {
  Gate gate;  // outlives the server: the warm-up thread waits at it
  TestServer s;
  s.app().WarmUpInBackground([&gate]() -> Status {
    gate.Wait();
    return {};
  });
  auto r = Call(s.port(), "GET", "/api/v1/test/items/42");
  ExpectProblem(r, 503, "unavailable");
  EXPECT_EQ(r.Header("Retry-After"), "1");
  EXPECT_NE(r.Json()["detail"].get<std::string>().find("starting"), std::string::npos) << r.body;
  EXPECT_EQ(Call(s.port(), "GET", "/healthz").status, 200);
  ExpectProblem(Call(s.port(), "GET", "/readyz"), 503, "unavailable");
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/openapi.json").status, 200);
  gate.Open();
  ASSERT_TRUE(ReadyzBecomes(s, 200));
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/items/42").status, 200);
}

TEST(HttpServerTest, AFailedWarmUpKeepsAnswering503WithTheReason) {
  TestServer s;
  s.app().WarmUpInBackground(
      []() -> Status { return MakeError(ErrorCode::kCorruption, "the snapshot is unreadable"); });
  for (int i = 0; i < 500; ++i) {
    auto r = Call(s.port(), "GET", "/readyz");
    if (r.body.find("the snapshot is unreadable") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto ready = Call(s.port(), "GET", "/readyz");
  ExpectProblem(ready, 503, "unavailable");
  EXPECT_NE(ready.body.find("the snapshot is unreadable"), std::string::npos) << ready.body;
  ExpectProblem(Call(s.port(), "GET", "/api/v1/test/items/42"), 503, "unavailable");
  EXPECT_EQ(Call(s.port(), "GET", "/healthz").status, 200);
}

TEST(HttpServerTest, RoutingNotFoundAndMethodNotAllowed) {
  TestServer s;
  auto r = Call(s.port(), "GET", "/api/v1/test/items/42");
  EXPECT_EQ(r.Json()["id"], "42");
  r = Call(s.port(), "GET", "/api/v1/test/items/a%20b");
  EXPECT_EQ(r.Json()["id"], "a b");
  r = Call(s.port(), "GET", "/api/v1/test/items/search");
  EXPECT_EQ(r.Json()["search"], true);
  r = Call(s.port(), "GET", "/api/v1/nothing/here");
  ExpectProblem(r, 404, "not-found");
  EXPECT_FALSE(r.Json()["correlation_id"].get<std::string>().empty());
  r = Call(s.port(), "DELETE", "/api/v1/test/items/1");
  ExpectProblem(r, 405, "method-not-allowed");
  EXPECT_EQ(r.Header("Allow"), "GET");
}

TEST(HttpServerTest, MalformedRequestsGet400) {
  TestServer s;
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send("GARBAGE\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 400, "invalid-argument");
    EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(2000)));
  }
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 400);
  }
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send("POST /api/v1/test/public HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 400);
  }
  // The server is still fine.
  EXPECT_EQ(Call(s.port(), "GET", "/healthz").status, 200);
}

// RFC 9112 6.1/6.3: a Transfer-Encoding other than a lone `chunked`, or one
// beside Content-Length, leaves the body's end unknown. Before the fix the
// body was run as the next request (request smuggling).
TEST(HttpServerTest, UnsupportedTransferEncodingIs400AndCloses) {
  TestServer s;
  const std::string smuggled = "GET /api/v1/test/public?n=smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::vector<std::string> codings = {
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: xchunked\r\n",
      "Transfer-Encoding: chunked, gzip\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked;q=1\r\n",
      "Transfer-Encoding: identity\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n",
      "Content-Length: " + std::to_string(smuggled.size()) + "\r\nTransfer-Encoding: chunked\r\n",
  };
  for (const auto& te : codings) {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send("GET /api/v1/test/public?n=outer HTTP/1.1\r\nHost: x\r\n" + te + "\r\n" +
                       smuggled));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << te;
    ExpectProblem(*r, 400, "invalid-argument");
    EXPECT_FALSE(r->KeepAlive()) << te;
    // Nothing after the header is run as a request: the connection closes
    // with no second answer.
    auto rest = c.ReadUntilClosed(std::chrono::milliseconds(3000));
    ASSERT_TRUE(rest.has_value()) << te;
    EXPECT_EQ(*rest, "") << te;
  }
  // A lone chunked (any case) still works.
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send("GET /api/v1/test/public?n=ok HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: Chunked\r\n\r\n"
                     "0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Json()["n"], "ok");
}

TEST(HttpServerTest, AuthenticationAndAuthorisationErrors) {
  TestServer s;
  auto r = Call(s.port(), "GET", "/api/v1/test/echo");
  ExpectProblem(r, 401, "unauthenticated");
  EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer");
  r = Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer("ast_nope"));
  ExpectProblem(r, 401, "unauthenticated");
  r = Call(s.port(), "GET", "/api/v1/test/echo", "", {{"Authorization", "Basic dXNlcjpwYXNz"}});
  ExpectProblem(r, 401);
  const auto viewer = s.Token(auth::Role::kViewer);
  r = Call(s.port(), "GET", "/api/v1/test/echo?x=1", "", Bearer(viewer));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["actor"], s.TokenId(viewer));
  EXPECT_EQ(r.Json()["query"]["x"], "1");
  r = Call(s.port(), "POST", "/api/v1/test/echo", "{}", Bearer(viewer));
  ExpectProblem(r, 403, "forbidden");
  const auto editor = s.Token(auth::Role::kEditor);
  r = Call(s.port(), "POST", "/api/v1/test/echo", R"({"actor":"mallory"})", Bearer(editor));
  EXPECT_EQ(r.status, 200);
  // The actor comes from the token, never from the body.
  EXPECT_EQ(r.Json()["actor"], s.TokenId(editor));
}

TEST(HttpServerTest, GroupScopedTokens) {
  TestServer s;
  const auto scoped = s.Token(auth::Role::kEditor, std::string("sig-workforce"));
  EXPECT_EQ(Call(s.port(), "POST", "/api/v1/test/groups/sig-workforce/edit", "", Bearer(scoped)).status,
            200);
  ExpectProblem(Call(s.port(), "POST", "/api/v1/test/groups/sig-digital/edit", "", Bearer(scoped)),
                403, "forbidden");
  // A scoped token may not make scoped edits where no group is given.
  ExpectProblem(Call(s.port(), "POST", "/api/v1/test/echo", "{}", Bearer(scoped)), 403);
  // Reads are not restricted by scope.
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(scoped)).status, 200);
  const auto unscoped = s.Token(auth::Role::kEditor);
  EXPECT_EQ(Call(s.port(), "POST", "/api/v1/test/groups/sig-digital/edit", "", Bearer(unscoped)).status,
            200);
}

// A body was read (up to 64 MiB on a document route) before the token was
// looked at. Now the header alone decides: 401/403 at once, the body unread,
// the connection closed.
TEST(HttpServerTest, TokenAndPermissionAreCheckedBeforeTheBody) {
  auto cfg = FastConfig();
  cfg.body_timeout = Millis(10000);  // the test never sends the body
  TestServer s(cfg);
  const std::string header_only =
      "POST /api/v1/test/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
      "Content-Length: 60000\r\n";
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(header_only + "\r\n"));
    auto r = c.Read(std::chrono::milliseconds(5000));
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 401, "unauthenticated");
    EXPECT_EQ(r->Header("WWW-Authenticate"), "Bearer");
    EXPECT_FALSE(r->KeepAlive());
    EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(3000)));
  }
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(header_only + "Authorization: Bearer ast_nope\r\n\r\n"));
    auto r = c.Read(std::chrono::milliseconds(5000));
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 401, "unauthenticated");
  }
  {  // The viewer role may not manage documents.
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send(header_only + "Authorization: Bearer " + s.Token(auth::Role::kViewer) +
                       "\r\n\r\n"));
    auto r = c.Read(std::chrono::milliseconds(5000));
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 403, "forbidden");
    EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(3000)));
  }
  {  // A group-scoped token on another group's route.
    RawConnection c(s.port());
    ASSERT_TRUE(c.Send("POST /api/v1/test/groups/sig-digital/edit HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: 3000\r\n"
                       "Authorization: Bearer " +
                       s.Token(auth::Role::kEditor, std::string("sig-workforce")) + "\r\n\r\n"));
    auto r = c.Read(std::chrono::milliseconds(5000));
    ASSERT_TRUE(r.has_value());
    ExpectProblem(*r, 403, "forbidden");
  }
  // An editor's upload is read and handled as before.
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send(header_only + "Authorization: Bearer " + s.Token(auth::Role::kEditor) +
                     "\r\n\r\n" + std::string(60000, 'z')));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Json()["bytes"], 60000);
}

// The bytes of bodies in flight across the server are capped: a request
// whose declared body would pass the cap gets 503 + Retry-After at once.
TEST(HttpServerTest, BodyBytesInFlightAreCapped) {
  auto cfg = FastConfig();
  cfg.body_timeout = Millis(10000);
  cfg.max_body_bytes_in_flight = 100 * 1024;  // room for one 60,000-byte upload
  TestServer s(cfg);
  const std::string editor = s.Token(auth::Role::kEditor);
  const std::string header =
      "POST /api/v1/test/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
      "Content-Length: 60000\r\nAuthorization: Bearer " + editor + "\r\n\r\n";
  RawConnection a(s.port());
  // 100 Continue comes once a's header is admitted and its body reserved.
  ASSERT_TRUE(a.Send(header.substr(0, header.size() - 2) + "Expect: 100-continue\r\n\r\n"));
  auto interim = a.Read();
  ASSERT_TRUE(interim.has_value());
  ASSERT_EQ(interim->status, 100);
  RawConnection b(s.port());
  ASSERT_TRUE(b.Send(header));
  auto rb = b.Read();
  ASSERT_TRUE(rb.has_value());
  ExpectProblem(*rb, 503, "unavailable");
  EXPECT_EQ(rb->Header("Retry-After"), "1");
  // Small JSON bodies fit beside it.
  auto small = Call(s.port(), "POST", "/api/v1/test/echo", "{}", Bearer(editor));
  EXPECT_EQ(small.status, 200);
  ASSERT_TRUE(a.Send(std::string(60000, 'a')));
  auto ra = a.Read();
  ASSERT_TRUE(ra.has_value());
  EXPECT_EQ(ra->status, 200);
  EXPECT_EQ(ra->Json()["bytes"], 60000);
  // Once a's answer is written its reservation is free again.
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    auto r = Call(s.port(), "POST", "/api/v1/test/upload", std::string(60000, 'c'),
                  Bearer(editor, {{"Content-Type", "application/pdf"}}));
    admitted = r.status == 200;
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

TEST(HttpServerTest, BodyAndHeaderLimits) {
  TestServer s;
  const auto editor = s.Token(auth::Role::kEditor);
  const std::string big(5000, 'x');  // over the 4096-byte JSON limit
  auto r = Call(s.port(), "POST", "/api/v1/test/echo", "\"" + big + "\"", Bearer(editor));
  ExpectProblem(r, 413, "too-large");
  // Document uploads have the larger limit...
  r = Call(s.port(), "POST", "/api/v1/test/upload", big,
           Bearer(editor, {{"Content-Type", "application/pdf"}}));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["bytes"], 5000);
  // ...and refuse beyond it.
  r = Call(s.port(), "POST", "/api/v1/test/upload", std::string(70 * 1024, 'y'),
           Bearer(editor, {{"Content-Type", "application/pdf"}}));
  ExpectProblem(r, 413);
  // A chunked body over the limit.
  {
    RawConnection c(s.port());
    std::string req = "POST /api/v1/test/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      editor +
                      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    req += "1388\r\n" + std::string(5000, ' ') + "\r\n0\r\n\r\n";
    ASSERT_TRUE(c.Send(req));
    auto rr = c.Read();
    ASSERT_TRUE(rr.has_value());
    ExpectProblem(*rr, 413);
  }
  r = Call(s.port(), "GET", "/healthz", "", {{"X-Big", std::string(5000, 'h')}});
  ExpectProblem(r, 431, "header-too-large");
}

TEST(HttpServerTest, WrongMediaTypeGets415AndBadJsonA400AndBadFieldA422) {
  TestServer s;
  const auto admin = s.Token(auth::Role::kAdmin);
  auto r = Call(s.port(), "POST", "/api/v1/test/echo", "a=b",
                Bearer(admin, {{"Content-Type", "application/x-www-form-urlencoded"}}));
  ExpectProblem(r, 415, "unsupported-media-type");
  r = Call(s.port(), "POST", "/api/v1/test/echo", "{}",
           Bearer(admin, {{"Content-Type", "application/json; charset=utf-8"}}));
  EXPECT_EQ(r.status, 200);
  r = Call(s.port(), "POST", "/api/v1/tokens", "{not json", Bearer(admin));
  ExpectProblem(r, 400, "invalid-argument");
  EXPECT_FALSE(r.Json()["correlation_id"].get<std::string>().empty());
  r = Call(s.port(), "POST", "/api/v1/tokens", R"({"name":"x","role":"root"})", Bearer(admin));
  ExpectProblem(r, 422, "invalid-argument");
  EXPECT_EQ(r.Json()["field"], "role");
}

TEST(HttpServerTest, RateLimitGives429WithRetryAfter) {
  auto cfg = FastConfig();
  cfg.rate_limit.ip_per_second = 0.01;
  cfg.rate_limit.ip_burst = 2;
  cfg.rate_limit.token_per_second = 0.01;
  cfg.rate_limit.token_burst = 3;
  TestServer s(cfg);
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/public").status, 200);
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/public").status, 200);
  auto r = Call(s.port(), "GET", "/api/v1/test/public");
  ExpectProblem(r, 429, "rate-limited");
  EXPECT_GE(std::stoi(r.Header("Retry-After")), 1);
  // Health checks are not rate limited.
  EXPECT_EQ(Call(s.port(), "GET", "/healthz").status, 200);
  // A token has its own bucket.
  const auto viewer = s.Token(auth::Role::kViewer);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(viewer)).status, 200);
  }
  ExpectProblem(Call(s.port(), "GET", "/api/v1/test/echo", "", Bearer(viewer)), 429);
}

TEST(HttpServerTest, HandlerExceptionIs500WithCorrelationIdAndServerLivesOn) {
  TestServer s;
  auto r = Call(s.port(), "GET", "/api/v1/test/boom", "", {{"X-Correlation-Id", "trace-500"}});
  ExpectProblem(r, 500, "internal");
  EXPECT_EQ(r.Json()["correlation_id"], "trace-500");
  EXPECT_EQ(r.Header("X-Correlation-Id"), "trace-500");
  EXPECT_EQ(r.Json()["detail"].get<std::string>().find("kaboom"), std::string::npos);
  EXPECT_EQ(Call(s.port(), "GET", "/healthz").status, 200);
}

TEST(HttpServerTest, FullWorkerQueueGives503) {
  auto cfg = FastConfig();
  cfg.worker_threads = 1;
  cfg.worker_queue_limit = 1;
  TestServer s(cfg);
  RawConnection a(s.port()), b(s.port()), c(s.port());
  ASSERT_TRUE(a.Send(BuildRequest("GET", "/api/v1/test/slow?n=a")));
  ASSERT_TRUE(s.gate.WaitEntered(1));  // the only worker is busy
  ASSERT_TRUE(b.Send(BuildRequest("GET", "/api/v1/test/slow?n=b")));  // queued
  // Give b time to be queued before c arrives (b is not asserted on).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/api/v1/test/slow?n=c")));
  auto rc = c.Read();
  ASSERT_TRUE(rc.has_value());
  ExpectProblem(*rc, 503, "unavailable");
  EXPECT_EQ(rc->Header("Retry-After"), "1");
  s.gate.Open();
  auto ra = a.Read();
  ASSERT_TRUE(ra.has_value());
  EXPECT_EQ(ra->Json()["n"], "a");
  auto rb = b.Read();
  ASSERT_TRUE(rb.has_value());
  EXPECT_EQ(rb->Json()["n"], "b");
}

TEST(HttpServerTest, OpenApiDocumentListsRoutes) {
  TestServer s;
  auto r = Call(s.port(), "GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.Json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["paths"]["/api/v1/tokens"].contains("post"));
  EXPECT_TRUE(doc["paths"]["/api/v1/tokens/{id}/revoke"]["post"]["responses"].contains("403"));
  EXPECT_TRUE(doc["paths"]["/api/v1/test/items/{id}"].contains("get"));
  EXPECT_EQ(doc["paths"]["/healthz"]["get"]["security"], nlohmann::json::array());
}

}  // namespace
}  // namespace assure::server::testing
