#include "server/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <atomic>

#include "server/http_session.h"

namespace assure::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, std::shared_ptr<ServerContext> ctx)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_(acceptor_.get_executor()),
      ctx_(std::move(ctx)) {}

Status Listener::Open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable, "cannot listen on " +
                                                  endpoint.address().to_string() + ":" +
                                                  std::to_string(endpoint.port()) + ": " +
                                                  ec.message());
  }
  return {};
}

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::Run() { DoAccept(); }

void Listener::Stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void Listener::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [self = shared_from_this()](boost::system::error_code ec,
                                                     tcp::socket socket) {
                           self->OnAccept(ec, std::move(socket));
                         });
}

void Listener::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors and the like: back off instead of spinning.
    spdlog::warn("accept failed: {}; retrying in 100 ms", ec.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->DoAccept();
    });
    return;
  }
  if (ctx_->draining) {
    boost::system::error_code ignored;
    socket.close(ignored);
    DoAccept();
    return;
  }
  boost::system::error_code ep_ec;
  const auto ep = socket.remote_endpoint(ep_ec);
  auto admission = ctx_->clients.Admit(ep_ec ? std::string("-") : ep.address().to_string());
  if (!admission.slot) {
    Refuse(std::move(socket), admission.refusal);
  } else {
    ctx_->connections++;
    try {
      SessionStream stream = ctx_->tls ? SessionStream(std::move(socket), ctx_->tls->Current())
                                       : SessionStream(std::move(socket));
      std::make_shared<HttpSession>(std::move(stream), ctx_, std::move(admission.slot))->Run();
    } catch (const std::exception& e) {
      spdlog::error("could not start a session: {}", e.what());
    }
  }
  DoAccept();
}

namespace {

// A refused connection: a short 503 problem+json, then a half-close and a
// moment (200 ms) to discard what the client had already sent, so that the
// answer is not lost to a TCP reset. At most kMaxRefusing are in progress;
// beyond, a refused connection is closed without an answer.
constexpr std::size_t kMaxRefusing = 256;
std::atomic<std::size_t> refusing{0};  // RefusedConnections alive

struct RefusedConnection : std::enable_shared_from_this<RefusedConnection> {
  explicit RefusedConnection(tcp::socket&& s) : stream(std::move(s)) { ++refusing; }
  ~RefusedConnection() { --refusing; }
  void Start() {
    stream.expires_after(std::chrono::milliseconds(200));
    http::async_write(stream, response, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Close();
      beast::error_code ignored;
      self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->Drain();
    });
  }
  void Drain() {
    stream.async_read_some(net::buffer(scratch),
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->Close();
                             self->Drain();
                           });
  }
  void Close() {
    beast::error_code ignored;
    stream.socket().close(ignored);
  }
  beast::tcp_stream stream;
  http::response<http::string_body> response;
  char scratch[512];
};

}  // namespace

void Listener::Refuse(tcp::socket socket, ClientConnections::Refusal why) {
  // A plain 503 means nothing to a TLS client, and a handshake is what the
  // refusal saves: over TLS the connection is just closed.
  if (refusing.load() >= kMaxRefusing || ctx_->tls) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  std::string detail;
  switch (why) {
    case ClientConnections::Refusal::kPerClient:
      detail = "too many connections from this address (the limit is " +
               std::to_string(ctx_->config.max_connections_per_client) +
               "); reuse a connection or retry later";
      break;
    case ClientConnections::Refusal::kReserve:
      detail = "the server is nearly full and this address holds its share of connections; "
               "retry later";
      break;
    default:
      detail = "the server has no free connection (the limit is " +
               std::to_string(ctx_->config.max_connections) + "); retry later";
      break;
  }
  auto r = std::make_shared<RefusedConnection>(std::move(socket));
  const std::string cid = Dispatcher::CorrelationId(std::nullopt);
  const auto problem = Dispatcher::Problem(ErrorCode::kUnavailable, std::move(detail), cid);
  auto& res = r->response;
  res.version(11);
  res.result(static_cast<http::status>(problem.status));
  res.set(http::field::server, "assure");
  res.set(http::field::content_type, problem.content_type);
  res.set(http::field::retry_after, "1");
  res.set("X-Correlation-Id", cid);
  res.keep_alive(false);
  res.body() = problem.body;
  res.prepare_payload();
  r->Start();
}

}  // namespace assure::server
