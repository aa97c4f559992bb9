#include "tests/server/test_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cctype>

namespace assure::server::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {
bool IEq(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (IEq(k, name)) return v;
  }
  return {};
}

nlohmann::json HttpReply::Json() const { return nlohmann::json::parse(body, nullptr, false); }

bool HttpReply::KeepAlive() const { return !IEq(Header("Connection"), "close"); }

std::string BuildRequest(const std::string& method, const std::string& target,
                         const std::string& body, const Headers& headers, bool keep_alive) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    r += k + ": " + v + "\r\n";
    if (IEq(k, "Content-Type")) has_type = true;
  }
  if (!body.empty() && !has_type) r += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST") r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (!keep_alive) r += "Connection: close\r\n";
  r += "\r\n";
  r += body;
  return r;
}

struct RawConnection::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  bool ok = false;

  // Runs the reads started for up to `timeout`; when `done` is still false
  // then, cancels them and lets their handlers finish. Returns `done`.
  bool RunFor(std::chrono::milliseconds timeout, const bool& done) {
    ioc.restart();
    ioc.run_for(timeout);
    if (done) return true;
    beast::error_code ec;
    socket.cancel(ec);
    ioc.restart();
    ioc.run_for(1000ms);
    return false;
  }
};

RawConnection::RawConnection(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  impl_->ok = !ec;
}

RawConnection::RawConnection(std::uint16_t port, const std::string& from_address)
    : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  impl_->socket.open(tcp::v4(), ec);
  if (!ec) impl_->socket.bind(tcp::endpoint(net::ip::make_address(from_address), 0), ec);
  if (!ec) impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  impl_->ok = !ec;
}

RawConnection::~RawConnection() {
  beast::error_code ec;
  impl_->socket.close(ec);
}

bool RawConnection::connected() const { return impl_->ok; }

bool RawConnection::Send(const std::string& bytes) {
  beast::error_code ec;
  net::write(impl_->socket, net::buffer(bytes), ec);
  return !ec;
}

std::optional<HttpReply> RawConnection::Read(std::chrono::milliseconds timeout) {
  auto parser = std::make_shared<http::response_parser<http::string_body>>();
  parser->body_limit(64 << 20);
  parser->header_limit(64 * 1024);
  bool done = false;
  beast::error_code result;
  http::async_read(impl_->socket, impl_->buffer, *parser,
                   [&](beast::error_code ec, std::size_t) {
                     done = true;
                     result = ec;
                   });
  if (!impl_->RunFor(timeout, done)) return std::nullopt;
  if (result) return std::nullopt;
  auto msg = parser->release();
  HttpReply r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(msg.body());
  return r;
}

bool RawConnection::WaitClosed(std::chrono::milliseconds timeout) {
  bool done = false;
  beast::error_code result;
  char byte[512];
  std::function<void()> read_more;
  read_more = [&] {
    impl_->socket.async_read_some(net::buffer(byte), [&](beast::error_code ec, std::size_t) {
      if (ec) {
        done = true;
        result = ec;
        return;
      }
      read_more();  // discard data (e.g. an error response) until EOF
    });
  };
  impl_->buffer.consume(impl_->buffer.size());
  read_more();
  if (!impl_->RunFor(timeout, done)) return false;
  return true;
}

std::optional<std::string> RawConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  bool done = false;
  std::string got = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  char chunk[4096];
  std::function<void()> read_more;
  read_more = [&] {
    impl_->socket.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      got.append(chunk, n);
      if (ec) {
        done = true;
        return;
      }
      read_more();
    });
  };
  read_more();
  if (!impl_->RunFor(timeout, done)) return std::nullopt;
  return got;
}

HttpReply Call(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& body, const Headers& headers) {
  RawConnection c(port);
  if (!c.connected() || !c.Send(BuildRequest(method, target, body, headers, false))) return {};
  return c.Read().value_or(HttpReply{});
}

Headers Bearer(const std::string& token, Headers more) {
  more.emplace_back("Authorization", "Bearer " + token);
  return more;
}

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::deque<std::string> inbox;
  bool reading = false;
  bool closed = false;
  std::string protocol;

  void StartRead() {
    if (reading || closed) return;
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        closed = true;
        return;
      }
      inbox.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
      StartRead();
    });
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

std::string WsClient::protocol() const { return impl_->protocol; }

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).close(ec);
}

std::unique_ptr<WsClient> WsClient::Connect(std::uint16_t port, const std::string& target,
                                            const Headers& headers, int* status, bool auto_read,
                                            bool small_receive_buffer) {
  std::unique_ptr<WsClient> c(new WsClient());
  auto& sock = beast::get_lowest_layer(c->impl_->ws);
  beast::error_code ec;
  if (status) *status = 0;
  sock.open(tcp::v4(), ec);
  if (small_receive_buffer) sock.set_option(net::socket_base::receive_buffer_size(4096), ec);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return nullptr;
  c->impl_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& r) {
    for (const auto& [k, v] : headers) r.set(k, v);
  }));
  websocket::response_type res;
  c->impl_->ws.handshake(res, "127.0.0.1", target, ec);
  if (status) *status = static_cast<int>(res.result_int());
  if (ec) return nullptr;
  if (auto p = res.find(beast::http::field::sec_websocket_protocol); p != res.end()) {
    c->impl_->protocol = std::string(p->value());
  }
  c->impl_->ws.read_message_max(64 << 20);
  if (auto_read) c->impl_->StartRead();
  return c;
}

bool WsClient::Send(const std::string& text) {
  beast::error_code ec;
  bool done = false;
  impl_->ws.async_write(net::buffer(text), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  impl_->ioc.restart();
  while (!done) {
    if (impl_->ioc.run_one_for(5000ms) == 0) break;
  }
  return done && !ec;
}

std::optional<std::string> WsClient::Read(std::chrono::milliseconds timeout) {
  impl_->StartRead();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->inbox.empty() && !impl_->closed) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    impl_->ioc.restart();
    impl_->ioc.run_one_for(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
  if (impl_->inbox.empty()) return std::nullopt;
  std::string m = std::move(impl_->inbox.front());
  impl_->inbox.pop_front();
  return m;
}

std::vector<std::string> WsClient::Pump(std::chrono::milliseconds d) {
  std::vector<std::string> out;
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < deadline && !impl_->closed) {
    auto m = Read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (m) out.push_back(std::move(*m));
  }
  return out;
}

bool WsClient::closed() const { return impl_->closed; }
int WsClient::close_code() const { return impl_->ws.reason().code; }
std::string WsClient::close_reason() const { 
  const auto& r = impl_->ws.reason().reason;
  return std::string(r.data(), r.size());
}

}  // namespace assure::server::testing
