// One HTTP/1.1 connection (Beast), on its own strand.
//
// Reads requests with header and body deadlines (slow clients are cut off),
// refuses a Transfer-Encoding other than a lone chunked (400, close), routes,
// admits the request on its header (Dispatcher::Admit: token and permission,
// 401/403 before the body is read, then close), enforces the header and body
// limits and the server's cap on body bytes in flight (503), hands the
// request to the Dispatcher (handlers run on the worker pool) and writes the responses in
// request order. Up to max_pipelined requests may be read ahead of their
// responses; beyond that the session stops reading until a response is out.
// An upgrade to WebSocket on /api/v1/live becomes a WebSocketSession. Over
// TLS (SessionStream) the handshake comes first, within header_timeout.
//
// Every completion handler checks its error_code; operation_aborted is
// ignored in one place (OnReadSome / OnBody / OnWrite just return); the
// catch-all in the session turns any exception into a closed connection
// without taking the server down.
//
// Thread safety: all state is touched on the strand only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "api/http/query.h"
#include "api/http/response.h"
#include "api/http/router.h"
#include "server/server_context.h"
#include "server/session_stream.h"

namespace assure::server {

class HttpSession : public DrainableSession, public std::enable_shared_from_this<HttpSession> {
 public:
  // `client_slot`: the connection's place in the per-address count, held
  // until the connection closes (handed on to a WebSocketSession).
  HttpSession(SessionStream&& stream, std::shared_ptr<ServerContext> ctx,
              std::shared_ptr<ClientConnections::Slot> client_slot);
  ~HttpSession() override;

  void Run();
  void CloseGracefully() override;

 private:
  using Clock = std::chrono::steady_clock;
  using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;
  // A response sent from a file as it is written (Response::file).
  using FileResponse = boost::beast::http::response<boost::beast::http::file_body>;

  struct Slot {
    bool ready = false;
    bool close = false;
    BeastResponse response;
    std::optional<FileResponse> file_response;  // instead of `response`, when set
    std::string method;
    std::string target;  // raw; redacted when logged
    std::string correlation_id;
    std::string client_ip;
    Clock::time_point started;
    std::size_t body_reserved = 0;  // of ServerContext::body_bytes_in_flight, until written
    const api::http::Route* route = nullptr;  // for metrics; null: no route matched
  };

  void Guard(const char* where, const std::function<void()>& fn);
  // TLS: the handshake, within header_timeout, before the first request.
  void Handshake();
  void OnHandshake(boost::beast::error_code ec);
  void StartRead();
  void ReadSome();
  void OnReadSome(boost::beast::error_code ec, std::size_t bytes);
  void OnHeader();
  void OnBody(boost::beast::error_code ec, std::size_t bytes);
  void HandleRequest();
  void HandleUpgrade();
  void Complete(std::uint64_t slot_id, api::http::Response response);
  // Queues a response produced on the I/O thread; `close` ends the connection after it.
  void Reply(api::http::Response response, bool close);
  // Moves the body reservation of the request being read into the new slot.
  std::uint64_t PushSlot(bool close);
  // Takes `bytes` of the server's max_body_bytes_in_flight; false when they
  // are not free.
  bool ReserveBodyBytes(std::size_t bytes);
  void MaybeWrite();
  void OnWrite(boost::beast::error_code ec, std::size_t bytes);
  void CloseNow();
  // Half-closes, then discards what the client still sends (an unread body)
  // for a moment, so that the last response is not lost to a TCP reset.
  void LingerClose();
  void Discard();
  // The client's address (trusted proxies' Forwarded / X-Forwarded-For,
  // server/client_address.h), else the peer's.
  std::string RequestAddress(const boost::beast::http::fields& h) const;
  BeastResponse ToBeast(api::http::Response response, const Slot& slot, unsigned version);
  // nullopt when the file cannot be read (its size).
  std::optional<FileResponse> ToBeastFile(api::http::Response& response, const Slot& slot, unsigned version);

  SessionStream stream_;  // moved to the WebSocketSession at an upgrade
  SessionStream::executor_type executor_;  // the strand, valid after the upgrade too
  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<ClientConnections::Slot> client_slot_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::deque<Slot> slots_;
  std::uint64_t head_slot_id_ = 0;  // id of slots_.front()
  std::uint64_t id_ = 0;
  std::string client_ip_;   // the peer's
  std::string request_ip_;  // the request being read's (RequestAddress)
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;      // read no more requests
  bool closed_ = false;
  bool got_bytes_ = false;    // the request being read has started arriving
  bool first_request_ = true;
  unsigned version_ = 11;
  Clock::time_point deadline_;
  Clock::time_point started_;
  // The request being read.
  std::string correlation_id_;
  api::http::ParsedTarget target_;
  api::http::RouteMatch match_;
  api::http::Request request_;     // admitted on its header; the body comes later
  std::size_t body_limit_ = 0;
  std::size_t body_reserved_ = 0;  // of body_bytes_in_flight, for the request being read
  char discard_[1024];
};

}  // namespace assure::server
