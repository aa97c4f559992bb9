// The optional second listener (config metrics_listen) that serves
// GET /metrics with no token, for a Prometheus on this machine or a private
// network: it serves nothing else (404; 405 for another method on
// /metrics), so no token, personal data or write is reachable through it.
//
// Each connection reads one request at a time (keep-alive, at most
// kMaxConnections at once: further ones are closed at accept); a request
// must arrive within 10 s of the connection or the previous answer, and may
// carry no body. The text is rendered on the worker pool (collectors read
// the disk and the store), 503 when its queue is full.
//
// Thread safety: Start once; Stop from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "domain/result.h"
#include "server/application.h"

namespace assure::server {

class MetricsListener : public std::enable_shared_from_this<MetricsListener> {
 public:
  static constexpr int kMaxConnections = 16;

  // Binds `listen` ("HOST:PORT"; port 0: any free one), logs the address and
  // starts accepting. kInvalidArgument for an address that does not parse
  // or resolve; kUnavailable when it cannot be bound.
  static Result<std::shared_ptr<MetricsListener>> Start(boost::asio::io_context& ioc, Application& app,
                                                        const std::string& listen);
  MetricsListener(boost::asio::io_context& ioc, Application& app);
  // Stops accepting (posted to the acceptor's strand); open connections
  // finish their request.
  void Stop();

 private:
  void DoAccept();

  boost::asio::io_context& ioc_;
  Application& app_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<std::atomic<int>> connections_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace assure::server
