#include "server/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include "api/http/problem.h"
#include "server/client_address.h"
#include "server/request_checks.h"

namespace assure::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using api::http::Response;

namespace {

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

bool IsHttpError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

}  // namespace

HttpSession::HttpSession(SessionStream&& stream, std::shared_ptr<ServerContext> ctx,
                         std::shared_ptr<ClientConnections::Slot> client_slot)
    : stream_(std::move(stream)),
      executor_(stream_.get_executor()),
      ctx_(std::move(ctx)),
      client_slot_(std::move(client_slot)) {
  id_ = ctx_->next_id++;
  beast::error_code ec;
  auto ep = stream_.next_layer().socket().remote_endpoint(ec);
  client_ip_ = ec ? std::string("-") : ep.address().to_string();
}

HttpSession::~HttpSession() {
  ctx_->in_flight -= static_cast<std::int64_t>(slots_.size());
  std::size_t reserved = body_reserved_;
  for (const auto& s : slots_) reserved += s.body_reserved;
  ctx_->body_bytes_in_flight -= reserved;
  ctx_->connections--;
  ctx_->RemoveSession(id_);
}

void HttpSession::Run() {
  ctx_->AddSession(id_, shared_from_this());
  net::dispatch(executor_, [self = shared_from_this()] {
    self->Guard("start", [&] { self->stream_.tls() ? self->Handshake() : self->StartRead(); });
  });
}

void HttpSession::Handshake() {
  // A client that does not finish the handshake is cut off as one that
  // does not finish its request header.
  stream_.next_layer().expires_after(ctx_->config.header_timeout);
  stream_.async_handshake([self = shared_from_this()](beast::error_code ec) {
    self->Guard("handshake", [&] { self->OnHandshake(ec); });
  });
}

void HttpSession::OnHandshake(beast::error_code ec) {
  if (ec == net::error::operation_aborted || closed_) return;
  if (ec == beast::error::timeout) {
    spdlog::info("{} cut off: TLS handshake not complete within {} ms", client_ip_,
                 ctx_->config.header_timeout.count());
  } else if (ec) {
    // Plain HTTP to the TLS port, an old protocol version, no shared cipher.
    spdlog::info("{} TLS handshake failed: {}", client_ip_, ec.message());
  }
  if (ec) {
    CloseNow();
    return;
  }
  StartRead();
}

void HttpSession::CloseGracefully() {
  net::post(executor_, [self = shared_from_this()] {
    self->closing_ = true;
    if (!self->writing_) self->CloseNow();
  });
}

void HttpSession::Guard(const char* where, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    spdlog::error("http session {} ({}): {}; connection closed", id_, where, e.what());
    CloseNow();
  } catch (...) {
    spdlog::error("http session {} ({}): unknown exception; connection closed", id_, where);
    CloseNow();
  }
}

void HttpSession::CloseNow() {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  beast::error_code ec;
  stream_.next_layer().socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.next_layer().close();
}

void HttpSession::LingerClose() {
  if (closed_) return;
  closing_ = true;
  if (reading_) {
    CloseNow();
    return;
  }
  stream_.next_layer().expires_after(std::chrono::milliseconds(500));
  if (stream_.tls()) {
    // close_notify, and the client's (which OpenSSL reads past what it
    // still sends), for at most the same moment.
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->CloseNow(); });
    return;
  }
  beast::error_code ec;
  stream_.next_layer().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    CloseNow();
    return;
  }
  Discard();
}

void HttpSession::Discard() {
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                              self->CloseNow();
                              return;
                            }
                            self->Discard();
                          });
}

