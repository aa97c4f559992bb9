// The state every session of one Server shares (Beast-free).
//
// Thread safety: the atomics and registries may be used from any thread;
// `app`, `config` and `dispatcher` are read-only while serving.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "api/http/live_broadcaster.h"
#include "server/application.h"
#include "server/client_connections.h"
#include "server/dispatcher.h"
#include "server/tls_context.h"

namespace assure::server {

// An HTTP session as the drain logic sees it.
class DrainableSession {
 public:
  virtual ~DrainableSession() = default;
  // Finish the response being written (if any), then close. Thread-safe.
  virtual void CloseGracefully() = 0;
};

struct ServerContext {
  explicit ServerContext(Application& application)
      : app(application),
        config(application.config()),
        dispatcher(application),
        clients(config.max_connections, config.max_connections_per_client,
                ReservedConnections(config.max_connections, config.connection_reserve_percent)) {}

  Application& app;
  const ServerConfig& config;
  Dispatcher dispatcher;

  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> in_flight{0};    // requests read and not yet answered
  // Bytes of request bodies reserved by sessions (declared length, or the
  // route's limit for a chunked body) from the header until the answer is
  // written; at most config.max_body_bytes_in_flight.
  std::atomic<std::size_t> body_bytes_in_flight{0};
  std::atomic<std::size_t> connections{0};   // open HTTP connections (incl. upgraded)
  std::atomic<std::uint64_t> next_id{1};
  ClientConnections clients;                 // per-address caps and the reserve (listener)
  // Set by Server::Start before the listener runs, then only read; null:
  // plain HTTP.
  std::shared_ptr<TlsContext> tls;

  api::http::LiveBroadcaster websockets;     // every open live-feed client

  void AddSession(std::uint64_t id, const std::shared_ptr<DrainableSession>& s) {
    std::lock_guard lock(mu_);
    sessions_[id] = s;
  }
  void RemoveSession(std::uint64_t id) {
    std::lock_guard lock(mu_);
    sessions_.erase(id);
  }
  std::vector<std::shared_ptr<DrainableSession>> Sessions() {
    std::vector<std::weak_ptr<DrainableSession>> weak;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, w] : sessions_) weak.push_back(w);
    }
    std::vector<std::shared_ptr<DrainableSession>> out;
    for (auto& w : weak) {
      if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::weak_ptr<DrainableSession>> sessions_;
};

}  // namespace assure::server
