// TLS (README "Running in a trust"): HTTPS and WSS with a throwaway
// self-signed certificate, plain HTTP and silent clients on the TLS port,
// the certificate reloaded (ReloadTls, and SIGHUP to `assure serve`), and
// `assure import --server https://... --ca-file`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <fstream>
#include <regex>
#include <thread>

#include "server/http_client.h"
#include "tests/server/child_process.h"
#include "tests/server/test_certificate.h"
#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace beast = boost::beast;

ServerConfig TlsConfig(const TestCertificate& cert) {
  ServerConfig c = FastConfig();
  c.tls_certificate = cert.certificate.string();
  c.tls_private_key = cert.private_key.string();
  return c;
}

Result<HttpReplyData> Https(std::uint16_t port, const fs::path& ca_file, const std::string& method,
                            const std::string& target, const std::string& token = {},
                            const std::string& body = {}) {
  auto endpoint = ParseHttpUrl("https://127.0.0.1:" + std::to_string(port), ca_file.string());
  if (!endpoint.ok()) return endpoint.error();
  return HttpRequest(*endpoint, method, target, token, body, body.empty() ? "" : "application/json",
                     std::chrono::seconds(10));
}

// A live-feed client over WSS that verifies the server against `ca_file`
// and offers the token as a subprotocol, as the dashboard does. Each wait
// is bounded (5 s).
class WssClient {
 public:
  WssClient(std::uint16_t port, const fs::path& ca_file, const std::string& token)
      : ctx_(net::ssl::context::tls_client), ws_(ioc_, ctx_) {
    ctx_.load_verify_file(ca_file.string());
    ws_.next_layer().set_verify_mode(net::ssl::verify_peer);
    ws_.next_layer().set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
    auto& tcp = beast::get_lowest_layer(ws_);
    tcp.expires_after(std::chrono::seconds(5));
    Step([&](auto done) {
      tcp.async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), done);
    });
    if (ec_) return;
    Step([&](auto done) { ws_.next_layer().async_handshake(net::ssl::stream_base::client, done); });
    if (ec_) return;
    tcp.expires_never();
    ws_.set_option(beast::websocket::stream_base::decorator([token](beast::websocket::request_type& r) {
      r.set(beast::http::field::sec_websocket_protocol, "assure-live, assure-token." + token);
    }));
    Step([&](auto done) { ws_.async_handshake(response_, "127.0.0.1", "/api/v1/live", done); });
  }
  bool open() const { return !ec_; }
  std::string error() const { return ec_.message(); }
  std::string protocol() const { return std::string(response_[beast::http::field::sec_websocket_protocol]); }
  bool Send(const std::string& text) {
    Step([&](auto done) {
      ws_.async_write(net::buffer(text), [done](beast::error_code ec, std::size_t) { done(ec); });
    });
    return !ec_;
  }
  std::optional<std::string> Read() {
    beast::flat_buffer buffer;
    bool done = false;
    ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
      ec_ = ec;
      done = true;
    });
    RunAll();
    if (!done || ec_) return std::nullopt;
    return beast::buffers_to_string(buffer.data());
  }
  ~WssClient() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  // Starts one operation and runs it (5 s at most: then ec_ is would_block).
  template <class Start>
  void Step(Start start) {
    ec_ = net::error::would_block;
    start([this](beast::error_code ec) { ec_ = ec; });
    RunAll();
  }
  void RunAll() {
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(5));
  }
  net::io_context ioc_;
  net::ssl::context ctx_;
  beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  beast::websocket::response_type response_;
  beast::error_code ec_ = net::error::would_block;
};