void HttpSession::StartRead() {
  if (closing_ || closed_ || reading_ || slots_.size() >= ctx_->config.max_pipelined) return;
  reading_ = true;
  match_ = {};
  parser_.emplace();
  request_ip_ = client_ip_;
  parser_->header_limit(static_cast<std::uint32_t>(ctx_->config.header_limit_bytes));
  parser_->body_limit(std::max(ctx_->config.body_limit_bytes,
                               ctx_->config.document_body_limit_bytes));
  const auto now = Clock::now();
  got_bytes_ = buffer_.size() > 0;
  started_ = now;
  deadline_ = now + ((got_bytes_ || first_request_) ? ctx_->config.header_timeout
                                                    : ctx_->config.idle_timeout);
  ReadSome();
}

void HttpSession::ReadSome() {
  stream_.next_layer().expires_at(deadline_);
  http::async_read_some(stream_, buffer_, *parser_,
                        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                          self->Guard("read", [&] { self->OnReadSome(ec, n); });
                        });
}

void HttpSession::OnReadSome(beast::error_code ec, std::size_t bytes) {
  if (ec == net::error::operation_aborted || closed_) return;
  if (ec == http::error::end_of_stream || ec == net::error::eof) {
    reading_ = false;
    closing_ = true;
    if (slots_.empty() && !writing_) CloseNow();
    return;
  }
  if (ec == beast::error::timeout) {
    reading_ = false;
    if (got_bytes_) {
      spdlog::info("{} cut off: request header not complete within {} ms", client_ip_,
                   ctx_->config.header_timeout.count());
    }
    CloseNow();
    return;
  }
  if (ec == http::error::header_limit) {
    Response r;
    r.status = 431;
    r.content_type = std::string(api::http::kProblemContentType);
    r.body = api::http::ProtocolProblemBody(431, "header-too-large",
                                            "Request header fields too large",
                                            "the request header is too large")
                 .dump();
    Reply(std::move(r), true);
    return;
  }
  if (ec == http::error::body_limit) {
    Reply(Dispatcher::Problem(ErrorCode::kTooLarge, "the request body is too large",
                              Dispatcher::CorrelationId(std::nullopt)),
          true);
    return;
  }
  if (IsHttpError(ec)) {
    Reply(Dispatcher::Problem(ErrorCode::kInvalidArgument, "malformed HTTP request",
                              Dispatcher::CorrelationId(std::nullopt)),
          true);
    return;
  }
  if (ec) {
    reading_ = false;
    CloseNow();
    return;
  }
  if (!got_bytes_ && (bytes > 0 || parser_->got_some())) {
    got_bytes_ = true;
    started_ = Clock::now();
    deadline_ = started_ + ctx_->config.header_timeout;
  }
  if (!parser_->is_header_done()) {
    ReadSome();
    return;
  }
  OnHeader();
}

