// The live feed against its document (issue 15): every ```json example in
// api/live/PROTOCOL.md is checked against the real server (subscribe
// examples are accepted; each server message has exactly its example's
// fields and JSON types), filters with two keys are refused as documented,
// and replayed events carry entity.state null unless they are the entity's
// latest.
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

using server::testing::WsClient;
using namespace std::chrono_literals;

std::string ReadProtocolDoc() {
  std::ifstream in(ASSURE_PROTOCOL_MD);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text of every ```json fenced block.
std::vector<std::string> JsonBlocks(const std::string& doc) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = doc.find("```json\n", at)) != std::string::npos) {
    at += 8;
    const std::size_t end = doc.find("```", at);
    if (end == std::string::npos) break;
    out.push_back(doc.substr(at, end - at));
    at = end + 3;
  }
  return out;
}

std::string Replace(std::string text, const std::map<std::string, std::string>& with) {
  for (const auto& [from, to] : with) {
    for (std::size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size()) {
      text.replace(p, from.size(), to);
    }
  }
  return text;
}

std::string Kind(const json& j) {
  if (j.is_number()) return "number";
  return j.type_name();
}

// Same keys and JSON types, recursively; null on either side matches any
// type; `data` and `entity.state` vary by event type and are not compared.
void ExpectSameShape(const json& example, const json& actual, const std::string& path) {
  if (example.is_null() || actual.is_null()) return;
  if (path == "data" || path == "entity.state") return;
  ASSERT_EQ(Kind(example), Kind(actual)) << "at '" << path << "': " << actual.dump();
  if (example.is_object()) {
    std::set<std::string> want, got;
    for (auto it = example.begin(); it != example.end(); ++it) want.insert(it.key());
    for (auto it = actual.begin(); it != actual.end(); ++it) got.insert(it.key());
    ASSERT_EQ(want, got) << "fields at '" << path << "' differ: " << actual.dump();
    for (const auto& k : want) {
      ExpectSameShape(example[k], actual[k], path.empty() ? k : path + "." + k);
    }
  } else if (example.is_array() && !example.empty()) {
    for (const auto& a : actual) ExpectSameShape(example[0], a, path + "[]");
  }
}

std::unique_ptr<WsClient> Connect(std::uint16_t port, const std::string& token) {
  int status = 0;
  auto ws = WsClient::Connect(port, "/api/v1/live", server::testing::Bearer(token), &status);
  EXPECT_TRUE(ws) << "upgrade refused: HTTP " << status;
  return ws;
}

// The next message of `type` (skipping others); discarded json on timeout.
json NextOfType(WsClient& ws, const std::string& type) {
  while (auto m = ws.Read(5000ms)) {
    json j = json::parse(*m, nullptr, false);
    if (j.is_object() && j.value("type", "") == type) return j;
  }
  return json::value_t::discarded;
}

class RestLiveProtocolTest : public RestTest {};

