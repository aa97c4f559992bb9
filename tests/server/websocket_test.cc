// The live-feed WebSocket plumbing: authenticated upgrade, inbound messages,
// a bounded outgoing queue that cuts off a slow client without slowing
// others, heartbeats and idle timeout, close frames at shutdown.
#include <gtest/gtest.h>

#include <thread>

#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

TEST(WebSocketTest, UpgradeNeedsAToken) {
  TestServer s;
  int status = 0;
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live", {}, &status), nullptr);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live?token=ast_wrong", {}, &status), nullptr);
  EXPECT_EQ(status, 400);
  const auto viewer = s.Token(auth::Role::kViewer);
  // A token in the URL is refused even when it is valid (it would show in
  // browsers' history and proxies' logs), with a header or without.
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live?token=" + viewer, {}, &status), nullptr);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live?x=1&Access_Token=" + viewer, Bearer(viewer), &status),
            nullptr);
  EXPECT_EQ(status, 400);
  // From a browser: the token as a subprotocol next to assure-live; the
  // server chooses assure-live and never echoes the token.
  auto by_protocol = WsClient::Connect(
      s.port(), "/api/v1/live", {{"Sec-WebSocket-Protocol", "assure-live, assure-token." + viewer}}, &status);
  ASSERT_NE(by_protocol, nullptr);
  EXPECT_EQ(status, 101);
  EXPECT_EQ(by_protocol->protocol(), "assure-live");
  // The token protocol alone (without assure-live) is not a credential.
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live", {{"Sec-WebSocket-Protocol", "assure-token." + viewer}},
                              &status),
            nullptr);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live",
                              {{"Sec-WebSocket-Protocol", "assure-live, assure-token.ast_wrong"}}, &status),
            nullptr);
  EXPECT_EQ(status, 401);
  auto by_header = WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status);
  ASSERT_NE(by_header, nullptr);
  ASSERT_TRUE(s.feed->WaitOpen(2));
  ASSERT_TRUE(by_header->Send("hello"));
  EXPECT_EQ(by_header->Read(), "echo:hello");
  // Revoked tokens are refused at the upgrade.
  ASSERT_TRUE(s.app().tokens().Revoke(s.TokenId(viewer), "left", "test", "test").ok());
  EXPECT_EQ(WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status), nullptr);
  EXPECT_EQ(status, 401);
}

TEST(WebSocketTest, SlowClientIsCutOffWhileOthersKeepReceiving) {
  auto cfg = FastConfig();
  cfg.ws_queue_limit = 16;
  cfg.ws_overflow_close_timeout = Millis(500);
  TestServer s(cfg);
  const auto viewer = s.Token(auth::Role::kViewer);
  int status = 0;
  auto slow = WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status,
                                /*auto_read=*/false, /*small_receive_buffer=*/true);
  ASSERT_NE(slow, nullptr);
  auto fast = WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status);
  ASSERT_NE(fast, nullptr);
  ASSERT_TRUE(s.feed->WaitOpen(2));
  const std::string payload(32 * 1024, 'p');
  int sent = 0;
  bool slow_closed = false;
  // Batches the fast client keeps up with; the slow one never reads.
  for (int batch = 0; batch < 400 && !slow_closed; ++batch) {
    for (int i = 0; i < 8; ++i) {
      s.feed->all.Broadcast(
          std::make_shared<const std::string>(std::to_string(sent++) + ":" + payload));
    }
    for (int i = sent - 8; i < sent; ++i) {
      auto m = fast->Read(std::chrono::milliseconds(5000));
      ASSERT_TRUE(m.has_value()) << "fast client starved at " << i;
      ASSERT_EQ(m->substr(0, m->find(':')), std::to_string(i));
    }
    std::lock_guard lock(s.feed->mu);
    slow_closed = !s.feed->closed.empty();
  }
  // Once it overflowed, the slow client gets ws_overflow_close_timeout to
  // take its close before it is disconnected.
  ASSERT_TRUE(slow_closed || s.feed->WaitClosed(1)) << "the slow client was never cut off";
  EXPECT_FALSE(fast->closed());
  // The fast client still receives.
  s.feed->all.Broadcast(std::make_shared<const std::string>("after"));
  EXPECT_EQ(fast->Read(), "after");
  // The slow client finds its connection gone (after whatever it had buffered,
  // possibly the overflow notice and a 1013 close frame).
  bool saw_overflow = false;
  while (auto m = slow->Read(std::chrono::milliseconds(3000))) {
    if (m->find("\"overflow\"") != std::string::npos) saw_overflow = true;
  }
  EXPECT_TRUE(slow->closed());
  if (saw_overflow) {
    EXPECT_EQ(slow->close_code(), 1013);
  }
}

TEST(WebSocketTest, HeartbeatKeepsReadersAndIdleTimeoutDropsSilentOnes) {
  auto cfg = FastConfig();
  cfg.ws_idle_timeout = Millis(400);
  TestServer s(cfg);
  const auto viewer = s.Token(auth::Role::kViewer);
  int status = 0;
  auto reader = WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status);
  auto silent = WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status,
                                  /*auto_read=*/false);
  ASSERT_NE(reader, nullptr);
  ASSERT_NE(silent, nullptr);
  // The reader answers pings (Beast replies while a read is pending).
  reader->Pump(std::chrono::milliseconds(1500));
  EXPECT_FALSE(reader->closed());
  ASSERT_TRUE(s.feed->WaitClosed(1));  // the silent one timed out
  silent->Pump(std::chrono::milliseconds(1000));
  EXPECT_TRUE(silent->closed());
  s.feed->all.Broadcast(std::make_shared<const std::string>("still here"));
  EXPECT_EQ(reader->Read(), "still here");
}

TEST(WebSocketTest, ServerSendsCloseFrameOnShutdownAndClientClose) {
  TestServer s;
  const auto viewer = s.Token(auth::Role::kViewer);
  const auto other = s.Token(auth::Role::kViewer);
  int status = 0;
  auto a = WsClient::Connect(s.port(), "/api/v1/live", Bearer(viewer), &status);
  ASSERT_NE(a, nullptr);
  auto b = WsClient::Connect(s.port(), "/api/v1/live", Bearer(other), &status);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(s.feed->WaitOpen(2));
  // LiveClient::Close from the feed side.
  for (auto& c : s.feed->all.Members()) {
    if (c->principal().token_id == s.TokenId(other)) c->Close("bye");
  }
  b->Pump(std::chrono::milliseconds(1000));
  EXPECT_TRUE(b->closed());
  EXPECT_EQ(b->close_code(), 1000);
  EXPECT_EQ(b->close_reason(), "bye");
  std::thread stopper([&] { s.Stop(); });
  a->Pump(std::chrono::milliseconds(3000));
  stopper.join();
  EXPECT_TRUE(a->closed());
  EXPECT_EQ(a->close_code(), 1001);
}

}  // namespace
}  // namespace assure::server::testing