void HttpSession::OnHeader() {
  const auto& h = parser_->get();
  version_ = h.version();
  auto cid_header = h.find("X-Correlation-Id");
  correlation_id_ = Dispatcher::CorrelationId(
      cid_header == h.end() ? std::nullopt
                             : std::optional<std::string_view>(std::string_view(cid_header->value())));
  request_ip_ = RequestAddress(h);
  const bool body_pending = !parser_->is_done();
  if (std::string bad = UnsupportedFraming(h); !bad.empty()) {
    // The body's end is unknown: nothing after this header can be trusted
    // to be a request of its own (request smuggling), so close.
    Reply(Dispatcher::Problem(ErrorCode::kInvalidArgument, std::move(bad), correlation_id_), true);
    return;
  }
  if (ctx_->draining) {
    Reply(Dispatcher::Problem(ErrorCode::kUnavailable, "the server is shutting down",
                              correlation_id_)
              .SetHeader("Retry-After", "5"),
          true);
    return;
  }
  auto target = api::http::ParseTarget(h.target());
  if (!target.ok()) {
    Reply(Dispatcher::Problem(ErrorCode::kInvalidArgument, target.error().message,
                              correlation_id_),
          true);
    return;
  }
  target_ = std::move(target).value();
  if (beast::websocket::is_upgrade(h) && target_.segments.size() == 3 &&
      target_.segments[0] == "api" && target_.segments[1] == "v1" &&
      target_.segments[2] == "live") {
    HandleUpgrade();
    return;
  }
  match_ = ctx_->app.router().Match(h.method_string(), target_.segments);
  if (match_.route == nullptr) {
    if (!match_.allowed_methods.empty()) {
      std::string allow;
      for (const auto& m : match_.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      Response r;
      r.status = 405;
      r.content_type = std::string(api::http::kProblemContentType);
      r.body = api::http::ProtocolProblemBody(405, "method-not-allowed", "Method not allowed",
                                              "this resource does not support " +
                                                  std::string(h.method_string()),
                                              correlation_id_)
                   .dump();
      r.SetHeader("Allow", allow);
      Reply(std::move(r), body_pending);
    } else {
      Reply(Dispatcher::Problem(ErrorCode::kNotFound, "no such resource", correlation_id_),
            body_pending);
    }
    return;
  }
  // Admission on the header, before any of the body is read: a request
  // without a valid token, or one whose token may not use the route, is
  // answered now and its body never buffered.
  request_ = api::http::Request{};
  request_.method = std::string(h.method_string());
  request_.target = std::string(h.target());
  request_.path = std::move(target_.path);
  request_.query = std::move(target_.query);
  request_.path_params = std::move(match_.params);
  for (const auto& f : h) request_.headers.Add(std::string(f.name_string()), std::string(f.value()));
  request_.client_ip = request_ip_;
  request_.correlation_id = correlation_id_;
  if (auto refused = ctx_->dispatcher.Admit(request_, *match_.route)) {
    Reply(std::move(*refused), body_pending);
    return;
  }
  const auto& opts = match_.route->options;
  body_limit_ = opts.body == api::http::BodyKind::kDocument
                    ? ctx_->config.document_body_limit_bytes
                    : ctx_->config.body_limit_bytes;
  const auto content_length = parser_->content_length();
  if (content_length && *content_length > body_limit_) {
    Reply(Dispatcher::Problem(ErrorCode::kTooLarge,
                              "the body is larger than " + std::to_string(body_limit_) + " bytes",
                              correlation_id_),
          true);
    return;
  }
  if (parser_->chunked()) parser_->body_limit(body_limit_);
  const bool has_body = parser_->chunked() || (content_length && *content_length > 0);
  if (has_body) {
    auto ct = h.find(http::field::content_type);
    const std::string_view type =
        ct == h.end() ? std::string_view() : std::string_view(ct->value());
    bool accepted = false;
    if (opts.body == api::http::BodyKind::kJson) {
      accepted = MediaTypeIs(type, "application/json");
    } else {
      accepted = opts.media_types.empty();
      for (const auto& m : opts.media_types) accepted = accepted || MediaTypeIs(type, m);
    }
    if (!accepted) {
      Reply(Dispatcher::Problem(ErrorCode::kUnsupportedMediaType,
                                opts.body == api::http::BodyKind::kJson
                                    ? "the body must be application/json"
                                    : "this media type is not accepted here",
                                correlation_id_),
            true);
      return;
    }
  }
  if (!body_pending) {
    HandleRequest();
    return;
  }
  // The bytes of request bodies being read or handled, across the server,
  // are capped: a chunked body counts as its route's limit.
  if (!ReserveBodyBytes(parser_->chunked() ? body_limit_ : content_length.value_or(0))) {
    Reply(Dispatcher::Problem(ErrorCode::kUnavailable,
                              "the server is receiving too many request bodies; retry shortly",
                              correlation_id_)
              .SetHeader("Retry-After", "1"),
          true);
    return;
  }
  deadline_ = Clock::now() + ctx_->config.body_timeout;
  auto read_body = [self = shared_from_this()] {
    self->stream_.next_layer().expires_at(self->deadline_);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec, std::size_t n) {
                       self->Guard("read body", [&] { self->OnBody(ec, n); });
                     });
  };
  auto expect = h.find(http::field::expect);
  if (expect != h.end() && api::http::EqualsIgnoreCase(expect->value(), "100-continue") &&
      !writing_ && slots_.empty()) {
    writing_ = true;
    stream_.next_layer().expires_at(deadline_);
    net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                     [self = shared_from_this(), read_body](beast::error_code ec, std::size_t) {
                       self->writing_ = false;
                       if (ec) {
                         self->CloseNow();
                         return;
                       }
                       self->Guard("continue", read_body);
                     });
    return;
  }
  read_body();
}

