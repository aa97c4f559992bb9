// An in-process server on 127.0.0.1:<free port> over an in-memory store,
// with short timeouts so tests stay fast, a settable clock, test routes and
// a test live feed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http/live_broadcaster.h"
#include "server/application.h"
#include "server/server.h"
#include "storage/event_store.h"

namespace assure::server::testing {

class ManualClock : public storage::Clock {
 public:
  ManualClock();
  std::int64_t NowMicros() override { return now_.load(); }
  void Advance(std::int64_t micros) { now_ += micros; }

 private:
  std::atomic<std::int64_t> now_;
};

// A gate handlers wait at until the test opens it.
class Gate {
 public:
  void Wait();
  void Open();
  int entered();
  // Blocks until at least n handlers are waiting (or 5 s).
  bool WaitEntered(int n);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int entered_ = 0;
};

// Records lifecycle calls; echoes "echo:<text>" to the sender.
class TestFeed : public api::http::LiveFeed {
 public:
  void OnOpen(std::shared_ptr<api::http::LiveClient> client) override;
  void OnMessage(const std::shared_ptr<api::http::LiveClient>& client,
                 std::string_view text) override;
  void OnClose(const std::shared_ptr<api::http::LiveClient>& client) override;
  bool WaitOpen(std::size_t n);
  bool WaitClosed(std::size_t n);

  api::http::LiveBroadcaster all;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::uint64_t> opened;
  std::vector<std::uint64_t> closed;
};

ServerConfig FastConfig();

class TestServer {
 public:
  explicit TestServer(ServerConfig config = FastConfig());
  ~TestServer();

  std::uint16_t port() const { return server_->port(); }
  Application& app() { return *app_; }
  Server& server() { return *server_; }
  storage::EventStore& store() { return *store_; }
  ManualClock& clock() { return *clock_; }
  // Issues a token directly (no HTTP).
  std::string Token(auth::Role role, std::optional<std::string> group = std::nullopt,
                    std::optional<std::int64_t> expires_at_us = std::nullopt);
  std::string TokenId(const std::string& secret);
  void Stop();

  Gate gate;
  std::shared_ptr<TestFeed> feed = std::make_shared<TestFeed>();
  std::atomic<int> ready_state{0};  // 0 ready, else not ready

 private:
  void RegisterTestRoutes();

  std::shared_ptr<storage::EventStore> store_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Application> app_;
  std::unique_ptr<Server> server_;
  bool stopped_ = false;
};

}  // namespace assure::server::testing
