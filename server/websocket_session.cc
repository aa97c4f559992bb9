#include "server/websocket_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace assure::server {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

WebSocketSession::WebSocketSession(SessionStream&& stream,
                                   std::shared_ptr<ServerContext> ctx, auth::Principal principal,
                                   std::shared_ptr<ClientConnections::Slot> client_slot)
    : ws_(std::move(stream)),
      ctx_(std::move(ctx)),
      principal_(std::move(principal)),
      id_(ctx_->next_id++),
      cut_off_(ws_.get_executor()),
      client_slot_(std::move(client_slot)) {
  ctx_->connections++;
}

WebSocketSession::~WebSocketSession() { ctx_->connections--; }

void WebSocketSession::Run(beast::http::request<beast::http::string_body> request,
                           std::string subprotocol) {
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout t;
  t.handshake_timeout = ctx_->config.ws_handshake_timeout;
  t.idle_timeout = ctx_->config.ws_idle_timeout;
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
      [subprotocol = std::move(subprotocol)](websocket::response_type& res) {
        res.set(beast::http::field::server, "assure");
        if (!subprotocol.empty()) res.set(beast::http::field::sec_websocket_protocol, subprotocol);
      }));
  ws_.read_message_max(ctx_->config.ws_max_message_bytes);
  auto req = std::make_shared<beast::http::request<beast::http::string_body>>(std::move(request));
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), req] {
    self->ws_.async_accept(*req, [self, req](beast::error_code ec) { self->OnAccept(ec); });
  });
}

void WebSocketSession::OnAccept(beast::error_code ec) {
  if (ec) {
    spdlog::info("live client {}: handshake failed: {}", id_, ec.message());
    Finish();
    return;
  }
  accepted_ = true;
  auto self = shared_from_this();
  ctx_->websockets.Add(self);
  try {
    if (auto feed = ctx_->app.live_feed()) feed->OnOpen(self);
  } catch (const std::exception& e) {
    spdlog::error("live feed OnOpen threw: {}", e.what());
  }
  if (ctx_->draining) StartClose(static_cast<std::uint16_t>(websocket::close_code::going_away),
                                 "server shutting down");
  if (!queue_.empty() && !writing_) DoWrite();
  if (close_pending_ && queue_.empty() && !writing_) SendCloseFrame();
  DoRead();
}

void WebSocketSession::DoRead() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->OnRead(ec, n);
  });
}

void WebSocketSession::OnRead(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec != websocket::error::closed && ec != net::error::operation_aborted) {
      spdlog::info("live client {} disconnected: {}", id_, ec.message());
    }
    Finish();
    return;
  }
  if (ws_.got_text()) {
    const std::string text = beast::buffers_to_string(read_buffer_.data());
    try {
      if (auto feed = ctx_->app.live_feed()) feed->OnMessage(shared_from_this(), text);
    } catch (const std::exception& e) {
      spdlog::error("live feed OnMessage threw: {}", e.what());
    }
  }
  read_buffer_.consume(read_buffer_.size());
  DoRead();
}

bool WebSocketSession::Send(std::shared_ptr<const std::string> text) {
  if (closing_ || !text) return false;
  pending_.fetch_add(1, std::memory_order_relaxed);
  net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    self->OnSend(std::move(text));
  });
  return true;
}

void WebSocketSession::OnSend(std::shared_ptr<const std::string> text) {
  if (closing_ || finished_ || queue_.size() >= ctx_->config.ws_queue_limit) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    if (!closing_ && !finished_) Overflow();
    return;
  }
  queue_.push_back(std::move(text));
  if (queue_.size() == 1 && accepted_ && !writing_) DoWrite();
}

void WebSocketSession::Overflow() {
  ctx_->app.live_client_overflows().Inc();
  spdlog::warn("live client {} ({}) cut off: {} messages queued", id_, principal_.token_id,
               queue_.size());
  // Keep the message being written (a write in progress owns it).
  while (queue_.size() > (writing_ ? 1u : 0u)) queue_.pop_back();
  nlohmann::json msg = {
      {"type", "overflow"},
      {"reason", "the client fell too far behind; reconnect and resume from the last position seen"},
      {"queue_limit", ctx_->config.ws_queue_limit}};
  queue_.push_back(std::make_shared<const std::string>(msg.dump()));
  StartClose(static_cast<std::uint16_t>(websocket::close_code::try_again_later),
             "too far behind");
  if (!writing_ && accepted_) DoWrite();
}

void WebSocketSession::DoWrite() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                    self->OnWrite(ec, n);
                  });
}

void WebSocketSession::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    Abort();
    return;
  }
  if (!queue_.empty()) {
    queue_.pop_front();
    pending_.fetch_sub(1, std::memory_order_relaxed);
  }
  if (!queue_.empty()) {
    DoWrite();
    return;
  }
  if (close_pending_) SendCloseFrame();
}

void WebSocketSession::Close(std::string reason) {
  CloseWith(static_cast<std::uint16_t>(websocket::close_code::normal), std::move(reason));
}

void WebSocketSession::CloseWith(std::uint16_t code, std::string reason) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    self->StartClose(code, reason);
    if (self->accepted_ && self->queue_.empty() && !self->writing_) self->SendCloseFrame();
  });
}

void WebSocketSession::CloseNow(std::uint16_t code, std::string reason) {
  closing_ = true;  // Send refuses from now on, on any thread
  net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    if (self->finished_) return;
    // A write in progress still owns the front message.
    while (self->queue_.size() > (self->writing_ ? 1u : 0u)) self->queue_.pop_back();
    self->StartClose(code, reason);
    if (self->accepted_ && self->queue_.empty() && !self->writing_) self->SendCloseFrame();
  });
}

void WebSocketSession::StartClose(std::uint16_t code, std::string reason) {
  if (close_pending_ || finished_) return;
  closing_ = true;
  close_pending_ = true;
  close_code_ = code;
  if (reason.size() > 120) reason.resize(120);
  close_reason_ = std::move(reason);
  ArmCutOff();
}

void WebSocketSession::SendCloseFrame() {
  if (close_sent_ || finished_) return;
  close_sent_ = true;
  websocket::close_reason cr;
  cr.code = close_code_;
  cr.reason = close_reason_;
  ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {
    // The pending read completes too and calls Finish.
    self->Abort();
  });
}

void WebSocketSession::ArmCutOff() {
  cut_off_.expires_after(ctx_->config.ws_overflow_close_timeout);
  cut_off_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the close finished in time
    spdlog::info("live client {} did not take its close in time; disconnected", self->id_);
    self->Abort();
  });
}

void WebSocketSession::Abort() {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).close();
  Finish();
}

void WebSocketSession::Finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  cut_off_.cancel();
  // A write in progress still owns the front message.
  while (queue_.size() > (writing_ ? 1u : 0u)) queue_.pop_back();
  ctx_->websockets.Remove(id_);
  if (!accepted_) return;
  try {
    if (auto feed = ctx_->app.live_feed()) feed->OnClose(shared_from_this());
  } catch (const std::exception& e) {
    spdlog::error("live feed OnClose threw: {}", e.what());
  }
}

}  // namespace assure::server
