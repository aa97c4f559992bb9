#include "server/metrics_listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "api/metrics/text_format.h"

namespace assure::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::chrono::seconds kRequestTimeout{10};
constexpr std::chrono::seconds kWriteTimeout{30};

class MetricsSession : public std::enable_shared_from_this<MetricsSession> {
 public:
  MetricsSession(tcp::socket&& socket, Application& app, std::shared_ptr<std::atomic<int>> count)
      : stream_(std::move(socket)), app_(app), count_(std::move(count)) {}
  ~MetricsSession() { count_->fetch_sub(1); }

  void Read() {
    req_ = {};
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(0);
    stream_.expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnRead(ec);
    });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec) return Close();
    req_ = parser_->release();
    const std::string_view target = req_.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics") return Answer(http::status::not_found, "not found: only GET /metrics is served here\n");
    if (req_.method() != http::verb::get && req_.method() != http::verb::head) {
      return Answer(http::status::method_not_allowed, "only GET /metrics\n");
    }
    // Collectors read the store and the disk: never on an I/O thread.
    const bool posted = app_.PostWork([self = shared_from_this()] {
      std::string body;
      bool ok = true;
      try {
        body = self->app_.metrics().Render();
      } catch (const std::exception& e) {
        spdlog::error("metrics: rendering failed: {}", e.what());
        ok = false;
      }
      net::post(self->stream_.get_executor(), [self, ok, body = std::move(body)]() mutable {
        if (!ok) return self->Answer(http::status::internal_server_error, "metrics failed\n");
        self->Answer(http::status::ok, std::move(body), std::string(api::metrics::kTextContentType));
      });
    });
    if (!posted) Answer(http::status::service_unavailable, "the server is busy; retry shortly\n");
  }

  void Answer(http::status status, std::string body, std::string content_type = "text/plain; charset=utf-8") {
    res_ = {status, req_.version()};
    res_.set(http::field::server, "assure");
    res_.set(http::field::content_type, content_type);
    if (status == http::status::method_not_allowed) res_.set(http::field::allow, "GET, HEAD");
    res_.keep_alive(req_.keep_alive());
    if (req_.method() != http::verb::head) res_.body() = std::move(body);
    res_.prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->res_.keep_alive()) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Application& app_;
  std::shared_ptr<std::atomic<int>> count_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;
};

}  // namespace

MetricsListener::MetricsListener(net::io_context& ioc, Application& app)
    : ioc_(ioc), app_(app), acceptor_(net::make_strand(ioc)) {}

Result<std::shared_ptr<MetricsListener>> MetricsListener::Start(net::io_context& ioc, Application& app,
                                                                const std::string& listen) {
  ServerConfig parsed;
  ASSURE_TRY(ParseListen(listen, parsed));
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  auto address = net::ip::make_address(parsed.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, parsed.port);
  } else {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(parsed.host, std::to_string(parsed.port), ec);
    if (ec || results.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "cannot resolve metrics_listen host " + parsed.host);
    }
    endpoint = results.begin()->endpoint();
  }
  auto self = std::make_shared<MetricsListener>(ioc, app);
  self->acceptor_.open(endpoint.protocol(), ec);
  if (!ec) self->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) self->acceptor_.bind(endpoint, ec);
  if (!ec) self->acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable, "cannot listen on " + listen + " (metrics_listen): " + ec.message());
  }
  const tcp::endpoint bound = self->acceptor_.local_endpoint(ec);
  spdlog::info("metrics on {}:{} (GET /metrics, no token)", bound.address().to_string(), bound.port());
  if (!bound.address().is_loopback()) {
    spdlog::warn("metrics_listen {} is beyond loopback: anyone who can reach it reads the server's metrics",
                 bound.address().to_string());
  }
  self->DoAccept();
  return self;
}

void MetricsListener::Stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
  });
}

void MetricsListener::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec,
                                                                           tcp::socket socket) {
    if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (ec) {
      // Out of descriptors and the like: back off instead of spinning.
      auto retry = std::make_shared<net::steady_timer>(self->acceptor_.get_executor(), std::chrono::milliseconds(100));
      retry->async_wait([self, retry](boost::system::error_code) { self->DoAccept(); });
      return;
    }
    {
      if (self->connections_->fetch_add(1) >= kMaxConnections) {
        self->connections_->fetch_sub(1);
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<MetricsSession>(std::move(socket), self->app_, self->connections_)->Read();
      }
    }
    self->DoAccept();
  });
}

}  // namespace assure::server
