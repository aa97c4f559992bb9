// Replay-then-live over a real WebSocket (`/api/v1/live` as `assure serve`
// installs it): while a writer thread keeps changing a deliverable, a client
// subscribes from position 1 with filter all and must receive every position
// exactly once, in order, with no gap, through to the last write; after a
// disconnect, resubscribing from last + 1 yields exactly the later events.
#include <atomic>
#include <memory>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

using server::testing::WsClient;
using namespace std::chrono_literals;

class RestLiveReplayTest : public RestTest {};

std::string ChangeBody(int i) {
  static const char* kRagb[] = {"red", "amber", "green"};  // never the rating it has
  return json{{"ragb", kRagb[i % 3]}, {"reason", "live replay " + std::to_string(i)}}.dump();
}

std::unique_ptr<WsClient> Subscribe(std::uint16_t port, const std::string& token, std::uint64_t from) {
  int status = 0;
  auto ws = WsClient::Connect(port, "/api/v1/live", server::testing::Bearer(token), &status);
  EXPECT_TRUE(ws) << "upgrade refused: HTTP " << status;
  if (!ws) return nullptr;
  EXPECT_TRUE(ws->Send(json{{"type", "subscribe"}, {"from", from}, {"filter", {{"all", true}}}}.dump()));
  return ws;
}

// Reads messages until an event at `until` (or a timeout); appends the event
// positions to `positions`; counts caught_up messages.
void ReadUntil(WsClient& ws, std::uint64_t until, std::vector<std::uint64_t>& positions,
               int* caught_up) {
  while (positions.empty() || positions.back() < until) {
    auto msg = ws.Read(10000ms);
    ASSERT_TRUE(msg) << "no message (closed: " << ws.closed() << ") after position "
                     << (positions.empty() ? 0 : positions.back()) << ", waiting for " << until;
    json j = json::parse(*msg, nullptr, false);
    ASSERT_TRUE(j.is_object()) << *msg;
    const std::string type = j.value("type", "");
    ASSERT_NE(type, "error") << *msg;
    ASSERT_NE(type, "overflow") << *msg;
    if (type == "caught_up" && caught_up) ++*caught_up;
    if (type == "event") positions.push_back(j.at("position").get<std::uint64_t>());
  }
}

TEST_F(RestLiveReplayTest, ReplayThenLiveIsGaplessAndResumesFromLastPlusOne) {
  World w = BuildWorld(*this);
  const std::string target = "/api/v1/deliverables/" + w.deliverable_in + "/change-ragb";
  const std::uint16_t port = srv().port();
  const std::string editor = tok().editor;

  // Some history to replay, then a writer that keeps going while we subscribe.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Send(port, "POST", target, editor, ChangeBody(i)).status, 200);
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 20; i < 80; ++i) {
      if (Send(port, "POST", target, editor, ChangeBody(i)).status != 200) ++failures;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto ws = Subscribe(port, tok().viewer, 1);
  ASSERT_TRUE(ws);
  std::vector<std::uint64_t> positions;
  int caught_up = 0;
  // Read while the writer writes, then through to the head after its last write.
  ASSERT_NO_FATAL_FAILURE(ReadUntil(*ws, Head() > 0 ? Head() - 1 : 0, positions, &caught_up));
  writer.join();
  ASSERT_EQ(failures.load(), 0);
  const std::uint64_t last = Head();
  ASSERT_NO_FATAL_FAILURE(ReadUntil(*ws, last, positions, &caught_up));
  EXPECT_EQ(caught_up, 1);
  ASSERT_EQ(positions.size(), last) << "every position 1.." << last << " exactly once";
  for (std::uint64_t i = 0; i < positions.size(); ++i) {
    ASSERT_EQ(positions[i], i + 1) << "gap, duplicate or reordering at index " << i;
  }
  // Nothing beyond the last write.
  for (const auto& m : ws->Pump(200ms)) {
    EXPECT_NE(json::parse(m, nullptr, false).value("type", ""), "event") << m;
  }
  ws.reset();  // disconnect

  // Later events, then resume from last + 1.
  for (int i = 80; i < 95; ++i) ASSERT_EQ(Send(port, "POST", target, editor, ChangeBody(i)).status, 200);
  const std::uint64_t later = Head();
  ASSERT_EQ(later, last + 15);
  auto again = Subscribe(port, tok().viewer, last + 1);
  ASSERT_TRUE(again);
  std::vector<std::uint64_t> resumed;
  ASSERT_NO_FATAL_FAILURE(ReadUntil(*again, later, resumed, nullptr));
  for (const auto& m : again->Pump(200ms)) {
    json j = json::parse(m, nullptr, false);
    if (j.value("type", "") == "event") resumed.push_back(j.at("position").get<std::uint64_t>());
  }
  std::vector<std::uint64_t> expected;
  for (std::uint64_t p = last + 1; p <= later; ++p) expected.push_back(p);
  EXPECT_EQ(resumed, expected);
}

// Issue 15: websocket.queue_limit 64: a client reading as fast as it can replays
// hundreds of events without being told `overflow` (replay pages were 256
// whatever the limit).
TEST(RestLiveReplayLimitTest, ReplayRespectsASmallQueueLimit) {
  server::ServerConfig cfg = RestConfig();
  cfg.ws_queue_limit = 64;
  auto srv = std::make_unique<RestServer>(cfg);
  const std::uint16_t port = srv->port();
  const std::string admin = srv->tokens().admin;
  // History: groups created from 8 connections.
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        json body = {{"name", "G" + std::to_string(t) + "-" + std::to_string(i)}, {"kind", "sig"}};
        if (Send(port, "POST", "/api/v1/groups", admin, body.dump()).status != 201) ++failures;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);
  const std::uint64_t head = srv->Head();
  ASSERT_GE(head, 320u);
  for (int attempt = 0; attempt < 3; ++attempt) {  // and again, as a reconnecting dashboard
    auto ws = Subscribe(port, srv->tokens().viewer, 1);
    ASSERT_TRUE(ws);
    std::uint64_t last = 0;
    bool caught_up = false;
    while (!caught_up) {
      auto m = ws->Read(10000ms);
      ASSERT_TRUE(m) << "no message after position " << last << " (closed: " << ws->closed()
                     << ", code " << ws->close_code() << ")";
      json j = json::parse(*m, nullptr, false);
      const std::string type = j.value("type", "");
      ASSERT_NE(type, "overflow") << "after position " << last << ": " << *m;
      if (type == "event") {
        ASSERT_EQ(j["position"].get<std::uint64_t>(), last + 1);
        last = j["position"].get<std::uint64_t>();
      }
      caught_up = type == "caught_up";
    }
    EXPECT_GE(last, head);
  }
}

}  // namespace
}  // namespace assure::rest_test