TEST(TlsTest, HttpsAndWssRoundTrip) {
  ScratchDir dir("assure-tls-round-trip");
  const auto cert = MakeTestCertificate(dir.path, "server");
  TestServer s(TlsConfig(cert));
  auto health = Https(s.port(), cert.certificate, "GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.error().message;
  EXPECT_EQ(health->status, 200);

  const auto editor = s.Token(auth::Role::kEditor);
  auto read = Https(s.port(), cert.certificate, "GET", "/api/v1/test/echo?x=1", editor);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->status, 200);
  auto written = Https(s.port(), cert.certificate, "POST", "/api/v1/test/echo", editor, R"({"n":7})");
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->status, 200);
  EXPECT_NE(written->body.find(R"("got":{"n":7})"), std::string::npos) << written->body;
  auto refused = Https(s.port(), cert.certificate, "GET", "/api/v1/test/echo", "ast_wrong");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 401);
  // The body limits are the same as over plain HTTP.
  const std::string big = R"({"s":")" + std::string(s.app().config().body_limit_bytes, 'x') + R"("})";
  auto too_large = Https(s.port(), cert.certificate, "POST", "/api/v1/test/echo", editor, big);
  ASSERT_TRUE(too_large.ok()) << too_large.error().message;
  EXPECT_EQ(too_large->status, 413);

  // The certificate is not in the system's store: without the CA file the
  // client refuses the server.
  auto endpoint = ParseHttpUrl("https://127.0.0.1:" + std::to_string(s.port()));
  ASSERT_TRUE(endpoint.ok());
  auto untrusted = HttpRequest(*endpoint, "GET", "/healthz", "", "", "", std::chrono::seconds(10));
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.error().message.find("--ca-file"), std::string::npos) << untrusted.error().message;

  WssClient live(s.port(), cert.certificate, editor);
  ASSERT_TRUE(live.open()) << live.error();
  EXPECT_EQ(live.protocol(), "assure-live");
  ASSERT_TRUE(s.feed->WaitOpen(1));
  s.feed->all.Broadcast(std::make_shared<const std::string>(R"({"type":"event","position":1})"));
  EXPECT_EQ(live.Read(), R"({"type":"event","position":1})");
  ASSERT_TRUE(live.Send("over tls"));
  EXPECT_EQ(live.Read(), "echo:over tls");
}

TEST(TlsTest, PlainHttpAndSilentClientsAreCutOffAndTheServerLivesOn) {
  ScratchDir dir("assure-tls-plain");
  const auto cert = MakeTestCertificate(dir.path, "server");
  TestServer s(TlsConfig(cert));
  // Plain HTTP to the TLS port: the handshake fails and the connection closes.
  RawConnection plain(s.port());
  ASSERT_TRUE(plain.Send(BuildRequest("GET", "/healthz", {}, {}, false)));
  EXPECT_TRUE(plain.WaitClosed(5000ms));
  // A client that never starts the handshake, and one that stops halfway
  // through its ClientHello, are cut off like an incomplete header
  // (header_timeout, 400 ms here).
  RawConnection silent(s.port());
  RawConnection halfway(s.port());
  ASSERT_TRUE(halfway.Send(std::string("\x16\x03\x01\x02\x00\x01", 6)));
  EXPECT_TRUE(silent.WaitClosed(5000ms));
  EXPECT_TRUE(halfway.WaitClosed(5000ms));
  auto health = Https(s.port(), cert.certificate, "GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.error().message;
  EXPECT_EQ(health->status, 200);
}

TEST(TlsTest, ReloadServesTheNewCertificateAndKeepsTheOldOnABadFile) {
  ScratchDir dir("assure-tls-reload");
  const auto first = MakeTestCertificate(dir.path, "server");
  TestServer s(TlsConfig(first));
  EXPECT_EQ(ServedCertificateSha256(s.port()), first.sha256);
  const auto second = MakeTestCertificate(dir.path, "server");  // the same files, a new certificate
  ASSERT_NE(second.sha256, first.sha256);
  ASSERT_TRUE(s.server().ReloadTls().ok());
  EXPECT_EQ(ServedCertificateSha256(s.port()), second.sha256);
  auto health = Https(s.port(), second.certificate, "GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.error().message;

  std::ofstream(second.certificate) << "-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n";
  auto bad = s.server().ReloadTls();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(second.certificate.string()), std::string::npos) << bad.error().message;
  EXPECT_EQ(ServedCertificateSha256(s.port()), second.sha256);
  // A key that is not the certificate's is refused too.
  const auto other = MakeTestCertificate(dir.path, "other");
  fs::copy_file(other.certificate, second.certificate, fs::copy_options::overwrite_existing);
  ASSERT_FALSE(s.server().ReloadTls().ok());
  EXPECT_EQ(ServedCertificateSha256(s.port()), second.sha256);
}

TEST(TlsTest, WithoutTlsReloadIsRefusedAndHttpsFails) {
  TestServer s;
  EXPECT_FALSE(s.server().ReloadTls().ok());
  EXPECT_EQ(ServedCertificateSha256(s.port()), "");
  EXPECT_EQ(Call(s.port(), "GET", "/healthz").status, 200);
}

// `assure serve` as a child process with TLS from its config file.
struct TlsChildServer : ServeChild {
  TlsChildServer(const fs::path& dir, const fs::path& data, const TestCertificate& cert)
      : ServeChild(dir, data,
                   R"({"rate_limit":{"enabled":false},"tls_certificate":")" + cert.certificate.string() +
                       R"(","tls_private_key":")" + cert.private_key.string() + R"("})") {}
};

