// The security access log under load (issue 15): an admin token writing at 32
// connections must leave one admin_action entry for every request the server
// handled. The worker pool is kept small so that, had entries gone through
// it, its queue would overflow and entries would be lost; a request refused
// 503 (the pool or the log had no room) did nothing and is not logged.
#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

using namespace std::chrono_literals;

server::ServerConfig SmallPoolConfig() {
  server::ServerConfig c = RestConfig();
  c.worker_threads = 4;
  c.worker_queue_limit = 8;
  return c;
}

std::size_t CountAdminActions(server::Application& app, const std::string& path) {
  auto entries = app.security_log().Read(1, 1000000);
  if (!entries.ok()) return 0;
  std::size_t n = 0;
  for (const auto& e : *entries) {
    if (e.kind == "admin_action" && e.path == path) ++n;
  }
  return n;
}

class RestSecurityLogLoadTest : public RestTest {
 public:
  void SetUp() override { server_ = std::make_unique<RestServer>(SmallPoolConfig()); }
};

TEST_F(RestSecurityLogLoadTest, EveryAdminWriteAt32ConnectionsIsRecorded) {
  World w = BuildWorld(*this);
  const std::string path = "/api/v1/deliverables/" + w.deliverable_in + "/change-ragb";
  const std::uint16_t port = srv().port();
  const std::string admin = tok().admin;
  constexpr int kThreads = 32;
  constexpr int kPerThread = 40;
  std::atomic<int> handled{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      static const char* kRagb[] = {"red", "amber", "green", "blue"};
      for (int i = 0; i < kPerThread; ++i) {
        json body = {{"ragb", kRagb[(t + i) % 4]}, {"reason", "load " + std::to_string(i)}};
        auto r = Send(port, "POST", path, admin, body.dump());
        if (r.status == 0) {
          ++failed;
        } else if (r.status == 503) {
          ++refused;
        } else {
          ++handled;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failed.load(), 0);
  ASSERT_GT(handled.load(), kThreads * kPerThread / 4) << "too few requests were handled to say";
  // Entries are written by the log's own thread: wait for them to land.
  std::size_t recorded = 0;
  for (int i = 0; i < 500; ++i) {
    recorded = CountAdminActions(srv().app(), path);
    if (recorded >= static_cast<std::size_t>(handled.load())) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(recorded, static_cast<std::size_t>(handled.load()))
      << refused.load() << " refused 503; every handled admin write must be in the log";
  // Sequence numbers are gapless from 1.
  auto entries = srv().app().security_log().Read(1, 1000000);
  ASSERT_TRUE(entries.ok());
  for (std::size_t i = 0; i < entries->size(); ++i) {
    ASSERT_EQ((*entries)[i].seq, i + 1) << "gap in the security log at index " << i;
  }
}

}  // namespace
}  // namespace assure::rest_test
