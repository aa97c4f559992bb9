// One accepted connection as the sessions read and write it: plain TCP, or
// TLS over TCP (server/tls_context.h). It is an Asio AsyncStream, so Beast's
// HTTP and WebSocket algorithms run over either unchanged; its lowest layer
// (next_layer()) is the beast::tcp_stream whose expiry bounds every read,
// write and the TLS handshake.
//
// Thread safety: as a beast::tcp_stream (one strand).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <memory>
#include <utility>
#include <variant>

namespace assure::server {

class SessionStream {
 public:
  using PlainStream = boost::beast::tcp_stream;
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using executor_type = PlainStream::executor_type;
  using next_layer_type = PlainStream;

  explicit SessionStream(boost::asio::ip::tcp::socket&& socket)
      : stream_(std::in_place_type<PlainStream>, std::move(socket)) {}
  // TLS with `context`, held for as long as the connection lives.
  SessionStream(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<boost::asio::ssl::context> context)
      : context_(std::move(context)), stream_(std::in_place_type<TlsStream>, std::move(socket), *context_) {}
  SessionStream(SessionStream&&) = default;

  bool tls() const { return std::holds_alternative<TlsStream>(stream_); }
  executor_type get_executor() { return next_layer().get_executor(); }
  PlainStream& next_layer() {
    if (auto* t = std::get_if<TlsStream>(&stream_)) return t->next_layer();
    return std::get<PlainStream>(stream_);
  }

  template <class MutableBufferSequence, class ReadHandler>
  void async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    if (auto* t = std::get_if<TlsStream>(&stream_)) {
      t->async_read_some(buffers, std::forward<ReadHandler>(handler));
    } else {
      std::get<PlainStream>(stream_).async_read_some(buffers, std::forward<ReadHandler>(handler));
    }
  }
  template <class ConstBufferSequence, class WriteHandler>
  void async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    if (auto* t = std::get_if<TlsStream>(&stream_)) {
      t->async_write_some(buffers, std::forward<WriteHandler>(handler));
    } else {
      std::get<PlainStream>(stream_).async_write_some(buffers, std::forward<WriteHandler>(handler));
    }
  }

  // TLS only: the server side of the handshake, and the close_notify
  // exchange at the end.
  template <class Handler>
  void async_handshake(Handler&& handler) {
    std::get<TlsStream>(stream_).async_handshake(boost::asio::ssl::stream_base::server,
                                                 std::forward<Handler>(handler));
  }
  template <class Handler>
  void async_shutdown(Handler&& handler) {
    std::get<TlsStream>(stream_).async_shutdown(std::forward<Handler>(handler));
  }

  // WebSocket's closing handshake ends with the transport's teardown.
  friend void teardown(boost::beast::role_type role, SessionStream& s, boost::beast::error_code& ec) {
    using boost::beast::websocket::teardown;
    std::visit([&](auto& stream) { teardown(role, stream, ec); }, s.stream_);
  }
  template <class TeardownHandler>
  friend void async_teardown(boost::beast::role_type role, SessionStream& s, TeardownHandler&& handler) {
    using boost::beast::websocket::async_teardown;
    if (auto* t = std::get_if<TlsStream>(&s.stream_)) {
      async_teardown(role, *t, std::forward<TeardownHandler>(handler));
    } else {
      async_teardown(role, std::get<PlainStream>(s.stream_), std::forward<TeardownHandler>(handler));
    }
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;  // null for plain TCP
  std::variant<PlainStream, TlsStream> stream_;
};

}  // namespace assure::server
