// The HTTP/WebSocket server: an io_context with io_threads threads, the
// listener, signal handling and graceful shutdown.
//
// Shutdown (Shutdown(), or SIGTERM/SIGINT after HandleSignals()):
//  1. stop accepting; the server is "draining": requests that arrive on
//     kept-alive connections get 503 + Connection: close;
//  2. wait until every in-flight request has been answered, or until
//     shutdown_timeout has passed;
//  3. send live-feed clients a close frame (1001 going away) and close every
//     HTTP connection after the response it is writing;
//  4. the I/O threads return when the last connection is gone (or at the
//     latest write_timeout / ws_overflow_close_timeout later).
// Wait() then returns 0.
//
// TLS (config tls_certificate and tls_private_key): HTTPS and WSS only.
// SIGHUP (after HandleSignals()) or ReloadTls() reads both files again: new
// connections use them, open ones keep theirs; a file that cannot be used
// is logged and the previous certificate stays.
//
// Thread safety: Start once; Shutdown may be called from any thread, more
// than once; Wait from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "domain/result.h"
#include "server/application.h"

namespace assure::server {

class Server {
 public:
  explicit Server(Application& app);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds config().host:port and starts the I/O threads.
  Status Start();
  // The bound port (useful with port 0).
  std::uint16_t port() const { return port_; }
  // SIGTERM and SIGINT begin a graceful shutdown; SIGHUP reloads TLS.
  // Call it before Start() so no signal finds the process without it.
  void HandleSignals();
  // Reads the TLS certificate and key again. kInvalidArgument when they
  // cannot be used (the previous stay) or TLS is not configured.
  Status ReloadTls();
  void Shutdown();
  // Blocks until the server has stopped; returns the exit code (0).
  int Wait();

  // For tests: requests read and not yet answered; open connections.
  std::int64_t in_flight() const;
  std::size_t connections() const;
  bool draining() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace assure::server
