// HttpSession: an upgrade request on /api/v1/live, checked and handed over,
// with its connection (plain or TLS), to a WebSocketSession.
#include <boost/beast/http/field.hpp>

#include <optional>
#include <string_view>
#include <utility>

#include "api/http/live_credential.h"
#include "server/http_session.h"
#include "server/websocket_session.h"

namespace assure::server {

namespace http = boost::beast::http;

void HttpSession::HandleUpgrade() {
  if (!slots_.empty() || writing_) {
    Reply(Dispatcher::Problem(ErrorCode::kInvalidArgument,
                              "a WebSocket upgrade must not be pipelined", correlation_id_),
          true);
    return;
  }
  if (auto starting = ctx_->app.Starting()) {
    auto r = api::http::Response::Problem(*starting, correlation_id_);
    r.SetHeader("Retry-After", "1");
    Reply(std::move(r), true);
    return;
  }
  auto feed = ctx_->app.live_feed();
  if (!feed) {
    Reply(Dispatcher::Problem(ErrorCode::kNotFound, "the live feed is not available",
                              correlation_id_),
          true);
    return;
  }
  const auto& h = parser_->get();
  api::http::Request req;
  req.method = std::string(h.method_string());
  req.target = std::string(h.target());
  req.path = target_.path;
  req.client_ip = request_ip_;
  req.correlation_id = correlation_id_;
  // A token in the URL would show in browsers' history and proxies' logs:
  // refused (api/http/live_credential.h says where it goes instead).
  auto optional_field = [&h](http::field f) -> std::optional<std::string_view> {
    auto it = h.find(f);
    if (it == h.end()) return std::nullopt;
    return std::string_view(it->value());
  };
  auto live = api::http::LiveCredentialOf(optional_field(http::field::authorization),
                                          optional_field(http::field::sec_websocket_protocol), target_.query);
  if (!live.ok()) {
    Reply(api::http::Response::Problem(live.error(), correlation_id_), true);
    return;
  }
  const std::string& credential = live->credential;
  std::string subprotocol = std::move(live->subprotocol);
  if (auto refusal = ctx_->dispatcher.AdmitLive(req, credential)) {
    Reply(std::move(*refusal), true);
    return;
  }
  Dispatcher::LogRequest(req.method, req.target, request_ip_, 101, Clock::now() - started_,
                         correlation_id_);
  auto ws = std::make_shared<WebSocketSession>(std::move(stream_), ctx_,
                                               std::move(*req.principal), std::move(client_slot_));
  closed_ = true;
  reading_ = false;
  ws->Run(parser_->release(), std::move(subprotocol));
}

}  // namespace assure::server
