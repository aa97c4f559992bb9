// Accepts TCP connections and starts an HttpSession for each, each on its own
// strand. Connections the ClientConnections refuse (beyond max_connections,
// beyond max_connections_per_client from one address, or in the reserve
// beyond an address's fair share) get a short 503 problem+json with
// Retry-After and are closed (over TLS: closed); any arriving while the
// server drains are closed at once. With TLS each session takes the
// certificate current when it is accepted.
//
// Thread safety: Run and Stop may be called from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

#include "domain/result.h"
#include "server/server_context.h"

namespace assure::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<ServerContext> ctx);

  // Binds and listens. kUnavailable when the address cannot be bound.
  Status Open(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void Run();
  // Stops accepting (posted to the acceptor's strand).
  void Stop();

 private:
  void DoAccept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  // Answers a refused connection 503 (problem+json) and closes it.
  void Refuse(boost::asio::ip::tcp::socket socket, ClientConnections::Refusal why);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after an accept error (e.g. out of descriptors)
  std::shared_ptr<ServerContext> ctx_;
};

}  // namespace assure::server
