// Trusted proxies: which address a request came from (server/client_address.h).
#include "server/client_address.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/server_config.h"
#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server {
namespace {

std::vector<IpNetwork> Nets(std::initializer_list<const char*> texts) {
  std::vector<IpNetwork> out;
  for (const char* t : texts) {
    auto n = ParseIpNetwork(t);
    EXPECT_TRUE(n.ok()) << t;
    if (n.ok()) out.push_back(*n);
  }
  return out;
}


TEST(ClientAddress, NetworksMatchByPrefix) {
  const auto nets = Nets({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "172.16.0.0/12"});
  EXPECT_TRUE(InNetworks("10.200.3.4", nets));
  EXPECT_TRUE(InNetworks("192.0.2.7", nets));
  EXPECT_FALSE(InNetworks("192.0.2.8", nets));
  EXPECT_TRUE(InNetworks("172.31.255.255", nets));
  EXPECT_FALSE(InNetworks("172.32.0.1", nets));
  EXPECT_TRUE(InNetworks("2001:db8:1::5", nets));
  EXPECT_FALSE(InNetworks("2001:db9::1", nets));
  EXPECT_TRUE(InNetworks("::ffff:10.1.1.1", nets));  // IPv4-mapped: as IPv4
  EXPECT_FALSE(InNetworks("not an address", nets));
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "host.example", "10.0.0"}) {
    EXPECT_FALSE(ParseIpNetwork(bad).ok()) << bad;
  }
}

TEST(ClientAddress, HeadersFromAnUntrustedPeerAreIgnored) {
  const auto proxies = Nets({"127.0.0.1"});
  EXPECT_EQ(ClientAddress("192.0.2.1", "203.0.113.9", false, proxies), "192.0.2.1");
  EXPECT_EQ(ClientAddress("192.0.2.1", "for=203.0.113.9", true, proxies), "192.0.2.1");
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9", false, {}), "127.0.0.1");
}

