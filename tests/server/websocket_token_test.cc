// Issue 15: an open live-feed connection whose token is revoked, expires, or
// changes role or scope is closed with a code that says why (4401 / 4403,
// api/live/PROTOCOL.md); before, new upgrades were refused but the open
// connection went on receiving events.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "api/auth/token_codec.h"
#include "storage/types.h"
#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

using namespace std::chrono_literals;

// Connects, checks the connection receives a broadcast, returns it.
std::unique_ptr<WsClient> OpenLive(TestServer& s, const std::string& token, std::size_t n) {
  int status = 0;
  auto ws = WsClient::Connect(s.port(), "/api/v1/live", Bearer(token), &status);
  EXPECT_NE(ws, nullptr) << "upgrade refused: " << status;
  if (!ws) return nullptr;
  EXPECT_TRUE(s.feed->WaitOpen(n));
  s.feed->all.Broadcast(std::make_shared<const std::string>("hello"));
  EXPECT_EQ(ws->Read(), "hello");
  return ws;
}

// Reads until the connection closes (broadcasting meanwhile, so that a
// connection left open keeps getting messages); false if it stayed open.
bool ClosesWithin(TestServer& s, WsClient& ws, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    s.feed->all.Broadcast(std::make_shared<const std::string>("event"));
    auto m = ws.Read(100ms);
    if (!m && ws.closed()) return true;
  }
  return false;
}

TEST(WebSocketTokenTest, RevokedTokenIsClosedWith4401) {
  TestServer s;
  const auto viewer = s.Token(auth::Role::kViewer);
  const auto other = s.Token(auth::Role::kViewer);
  auto ws = OpenLive(s, viewer, 1);
  auto bystander = OpenLive(s, other, 2);
  ASSERT_TRUE(ws && bystander);
  ASSERT_TRUE(s.app().tokens().Revoke(s.TokenId(viewer), "left", "test", "test").ok());
  ASSERT_TRUE(ClosesWithin(s, *ws, 5000ms)) << "a revoked token's connection stayed open";
  EXPECT_EQ(ws->close_code(), 4401);
  EXPECT_EQ(ws->close_reason(), "token revoked");
  // Other connections are untouched.
  EXPECT_FALSE(bystander->closed());
  s.feed->all.Broadcast(std::make_shared<const std::string>("still here"));
  std::optional<std::string> m;
  do {
    m = bystander->Read();
  } while (m && *m == "event");
  EXPECT_EQ(m, "still here");
}

TEST(WebSocketTokenTest, ExpiredTokenIsClosedWith4401) {
  TestServer s;
  const std::int64_t now = s.clock().NowMicros();
  const auto viewer = s.Token(auth::Role::kViewer, std::nullopt, now + 60LL * 1000000);
  auto ws = OpenLive(s, viewer, 1);
  ASSERT_TRUE(ws);
  // Not yet expired: still open after a check or two.
  EXPECT_FALSE(ClosesWithin(s, *ws, 1500ms));
  s.clock().Advance(61LL * 1000000);
  ASSERT_TRUE(ClosesWithin(s, *ws, 5000ms)) << "an expired token's connection stayed open";
  EXPECT_EQ(ws->close_code(), 4401);
  EXPECT_EQ(ws->close_reason(), "token expired");
}

TEST(WebSocketTokenTest, TokenWhoseRoleChangedIsClosedWith4403) {
  TestServer s;
  const auto viewer = s.Token(auth::Role::kViewer);
  auto ws = OpenLive(s, viewer, 1);
  ASSERT_TRUE(ws);
  // The token's stream gets a TokenIssued with another role and a group
  // scope (the index takes the latest; no route does this today, but an
  // open connection must not keep a principal its token no longer has).
  const std::string id = s.TokenId(viewer);
  auto rec = s.app().token_index().FindById(id);
  ASSERT_TRUE(rec);
  auth::TokenIssued changed = rec->issued;
  changed.role = auth::Role::kSecretary;
  changed.group_scope = "exec-board";
  storage::ProposedEvent pe;
  pe.type = std::string(auth::kTokenIssuedType);
  pe.data = auth::EncodeTokenIssued(changed);
  pe.metadata.actor = "test";
  const std::string stream = std::string(auth::kTokenStreamPrefix) + id;
  auto info = s.store().GetStreamInfo(stream);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(
      s.store().Append(stream, storage::ExpectedVersion::Exact(info->current_version), {pe}).ok());
  ASSERT_TRUE(ClosesWithin(s, *ws, 5000ms)) << "a changed token's connection stayed open";
  EXPECT_EQ(ws->close_code(), 4403);
  EXPECT_EQ(ws->close_reason(), "token role or scope changed");
}

}  // namespace
}  // namespace assure::server::testing