// Polls (up to 10 s) until `ready` holds.
template <class Pred>
bool TlsEventually(Pred ready) {
  for (int i = 0; i < 1000; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready();
}

TEST(TlsTest, ServeReloadsOnSighupAndTheCliTalksHttps) {
  ScratchDir dir("assure-tls-serve");
  const fs::path data = dir.path / "data";
  const auto first = MakeTestCertificate(dir.path, "server");
  TlsChildServer server(dir.path, data, first);
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_NE(server.log().find("(HTTPS and WSS only)"), std::string::npos) << server.log();
  std::string admin = Slurp(data / "first-admin-token");
  ASSERT_FALSE(admin.empty()) << server.log();
  admin.pop_back();
  const std::string bin = ASSURE_BIN;
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port());
  const fs::path err = dir.path / "cli.err";

  auto [code, out] = RunCommand(bin + " import '" + std::string(ASSURE_STRATEGY_MD) + "' --server " + url +
                                    " --ca-file " + first.certificate.string() + " --token " + admin,
                                err);
  EXPECT_EQ(code, 0) << Slurp(err);
  EXPECT_NE(out.find("rogramme"), std::string::npos) << out;
  auto backup = RunCommand(bin + " backup --server " + url + " --ca-file " + first.certificate.string() +
                               " --token " + admin + " --out tls-backup",
                           err);
  EXPECT_EQ(backup.first, 0) << Slurp(err);
  // Behind a proxy with a path prefix the request goes to PREFIX/api/v1/...
  // (here the server has no prefix: 404, exit 1), the prefix once.
  auto prefixed = RunCommand(bin + " backup --server " + url + "/assure --ca-file " + first.certificate.string() +
                                 " --token " + admin + " --out tls-backup-prefixed",
                             err);
  EXPECT_EQ(prefixed.first, 1) << Slurp(err);
  EXPECT_TRUE(TlsEventually([&] { return server.log().find("POST /assure/api/v1/admin/backups 404") != std::string::npos; }))
      << server.log();
  // Without the CA file the self-signed certificate is not trusted: exit 2.
  auto untrusted = RunCommand(bin + " import '" + std::string(ASSURE_STRATEGY_MD) + "' --dry-run --server " +
                                  url + " --token " + admin,
                              err);
  EXPECT_EQ(untrusted.first, 2);
  EXPECT_NE(Slurp(err).find("--ca-file"), std::string::npos) << Slurp(err);

  EXPECT_EQ(ServedCertificateSha256(server.port()), first.sha256);
  const auto second = MakeTestCertificate(dir.path, "server");
  server.Signal(SIGHUP);
  EXPECT_TRUE(TlsEventually([&] { return ServedCertificateSha256(server.port()) == second.sha256; }))
      << server.log();
  std::ofstream(second.private_key) << "not a key\n";
  server.Signal(SIGHUP);
  EXPECT_TRUE(TlsEventually([&] {
    return server.log().find("the previous certificate stays in use") != std::string::npos;
  })) << server.log();
  EXPECT_EQ(ServedCertificateSha256(server.port()), second.sha256);
  auto health = RunCommand(bin + " backup --server " + url + " --ca-file " + second.certificate.string() +
                               " --token " + admin + " --out tls-backup-2",
                           err);
  EXPECT_EQ(health.first, 0) << Slurp(err);
}

}  // namespace
}  // namespace assure::server::testing
