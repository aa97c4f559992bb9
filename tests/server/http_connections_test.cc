// The HTTP server's connections over real loopback sockets: keep-alive and
// pipelining, slow and silent clients cut off, idle connections closed,
// draining, connection limits (overall, per address, reserved), Expect:
// 100-continue.
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

TEST(HttpServerTest, KeepAliveAndPipeliningAnswerInOrder) {
  TestServer s;
  RawConnection c(s.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send(BuildRequest("GET", "/api/v1/test/public?n=" + std::to_string(i))));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->Json()["n"], std::to_string(i));
    EXPECT_TRUE(r->KeepAlive());
  }
  std::string batch;
  for (int i = 0; i < 6; ++i) {
    batch += BuildRequest("GET", i % 2 ? "/api/v1/test/public?n=" + std::to_string(i)
                                       : "/api/v1/test/items/" + std::to_string(i));
  }
  ASSERT_TRUE(c.Send(batch));
  for (int i = 0; i < 6; ++i) {
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->Json()[i % 2 ? "n" : "id"], std::to_string(i));
  }
}

TEST(HttpServerTest, PipeliningIsBounded) {
  auto cfg = FastConfig();
  cfg.max_pipelined = 2;
  TestServer s(cfg);
  RawConnection c(s.port());
  std::string batch;
  for (int i = 0; i < 4; ++i) batch += BuildRequest("GET", "/api/v1/test/slow?n=" + std::to_string(i));
  ASSERT_TRUE(c.Send(batch));
  ASSERT_TRUE(s.gate.WaitEntered(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(s.gate.entered(), 2);  // the 3rd and 4th are not read yet
  s.gate.Open();
  for (int i = 0; i < 4; ++i) {
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->Json()["n"], std::to_string(i));
  }
}

TEST(HttpServerTest, SlowLorisHeaderIsCutOff) {
  TestServer s;  // header_timeout 400 ms
  RawConnection c(s.port());
  const std::string req = BuildRequest("GET", "/healthz");
  // Trickle a byte every 100 ms: progress must not extend the deadline.
  bool closed = false;
  for (std::size_t i = 0; i + 4 < req.size() && i < 40; ++i) {
    if (!c.Send(req.substr(i, 1))) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(closed || c.WaitClosed(std::chrono::milliseconds(3000)));
}

TEST(HttpServerTest, SilentConnectionAndSlowBodyAreCutOff) {
  TestServer s;
  {
    RawConnection c(s.port());
    EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(3000)));
  }
  {
    const auto editor = s.Token(auth::Role::kEditor);
    RawConnection c(s.port());
    std::string req = BuildRequest("POST", "/api/v1/test/echo", std::string(100, ' '),
                                   Bearer(editor));
    ASSERT_TRUE(c.Send(req.substr(0, req.size() - 50)));
    EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(3000)));
  }
}

TEST(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  auto cfg = FastConfig();
  cfg.idle_timeout = Millis(300);
  TestServer s(cfg);
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/healthz")));
  ASSERT_TRUE(c.Read().has_value());
  EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(3000)));
}

TEST(HttpServerTest, DrainingAnswers503AndFinishesInFlightRequests) {
  TestServer s;
  RawConnection busy(s.port()), kept(s.port());
  ASSERT_TRUE(kept.Send(BuildRequest("GET", "/healthz")));
  ASSERT_TRUE(kept.Read().has_value());
  ASSERT_TRUE(busy.Send(BuildRequest("GET", "/api/v1/test/slow?n=inflight")));
  ASSERT_TRUE(s.gate.WaitEntered(1));
  std::thread stopper([&] { s.Stop(); });
  for (int i = 0; i < 500 && !s.server().draining(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(s.server().draining());
  ASSERT_TRUE(kept.Send(BuildRequest("GET", "/healthz")));
  auto r = kept.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 503, "unavailable");
  EXPECT_FALSE(r->KeepAlive());
  // New connections are refused while draining.
  RawConnection late(s.port());
  EXPECT_TRUE(!late.connected() || late.WaitClosed(std::chrono::milliseconds(2000)));
  s.gate.Open();
  auto done = busy.Read();
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->Json()["n"], "inflight");
  stopper.join();
}