void HttpSession::OnBody(beast::error_code ec, std::size_t) {
  if (ec == net::error::operation_aborted || closed_) return;
  if (ec == http::error::body_limit) {
    Reply(Dispatcher::Problem(ErrorCode::kTooLarge,
                              "the body is larger than " + std::to_string(body_limit_) + " bytes",
                              correlation_id_),
          true);
    return;
  }
  if (ec == beast::error::timeout) {
    reading_ = false;
    spdlog::info("{} cut off: request body not complete within {} ms", request_ip_,
                 ctx_->config.body_timeout.count());
    CloseNow();
    return;
  }
  if (IsHttpError(ec) && ec != http::error::end_of_stream) {
    Reply(Dispatcher::Problem(ErrorCode::kInvalidArgument, "malformed HTTP request body",
                              correlation_id_),
          true);
    return;
  }
  if (ec) {
    reading_ = false;
    CloseNow();
    return;
  }
  HandleRequest();
}

bool HttpSession::ReserveBodyBytes(std::size_t bytes) {
  const std::size_t cap = ctx_->config.max_body_bytes_in_flight;
  std::size_t now = ctx_->body_bytes_in_flight.load();
  do {
    if (bytes > cap || now > cap - bytes) return false;
  } while (!ctx_->body_bytes_in_flight.compare_exchange_weak(now, now + bytes));
  body_reserved_ += bytes;
  return true;
}

std::uint64_t HttpSession::PushSlot(bool close) {
  Slot slot;
  slot.close = close;
  slot.body_reserved = std::exchange(body_reserved_, 0);
  slot.route = match_.route;
  slot.correlation_id =
      correlation_id_.empty() ? Dispatcher::CorrelationId(std::nullopt) : correlation_id_;
  slot.started = got_bytes_ ? started_ : Clock::now();
  slot.client_ip = request_ip_;
  if (parser_ && parser_->is_header_done()) {
    slot.method = std::string(parser_->get().method_string());
    slot.target = std::string(parser_->get().target());
  } else {
    slot.method = "-";
    slot.target = "-";
  }
  slots_.push_back(std::move(slot));
  ctx_->in_flight++;
  return head_slot_id_ + slots_.size() - 1;
}

void HttpSession::HandleRequest() {
  reading_ = false;
  first_request_ = false;
  const bool close = !parser_->get().keep_alive() || ctx_->draining;
  const std::uint64_t slot_id = PushSlot(close);
  auto msg = parser_->release();
  parser_.reset();
  api::http::Request req = std::move(request_);
  request_ = api::http::Request{};
  req.body = std::move(msg.body());
  correlation_id_.clear();
  got_bytes_ = false;
  const api::http::Route& route = *match_.route;
  match_ = {};
  ctx_->dispatcher.Dispatch(
      std::move(req), route, [self = shared_from_this(), slot_id](Response r) {
        // Inline when answered on this session's strand (a refusal, a page
        // from memory); posted from any other thread.
        net::dispatch(self->executor_, [self, slot_id, r = std::move(r)]() mutable {
          self->Guard("complete", [&] { self->Complete(slot_id, std::move(r)); });
        });
      });
  if (close) {
    closing_ = true;
  } else {
    StartRead();
  }
}

void HttpSession::Reply(Response response, bool close) {
  reading_ = false;
  first_request_ = false;
  if (close) closing_ = true;
  const std::uint64_t id = PushSlot(close);
  if (close) parser_.reset();
  got_bytes_ = false;
  Complete(id, std::move(response));
}

