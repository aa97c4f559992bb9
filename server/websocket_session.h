// One live-feed WebSocket connection (Beast), on its own strand; the
// LiveClient the LiveFeed sees.
//
// Outgoing messages go through a bounded queue (ws_queue_limit). Send posts
// to the strand; a write starts only when the queue goes from empty to one.
// When the queue is full the client is cut off: queued messages are dropped,
// {"type":"overflow","reason":...} is sent, then a close frame 1013 (try again
// later); a client that does not take them within ws_overflow_close_timeout is
// disconnected outright. No other client is slowed: nothing here blocks.
//
// Tokens: the server re-checks each connection's token (server/server.cc)
// and calls CloseNow when it was revoked, has expired or changed.
//
// Heartbeats: Beast's keep-alive pings after half of ws_idle_timeout without
// traffic; no traffic (no pong either) for ws_idle_timeout closes the
// connection.
//
// Thread safety: Send and Close may be called from any thread; everything
// else runs on the strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "api/http/live_feed.h"
#include "server/server_context.h"
#include "server/session_stream.h"

namespace assure::server {

class WebSocketSession : public api::http::LiveClient,
                         public std::enable_shared_from_this<WebSocketSession> {
 public:
  // `client_slot`: the connection's place in the per-address count
  // (ClientConnections), released when this session ends.
  // `stream`: the upgraded HTTP connection (plain or TLS).
  WebSocketSession(SessionStream&& stream, std::shared_ptr<ServerContext> ctx,
                   auth::Principal principal,
                   std::shared_ptr<ClientConnections::Slot> client_slot = nullptr);
  ~WebSocketSession() override;

  // Accepts the upgrade request (already authenticated). `subprotocol`, when
  // not empty, is the offered subprotocol the server chose (assure-live when
  // the token came as a subprotocol, api/http/live_credential.h).
  void Run(boost::beast::http::request<boost::beast::http::string_body> request,
           std::string subprotocol = {});

  std::uint64_t id() const override { return id_; }
  const auth::Principal& principal() const override { return principal_; }
  bool Send(std::shared_ptr<const std::string> text) override;
  void Close(std::string reason) override;
  // Messages sent and not yet written (approximate: messages dropped at
  // overflow or close are not subtracted, which only errs towards "busy").
  std::size_t pending() const override {
    long n = pending_.load(std::memory_order_relaxed);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  // Close with a code (e.g. 1001 going away at shutdown).
  void CloseWith(std::uint16_t code, std::string reason) override;
  // Drops every queued message (but the one being written), sends nothing
  // more and closes with `code` (the token no longer allows this
  // connection: api/live/PROTOCOL.md, close codes 4401 / 4403).
  void CloseNow(std::uint16_t code, std::string reason);

 private:
  void OnAccept(boost::beast::error_code ec);
  void DoRead();
  void OnRead(boost::beast::error_code ec, std::size_t bytes);
  void OnSend(std::shared_ptr<const std::string> text);
  void Overflow();
  void DoWrite();
  void OnWrite(boost::beast::error_code ec, std::size_t bytes);
  void StartClose(std::uint16_t code, std::string reason);
  void SendCloseFrame();
  void ArmCutOff();
  void Finish();
  void Abort();

  boost::beast::websocket::stream<SessionStream> ws_;
  std::shared_ptr<ServerContext> ctx_;
  auth::Principal principal_;
  std::uint64_t id_;
  boost::beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  boost::asio::steady_timer cut_off_;
  std::atomic<bool> closing_{false};
  std::atomic<long> pending_{0};  // Send calls not yet written  // read from Send on any thread
  bool accepted_ = false;
  bool writing_ = false;
  bool close_pending_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  std::uint16_t close_code_ = 1000;
  std::string close_reason_;
  std::shared_ptr<ClientConnections::Slot> client_slot_;
};

}  // namespace assure::server