TEST(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  auto cfg = FastConfig();
  cfg.max_connections = 2;
  TestServer s(cfg);
  RawConnection a(s.port()), b(s.port());
  for (auto* c : {&a, &b}) {
    ASSERT_TRUE(c->Send(BuildRequest("GET", "/healthz")));
    ASSERT_TRUE(c->Read().has_value());
  }
  RawConnection extra(s.port());
  EXPECT_TRUE(!extra.connected() || extra.WaitClosed(std::chrono::milliseconds(2000)));
  ASSERT_TRUE(a.Send(BuildRequest("GET", "/healthz")));
  auto r = a.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

// One address could take every connection (1,100 idle sockets refused all
// others, /healthz included). Now it may hold max_connections_per_client;
// the next gets a short 503 and the ones it has keep working.
TEST(HttpServerTest, ConnectionsPerClientAddressAreCapped) {
  auto cfg = FastConfig();
  cfg.max_connections_per_client = 2;
  cfg.idle_timeout = Millis(20000);
  TestServer s(cfg);
  auto a = std::make_unique<RawConnection>(s.port());
  RawConnection b(s.port());
  for (auto* c : {a.get(), &b}) {
    ASSERT_TRUE(c->Send(BuildRequest("GET", "/healthz")));
    ASSERT_TRUE(c->Read().has_value());
  }
  RawConnection over(s.port());
  auto r = over.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 503, "unavailable");
  EXPECT_EQ(r->Header("Retry-After"), "1");
  EXPECT_NE(r->Json()["detail"].get<std::string>().find("limit is 2"), std::string::npos) << r->body;
  EXPECT_FALSE(r->KeepAlive());
  EXPECT_TRUE(over.WaitClosed(std::chrono::milliseconds(2000)));
  // Another address is not affected.
  RawConnection other(s.port(), "127.0.0.2");
  ASSERT_TRUE(other.connected());
  ASSERT_TRUE(other.Send(BuildRequest("GET", "/healthz")));
  auto ro = other.Read();
  ASSERT_TRUE(ro.has_value());
  EXPECT_EQ(ro->status, 200);
  // The existing sessions survive.
  ASSERT_TRUE(b.Send(BuildRequest("GET", "/healthz")));
  auto rb = b.Read();
  ASSERT_TRUE(rb.has_value());
  EXPECT_EQ(rb->status, 200);
  // A closed connection gives its place back (bounded wait for the server
  // to see the close).
  a.reset();
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    RawConnection again(s.port());
    ASSERT_TRUE(again.Send(BuildRequest("GET", "/healthz")));
    auto ra = again.Read();
    admitted = ra.has_value() && ra->status == 200;
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

// The last connections (connection_reserve_percent of max_connections) are
// kept for addresses below their fair share: one address that fills the
// rest cannot take them, a health check from another address still gets in.
TEST(HttpServerTest, ReservedConnectionsAreLeftForOtherAddresses) {
  auto cfg = FastConfig();
  cfg.max_connections = 20;  // reserve: 5% = 1
  cfg.connection_reserve_percent = 5;
  cfg.idle_timeout = Millis(20000);
  TestServer s(cfg);
  std::vector<std::unique_ptr<RawConnection>> hog;
  for (int i = 0; i < 19; ++i) {
    hog.push_back(std::make_unique<RawConnection>(s.port()));
    ASSERT_TRUE(hog.back()->Send(BuildRequest("GET", "/healthz")));
    auto r = hog.back()->Read();
    ASSERT_TRUE(r.has_value()) << i;
    ASSERT_EQ(r->status, 200) << i;
  }
  RawConnection more(s.port());
  auto r = more.Read();
  ASSERT_TRUE(r.has_value());
  ExpectProblem(*r, 503, "unavailable");
  RawConnection probe(s.port(), "127.0.0.2");
  ASSERT_TRUE(probe.Send(BuildRequest("GET", "/healthz")));
  auto rp = probe.Read();
  ASSERT_TRUE(rp.has_value());
  EXPECT_EQ(rp->status, 200);
  // Now full: anyone is refused.
  RawConnection full(s.port(), "127.0.0.3");
  auto rf = full.Read();
  ASSERT_TRUE(rf.has_value());
  ExpectProblem(*rf, 503, "unavailable");
  for (auto& c : hog) {
    ASSERT_TRUE(c->Send(BuildRequest("GET", "/healthz")));
    auto rr = c->Read();
    ASSERT_TRUE(rr.has_value());
    EXPECT_EQ(rr->status, 200);
  }
}

TEST(HttpServerTest, ExpectContinueIsAnswered) {
  TestServer s;
  const auto editor = s.Token(auth::Role::kEditor);
  RawConnection c(s.port());
  const std::string body = R"({"x":1})";
  ASSERT_TRUE(c.Send("POST /api/v1/test/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + editor +
                     "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = c.Read();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.Send(body));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Json()["got"]["x"], 1);
}

}  // namespace
}  // namespace assure::server::testing