TEST_F(RestLiveProtocolTest, DocumentExamplesMatchTheServer) {
  World w = BuildWorld(*this);
  const std::uint16_t port = srv().port();
  const std::string meeting =
      Create("meetings", {{"group_id", w.group_in}, {"title", "Board"}, {"scheduled_for", "2030-01-01"}},
             tok().admin);
  const std::string change = "/api/v1/deliverables/" + w.deliverable_in + "/change-ragb";
  Must(change, {{"ragb", "red"}, {"reason", "one"}}, tok().editor);
  Must(change, {{"ragb", "amber"}, {"reason", "two"}}, tok().editor);
  const std::map<std::string, std::string> ids = {{"GROUP_ID", w.group_in},
                                                  {"MEETING_ID", meeting},
                                                  {"DELIVERABLE_ID", w.deliverable_in},
                                                  {"DOCUMENT_ID", "no-such-document"}};

  const auto blocks = JsonBlocks(ReadProtocolDoc());
  ASSERT_GE(blocks.size(), 8u) << "PROTOCOL.md lost its examples";
  std::vector<json> subscribes;
  std::map<std::string, json> server_examples;
  for (const auto& text : blocks) {
    json j = json::parse(Replace(text, ids), nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("type")) << "not a message: " << text;
    const std::string type = j["type"].get<std::string>();
    if (type == "subscribe") {
      subscribes.push_back(j);
    } else {
      ASSERT_EQ(server_examples.count(type), 0u) << "two examples of " << type;
      server_examples[type] = j;
    }
  }
  for (const char* type : {"subscribed", "event", "caught_up", "presence", "error", "overflow"}) {
    ASSERT_EQ(server_examples.count(type), 1u) << "no example of " << type;
  }

  // Every subscribe example is accepted.
  for (const auto& sub : subscribes) {
    auto ws = Connect(port, tok().viewer);
    ASSERT_TRUE(ws);
    ASSERT_TRUE(ws->Send(sub.dump()));
    auto m = ws->Read(5000ms);
    ASSERT_TRUE(m) << sub.dump();
    json j = json::parse(*m, nullptr, false);
    ASSERT_EQ(j.value("type", ""), "subscribed") << sub.dump() << " -> " << *m;
    ExpectSameShape(server_examples["subscribed"], j, "");
  }

  // A replay of everything: events and caught_up as documented; an event
  // carries its entity's state only when it is the entity's latest.
  auto all = Connect(port, tok().viewer);
  ASSERT_TRUE(all);
  ASSERT_TRUE(all->Send(json{{"type", "subscribe"}, {"from", 1}, {"filter", {{"all", true}}}}.dump()));
  std::vector<json> deliverable_events;
  for (;;) {
    auto m = all->Read(5000ms);
    ASSERT_TRUE(m) << "no caught_up";
    json j = json::parse(*m, nullptr, false);
    const std::string type = j.value("type", "");
    ASSERT_NE(type, "error") << *m;
    if (type == "caught_up") {
      ExpectSameShape(server_examples["caught_up"], j, "");
      break;
    }
    if (type != "event") continue;
    ExpectSameShape(server_examples["event"], j, "");
    if (j["stream_id"] == "deliverable-" + w.deliverable_in) deliverable_events.push_back(j);
  }
  ASSERT_EQ(deliverable_events.size(), 3u);  // created, two changes
  EXPECT_TRUE(deliverable_events[0]["entity"]["state"].is_null());
  EXPECT_TRUE(deliverable_events[1]["entity"]["state"].is_null());
  EXPECT_TRUE(deliverable_events[2]["entity"]["state"].is_object());
  EXPECT_EQ(deliverable_events[2]["entity"]["kind"], "deliverable");
  EXPECT_EQ(deliverable_events[2]["entity"]["id"], w.deliverable_in);

  // Presence for a meeting's subscribers.
  auto at_meeting = Connect(port, tok().secretary);
  ASSERT_TRUE(at_meeting);
  ASSERT_TRUE(at_meeting->Send(
      json{{"type", "subscribe"}, {"filter", {{"meeting_id", meeting}}}}.dump()));
  json presence = NextOfType(*at_meeting, "presence");
  ASSERT_FALSE(presence.is_discarded()) << "no presence";
  ExpectSameShape(server_examples["presence"], presence, "");
  ASSERT_EQ(presence["connected"].size(), 1u);

  // The error example is the answer to a filter with two keys; other bad
  // filters are refused too, and the connection stays usable.
  auto bad = Connect(port, tok().viewer);
  ASSERT_TRUE(bad);
  ASSERT_TRUE(bad->Send(json{{"type", "subscribe"},
                             {"filter", {{"group_id", w.group_in}, {"deliverable_id", w.deliverable_in}}}}
                            .dump()));
  auto m = bad->Read(5000ms);
  ASSERT_TRUE(m);
  EXPECT_EQ(json::parse(*m, nullptr, false), server_examples["error"]);
  for (const json& filter : {json{{"all", true}, {"group_id", w.group_in}}, json{{"colour", "red"}},
                             json{{"all", false}}, json{{"group_id", 7}}, json{{"group_id", ""}},
                             json("everything"), json::array()}) {
    ASSERT_TRUE(bad->Send(json{{"type", "subscribe"}, {"filter", filter}}.dump()));
    auto r = bad->Read(5000ms);
    ASSERT_TRUE(r) << filter.dump();
    json j = json::parse(*r, nullptr, false);
    EXPECT_EQ(j.value("type", ""), "error") << filter.dump() << " -> " << *r;
    ExpectSameShape(server_examples["error"], j, "");
  }
  ASSERT_TRUE(bad->Send(json{{"type", "subscribe"}, {"filter", {{"group_id", w.group_in}}}}.dump()));
  EXPECT_FALSE(NextOfType(*bad, "subscribed").is_discarded());

  // overflow, from a connection that never reads (the server's plumbing:
  // the in-process test server with a small queue and a 32 KiB broadcast).
  server::ServerConfig cfg = server::testing::FastConfig();
  cfg.ws_queue_limit = 16;
  cfg.ws_overflow_close_timeout = server::Millis(20000);
  server::testing::TestServer s(cfg);
  int status = 0;
  auto slow = WsClient::Connect(s.port(), "/api/v1/live",
                                server::testing::Bearer(s.Token(auth::Role::kViewer)), &status,
                                /*auto_read=*/false, /*small_receive_buffer=*/true);
  ASSERT_TRUE(slow);
  ASSERT_TRUE(s.feed->WaitOpen(1));
  const std::string payload(32 * 1024, 'p');
  for (int i = 0; i < 400; ++i) s.feed->all.Broadcast(std::make_shared<const std::string>(payload));
  json overflow;
  while (auto r = slow->Read(5000ms)) {
    if (r->size() < 1000) overflow = json::parse(*r, nullptr, false);
  }
  ASSERT_TRUE(overflow.is_object()) << "no overflow message";
  ExpectSameShape(server_examples["overflow"], overflow, "");
  EXPECT_EQ(overflow["queue_limit"], 16);
  EXPECT_EQ(slow->close_code(), 1013);
}

}  // namespace
}  // namespace assure::rest_test