TEST(ClientAddress, ForwardedForFromATrustedProxy) {
  const auto proxies = Nets({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("127.0.0.1", "for=203.0.113.9;proto=https", true, proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", R"(For="[2001:db8:cafe::17]:4711")", true, proxies), "2001:db8:cafe::17");
  EXPECT_EQ(ClientAddress("127.0.0.1", R"(for="203.0.113.9:1234")", true, proxies), "203.0.113.9");
  // Right to left past the trusted proxies; what the client put first is not believed.
  EXPECT_EQ(ClientAddress("127.0.0.1", "for=198.51.100.1, for=203.0.113.9, for=10.1.2.3", true, proxies),
            "203.0.113.9");
  // Every hop trusted: the first.
  EXPECT_EQ(ClientAddress("127.0.0.1", "for=10.0.0.5, for=10.0.0.6", true, proxies), "10.0.0.5");
}

TEST(ClientAddress, XForwardedForFromATrustedProxy) {
  const auto proxies = Nets({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9", false, proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", false, proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", " 2001:db8::1 ", false, proxies), "2001:db8::1");
  EXPECT_EQ(ClientAddress("::ffff:127.0.0.1", "203.0.113.9", false, proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", std::nullopt, false, proxies), "127.0.0.1");
  // Every hop trusted: the furthest one named.
  EXPECT_EQ(ClientAddress("127.0.0.1", "10.0.0.5, 10.0.0.6", false, proxies), "10.0.0.5");
}

// What a client puts in front of the proxy's entry cannot move it: junk,
// "unknown", too many entries or too many bytes on the left are not read.
TEST(ClientAddress, WhatTheClientPrependsCannotHideItsAddress) {
  const auto proxies = Nets({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(ClientAddress("127.0.0.1", "unknown, 203.0.113.9", false, proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", "nonsense,,, 203.0.113.9", false, proxies), "203.0.113.9");
  std::string many;
  for (std::size_t i = 0; i <= 2 * kMaxForwardedEntries; ++i) many += "6.6.6." + std::to_string(i) + ", ";
  EXPECT_EQ(ClientAddress("127.0.0.1", many + "203.0.113.9", false, proxies), "203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", std::string(3 * kMaxForwardedBytes, 'x') + ", 203.0.113.9, 10.0.0.2", false,
                          proxies),
            "203.0.113.9");
  // An entry a trusted proxy wrote that is not an address: that proxy.
  EXPECT_EQ(ClientAddress("127.0.0.1", "unknown, 10.0.0.7", false, proxies), "10.0.0.7");
}

TEST(ClientAddress, MalformedHeadersLeaveThePeer) {
  const auto proxies = Nets({"127.0.0.1"});
  for (const char* bad : {"for=unknown", "for=_hidden", "for", "for=", "for=\"203.0.113.9", "by=10.0.0.1",
                          "for=1.2.3.4;for=5.6.7.8", "for=1.2.3.4 junk", "for=[::1"}) {
    EXPECT_EQ(ClientAddress("127.0.0.1", std::string(bad), true, proxies), "127.0.0.1") << bad;
  }
  for (const char* bad : {"", "203.0.113.9,", "unknown", "203.0.113.9, nonsense", "1.2.3"}) {
    EXPECT_EQ(ClientAddress("127.0.0.1", std::string(bad), false, proxies), "127.0.0.1") << bad;
  }
  EXPECT_EQ(ClientAddress("127.0.0.1", "203.0.113.9" + std::string(kMaxForwardedBytes, ' '), false, proxies),
            "127.0.0.1");
  std::string many;
  for (std::size_t i = 0; i <= kMaxForwardedEntries; ++i) many += (i ? ", " : "") + std::string("for=203.0.113.9");
  EXPECT_EQ(ClientAddress("127.0.0.1", many, true, proxies), "127.0.0.1");
}

TEST(ClientAddress, ConfigListsProxiesAndTlsFiles) {
  auto c = ParseServerConfig(R"({"trusted_proxies":["127.0.0.1","10.0.0.0/8"],
                                 "tls_certificate":"c.pem","tls_private_key":"k.pem"})", {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trusted_proxies.size(), 2u);
  EXPECT_EQ(c->tls_certificate, "c.pem");
  EXPECT_FALSE(ParseServerConfig(R"({"trusted_proxies":["10.0.0.0/40"]})", {}).ok());
  EXPECT_FALSE(ParseServerConfig(R"({"trusted_proxies":"10.0.0.1"})", {}).ok());
  EXPECT_FALSE(c->forwarded_header_rfc7239);
  auto rfc = ParseServerConfig(R"({"forwarded_header":"forwarded"})", {});
  ASSERT_TRUE(rfc.ok());
  EXPECT_TRUE(rfc->forwarded_header_rfc7239);
  EXPECT_FALSE(ParseServerConfig(R"({"forwarded_header":"x-real-ip"})", {}).ok());
  auto half = ParseServerConfig(R"({"tls_certificate":"c.pem"})", {});
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("tls_private_key"), std::string::npos);
}

// Behind a trusted proxy the per-address rate limit and the security log see
// the client the proxy names; from any other peer the headers are ignored.
TEST(ClientAddress, ServerTakesTheClientFromTrustedProxiesOnly) {
  auto cfg = testing::FastConfig();
  cfg.rate_limit.ip_per_second = 0.01;
  cfg.rate_limit.ip_burst = 2;
  cfg.trusted_proxies = Nets({"127.0.0.1"});
  testing::TestServer s(cfg);
  auto get = [&](const std::string& from, testing::Headers headers) {
    testing::RawConnection c(s.port(), from);
    if (!c.connected() || !c.Send(testing::BuildRequest("GET", "/api/v1/test/public", {}, headers, false))) return 0;
    auto r = c.Read();
    return r ? r->status : 0;
  };
  // Through the proxy: one bucket per client, whatever the proxy's address.
  EXPECT_EQ(get("127.0.0.1", {{"X-Forwarded-For", "203.0.113.9"}}), 200);
  EXPECT_EQ(get("127.0.0.1", {{"X-Forwarded-For", "6.6.6.6, 203.0.113.9"}}), 200);
  EXPECT_EQ(get("127.0.0.1", {{"X-Forwarded-For", "203.0.113.9"}}), 429);
  // A client's own Forwarded (passed on by nginx) names nobody: the
  // configured header is X-Forwarded-For, so this is the proxy's bucket.
  EXPECT_EQ(get("127.0.0.1", {{"Forwarded", "for=203.0.113.9"}}), 200);
  EXPECT_EQ(get("127.0.0.1", {{"X-Forwarded-For", "198.51.100.4"}}), 200);
  // Not a proxy: the headers change nothing, the peer's bucket counts.
  EXPECT_EQ(get("127.0.0.2", {{"X-Forwarded-For", "192.0.2.1"}}), 200);
  EXPECT_EQ(get("127.0.0.2", {{"X-Forwarded-For", "192.0.2.2"}}), 200);
  EXPECT_EQ(get("127.0.0.2", {{"X-Forwarded-For", "192.0.2.3"}}), 429);

  // The security log records the client named by the proxy.
  testing::RawConnection c(s.port(), "127.0.0.1");
  ASSERT_TRUE(c.Send(testing::BuildRequest("GET", "/api/v1/test/echo", {},
                                           {{"Authorization", "Bearer ast_wrong"},
                                            {"X-Forwarded-For", "198.51.100.77"}},
                                           false)));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  std::string seen;
  for (int i = 0; i < 500 && seen.empty(); ++i) {
    auto entries = s.app().security_log().Read(1, 100);
    ASSERT_TRUE(entries.ok());
    for (const auto& e : *entries) {
      if (e.path == "/api/v1/test/echo") seen = e.client_ip;
    }
    if (seen.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(seen, "198.51.100.77");
}

}  // namespace
}  // namespace assure::server