std::string HttpSession::RequestAddress(const http::fields& h) const {
  const auto& proxies = ctx_->config.trusted_proxies;
  if (proxies.empty()) return client_ip_;
  // Every line of the configured header, joined (bounded by the header
  // limit; ClientAddress reads it from the right).
  const bool rfc7239 = ctx_->config.forwarded_header_rfc7239;
  auto [it, end] = h.equal_range(rfc7239 ? "Forwarded" : "X-Forwarded-For");
  if (it == end) return client_ip_;
  std::string value(it->value());
  for (++it; it != end; ++it) {
    value += ", ";
    value += std::string_view(it->value());
  }
  return ClientAddress(client_ip_, value, rfc7239, proxies);
}

namespace {

// The fields every response carries.
template <class Message>
void SetFields(Message& res, const Response& r, const std::string& correlation_id, bool close) {
  res.set(http::field::server, "assure");
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  res.set("X-Correlation-Id", correlation_id);
  for (const auto& hdr : r.headers) res.set(hdr.name, hdr.value);
  res.keep_alive(!close);
}

}  // namespace

HttpSession::BeastResponse HttpSession::ToBeast(Response r, const Slot& slot, unsigned version) {
  BeastResponse res{static_cast<http::status>(r.status), version};
  SetFields(res, r, slot.correlation_id, slot.close);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

std::optional<HttpSession::FileResponse> HttpSession::ToBeastFile(Response& r, const Slot& slot, unsigned version) {
  FileResponse res{static_cast<http::status>(r.status), version};
  SetFields(res, r, slot.correlation_id, slot.close);
  beast::file file;
  file.native_handle(r.file->Release());  // closed with the response
  beast::error_code ec;
  res.body().reset(std::move(file), ec);
  if (ec) return std::nullopt;
  res.prepare_payload();
  return res;
}

void HttpSession::Complete(std::uint64_t slot_id, Response response) {
  if (closed_ || slot_id < head_slot_id_) return;
  const std::uint64_t index = slot_id - head_slot_id_;
  if (index >= slots_.size()) return;
  Slot& slot = slots_[index];
  if (ctx_->draining) slot.close = true;
  if (response.file) {
    slot.file_response = ToBeastFile(response, slot, version_);
    if (!slot.file_response) {
      slot.response = ToBeast(Dispatcher::Problem(ErrorCode::kIoError, "the response's file cannot be read",
                                                  slot.correlation_id),
                              slot, version_);
    }
  } else {
    slot.response = ToBeast(std::move(response), slot, version_);
  }
  slot.ready = true;
  MaybeWrite();
}

void HttpSession::MaybeWrite() {
  if (writing_ || closed_ || slots_.empty() || !slots_.front().ready) return;
  writing_ = true;
  stream_.next_layer().expires_after(ctx_->config.write_timeout);
  auto written = [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->Guard("write", [&] { self->OnWrite(ec, n); });
  };
  if (slots_.front().file_response) {
    http::async_write(stream_, *slots_.front().file_response, std::move(written));
  } else {
    http::async_write(stream_, slots_.front().response, std::move(written));
  }
}

void HttpSession::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (slots_.empty()) return;
  {
    const Slot& s = slots_.front();
    const unsigned status = s.file_response ? s.file_response->result_int() : s.response.result_int();
    Dispatcher::LogRequest(s.method, s.target, s.client_ip, status, Clock::now() - s.started, s.correlation_id);
    ctx_->app.request_metrics().Observe(s.route, status, Clock::now() - s.started);
  }
  const bool close = slots_.front().close;
  ctx_->body_bytes_in_flight -= slots_.front().body_reserved;
  slots_.pop_front();
  ++head_slot_id_;
  ctx_->in_flight--;
  if (ec || closed_) {
    CloseNow();
    return;
  }
  if (close || (closing_ && slots_.empty())) {
    LingerClose();
    return;
  }
  MaybeWrite();
  StartRead();
}

}  // namespace assure::server
