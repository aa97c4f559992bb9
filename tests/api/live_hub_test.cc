// The live hub without sockets: fake clients record what they are sent.
#include "api/live/live_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/api/execute_once.h"
#include "api/core/event_mapping.h"

namespace assure::api::live {
namespace {

using namespace std::chrono_literals;

class FakeClient final : public http::LiveClient {
 public:
  explicit FakeClient(std::uint64_t id, std::string name = "Board member") : id_(id) {
    principal_.name = std::move(name);
    principal_.role = auth::Role::kViewer;
  }
  std::uint64_t id() const override { return id_; }
  const auth::Principal& principal() const override { return principal_; }
  bool Send(std::shared_ptr<const std::string> text) override {
    std::lock_guard l(mu_);
    messages_.push_back(nlohmann::json::parse(*text));
    cv_.notify_all();
    return true;
  }
  void Close(std::string) override {}
  std::vector<nlohmann::json> Of(const std::string& type) {
    std::lock_guard l(mu_);
    std::vector<nlohmann::json> out;
    for (auto& m : messages_) {
      if (m["type"] == type) out.push_back(m);
    }
    return out;
  }
  // Waits until an event at `position` (or a caught_up) arrived.
  bool WaitForPosition(std::uint64_t position, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, timeout, [&] {
      for (auto& m : messages_) {
        if (m["type"] == "event" && m["position"] == position) return true;
      }
      return false;
    });
  }
  bool WaitFor(const std::string& type, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, timeout, [&] {
      for (auto& m : messages_) {
        if (m["type"] == type) return true;
      }
      return false;
    });
  }

 private:
  std::uint64_t id_;
  auth::Principal principal_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<nlohmann::json> messages_;
};

class LiveHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = storage::NewMemoryStore();
    network_ = std::make_shared<NetworkProjection>();
    runner_ = std::make_shared<ProjectionRunner>(*store_, std::vector<std::shared_ptr<Projection>>{network_});
    ASSERT_TRUE(runner_->Start().ok());
  }
  void StartHub() {
    hub_ = std::make_shared<LiveHub>(store_, runner_, network_, [this](std::function<void()> work) {
      std::lock_guard l(workers_mu_);
      workers_.emplace_back(std::move(work));
      return true;
    });
    hub_->Start();
  }
  void TearDown() override {
    if (hub_) hub_->Stop();
    std::lock_guard l(workers_mu_);
    for (auto& t : workers_) t.join();
  }
  template <class Agg>
  std::uint64_t Run(const std::string& id, const std::string& name, const nlohmann::json& body) {
    auto cmd = Agg::ParseCommand(name, body);
    EXPECT_TRUE(cmd.ok()) << name;
    RequestContext rc;
    rc.actor = actor_;
    auto r = Execute<Agg>(*store_, id, *cmd, rc);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->position : 0;
  }
  void Network() {
    Run<domain::GroupAggregate>("ob", "create", {{"name", "Operational Board"}, {"kind", "operational-board"}});
    Run<domain::GroupAggregate>("sig", "create", {{"name", "Digital SIG"}, {"kind", "sig"}});
    Run<domain::WorkProgrammeAggregate>("wp", "create", {{"group_id", "ob"}, {"year", "2023-24"}});
    Run<domain::WorkProgrammeAggregate>("wp2", "create", {{"group_id", "sig"}, {"year", "2023-24"}});
    Run<domain::DeliverableAggregate>("d1", "create", {{"programme_id", "wp"}, {"title", "One"}, {"ragb", "blue"}});
    Run<domain::DeliverableAggregate>("d2", "create", {{"programme_id", "wp2"}, {"title", "Two"}, {"ragb", "blue"}});
    Run<domain::MeetingAggregate>("m1", "schedule", {{"group_id", "ob"}, {"title", "Board"}, {"scheduled_for", "2024-02-01"}});
    Run<domain::PersonAggregate>("sam", "register", {{"name", "Sam Secretary"}});
  }
  static void Subscribe(LiveHub& hub, const std::shared_ptr<FakeClient>& c, nlohmann::json msg) {
    msg["type"] = "subscribe";
    hub.OnMessage(c, msg.dump());
  }

  std::shared_ptr<storage::EventStore> store_;
  std::shared_ptr<NetworkProjection> network_;
  std::shared_ptr<ProjectionRunner> runner_;
  std::shared_ptr<LiveHub> hub_;
  std::string actor_ = "secretary";  // recorded on the events Run writes
  std::mutex workers_mu_;
  std::vector<std::thread> workers_;
};

TEST_F(LiveHubTest, ReplayThenLiveUnderConcurrentWritesHasNoGapAndNoDuplicate) {
  Network();
  StartHub();
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    static const char* r[] = {"red", "amber", "blue", "green"};
    for (int i = 0; i < 600 && !stop; ++i) {
      Run<domain::DeliverableAggregate>(i % 2 ? "d1" : "d2", "change-ragb", {{"ragb", r[i % 4]}, {"reason", "r"}});
    }
  });
  std::this_thread::sleep_for(5ms);  // subscribe while the writer is busy
  auto client = std::make_shared<FakeClient>(1);
  hub_->OnOpen(client);
  Subscribe(*hub_, client, {{"from", 1}, {"filter", {{"all", true}}}});
  writer.join();
  const std::uint64_t head = store_->Head().position;
  ASSERT_TRUE(client->WaitForPosition(head)) << "never received the last event";
  auto events = client->Of("event");
  ASSERT_EQ(events.size(), head);
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i]["position"], i + 1) << "gap or duplicate at " << i;
  }
  ASSERT_EQ(client->Of("caught_up").size(), 1u);
  // Entity state rides along for the entity's latest event.
  EXPECT_EQ(events.back()["entity"]["kind"], "deliverable");
  EXPECT_FALSE(events.back()["entity"]["state"].is_null());
}

TEST_F(LiveHubTest, ResumeFromAPositionAndFilterByGroupAndEntity) {
  Network();
  StartHub();
  const auto p_before = Run<domain::DeliverableAggregate>("d1", "change-ragb", {{"ragb", "amber"}, {"reason", "late"}});
  auto by_group = std::make_shared<FakeClient>(1);
  auto by_entity = std::make_shared<FakeClient>(2);
  auto resumed = std::make_shared<FakeClient>(3);
  for (auto& c : {by_group, by_entity, resumed}) hub_->OnOpen(c);
  Subscribe(*hub_, by_group, {{"from", 1}, {"filter", {{"group_id", "ob"}}}});
  Subscribe(*hub_, by_entity, {{"from", "now"}, {"filter", {{"deliverable_id", "d2"}}}});
  Subscribe(*hub_, resumed, {{"from", p_before}});
  ASSERT_TRUE(by_group->WaitFor("caught_up"));
  ASSERT_TRUE(by_entity->WaitFor("caught_up"));
  const auto p_sig = Run<domain::DeliverableAggregate>("d2", "change-ragb", {{"ragb", "red"}, {"reason", "x"}});
  actor_ = "person-sam";
  const auto p_ob = Run<domain::DeliverableAggregate>("d1", "change-ragb", {{"ragb", "red"}, {"reason", "y"}});
  ASSERT_TRUE(by_group->WaitForPosition(p_ob));
  ASSERT_TRUE(by_entity->WaitForPosition(p_sig));
  ASSERT_TRUE(resumed->WaitForPosition(p_ob));
  for (auto& e : by_group->Of("event")) {
    std::string s = e["stream_id"];
    EXPECT_TRUE(s == "group-ob" || s == "work_programme-wp" || s == "deliverable-d1" || s == "meeting-m1") << s;
  }
  EXPECT_EQ(by_group->Of("event").back()["reason"], "y");
  EXPECT_EQ(by_group->Of("event").back()["actor"], "person-sam");
  EXPECT_EQ(by_group->Of("event").back()["actor_name"], "Sam Secretary") << "who, in words";
  ASSERT_EQ(by_entity->Of("event").size(), 1u);
  EXPECT_EQ(by_entity->Of("event")[0]["entity"]["state"]["ragb"], "red");
  auto r = resumed->Of("event");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0]["position"], p_before);
}

// Issue 22: an escalation concerns two groups; each one's feed shows it
// (the receiving board's agenda, and the group that sent it up).
TEST_F(LiveHubTest, AnEscalationShowsInTheFeedsOfBothGroups) {
  Network();
  StartHub();
  auto board = std::make_shared<FakeClient>(1);
  auto sig = std::make_shared<FakeClient>(2);
  auto other = std::make_shared<FakeClient>(3);
  for (auto& c : {board, sig, other}) hub_->OnOpen(c);
  Subscribe(*hub_, board, {{"from", "now"}, {"filter", {{"group_id", "ob"}}}});
  Subscribe(*hub_, sig, {{"from", "now"}, {"filter", {{"group_id", "sig"}}}});
  Run<domain::GroupAggregate>("x", "create", {{"name", "Other"}, {"kind", "sig"}});
  Subscribe(*hub_, other, {{"from", "now"}, {"filter", {{"group_id", "x"}}}});
  for (auto& c : {board, sig, other}) ASSERT_TRUE(c->WaitFor("caught_up"));
  const auto raised = Run<domain::EscalationAggregate>(
      "e1", "raise", {{"subject_kind", "deliverable"}, {"subject_id", "d2"}, {"subject_title", "Two"},
                      {"from_group_id", "sig"}, {"to_group_id", "ob"}, {"reason", "slipping"}});
  ASSERT_TRUE(board->WaitForPosition(raised));
  ASSERT_TRUE(sig->WaitForPosition(raised));
  EXPECT_EQ(board->Of("event").back()["entity"]["state"]["status"], "pending");
  const auto marker = Run<domain::GroupAggregate>("x", "rename", {{"name", "Other SIG"}});
  ASSERT_TRUE(other->WaitForPosition(marker));
  for (const auto& e : other->Of("event")) EXPECT_NE(e["stream_id"], "escalation-e1");
}

TEST_F(LiveHubTest, TokenEventsCarryNoData) {
  Network();
  StartHub();
  auto client = std::make_shared<FakeClient>(1);
  hub_->OnOpen(client);
  Subscribe(*hub_, client, {{"from", "now"}, {"filter", {{"all", true}}}});
  ASSERT_TRUE(client->WaitFor("caught_up"));
  storage::ProposedEvent e;
  e.type = "TokenIssued";
  e.data = R"({"name":"Chair's token","role":"editor","secret_sha256":"00ff"})";
  auto appended = store_->Append("token-t1", storage::ExpectedVersion::NoStream(), {e});
  ASSERT_TRUE(appended.ok());
  ASSERT_TRUE(client->WaitForPosition(appended->last_position));
  auto got = client->Of("event").back();
  EXPECT_EQ(got["stream_id"], "token-t1");
  EXPECT_TRUE(got["data"].contains("redacted")) << got.dump();
  EXPECT_EQ(got.dump().find("secret_sha256"), std::string::npos);
  EXPECT_EQ(got.dump().find("Chair's token"), std::string::npos);
}

TEST_F(LiveHubTest, MeetingSubscribersSeePresence) {
  Network();
  StartHub();
  auto alice = std::make_shared<FakeClient>(1, "Alice");
  auto bob = std::make_shared<FakeClient>(2, "Bob");
  hub_->OnOpen(alice);
  hub_->OnOpen(bob);
  Subscribe(*hub_, alice, {{"filter", {{"meeting_id", "m1"}}}});
  Subscribe(*hub_, bob, {{"filter", {{"meeting_id", "m1"}}}});
  auto presence = alice->Of("presence");
  ASSERT_FALSE(presence.empty());
  EXPECT_EQ(presence.back()["connected"].size(), 2u);
  hub_->OnClose(bob);
  EXPECT_EQ(alice->Of("presence").back()["connected"].size(), 1u);
  EXPECT_EQ(alice->Of("presence").back()["connected"][0]["name"], "Alice");
}

TEST_F(LiveHubTest, BadSubscriptionsAreErrorsAndTheConnectionStays) {
  Network();
  StartHub();
  auto c = std::make_shared<FakeClient>(1);
  hub_->OnOpen(c);
  hub_->OnMessage(c, "not json");
  Subscribe(*hub_, c, {{"from", "yesterday"}});
  Subscribe(*hub_, c, {{"filter", {{"colour", "red"}}}});
  Subscribe(*hub_, c, {{"filter", {{"meeting_id", "nope"}}}});
  EXPECT_EQ(c->Of("error").size(), 4u);
  EXPECT_TRUE(c->Of("subscribed").empty());
  Subscribe(*hub_, c, {{"from", "now"}});
  EXPECT_TRUE(c->WaitFor("caught_up"));
}

// Issue 15: PROTOCOL.md says a filter has exactly one key; two were accepted
// and group_id silently won.
TEST_F(LiveHubTest, FilterWithTwoKeysIsRefusedNamingThem) {
  Network();
  StartHub();
  auto c = std::make_shared<FakeClient>(1);
  hub_->OnOpen(c);
  Subscribe(*hub_, c, {{"filter", {{"group_id", "ob"}, {"deliverable_id", "d2"}}}});
  Subscribe(*hub_, c, {{"filter", {{"all", true}, {"meeting_id", "m1"}}}});
  Subscribe(*hub_, c, {{"filter", {{"group_id", "ob"}, {"extra", 1}}}});
  Subscribe(*hub_, c, {{"filter", "ob"}});
  auto errors = c->Of("error");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0]["detail"], "a filter has exactly one key; got deliverable_id, group_id");
  EXPECT_EQ(errors[1]["detail"], "a filter has exactly one key; got all, meeting_id");
  EXPECT_NE(errors[2]["detail"].get<std::string>().find("'extra'"), std::string::npos);
  EXPECT_TRUE(c->Of("subscribed").empty());
}

}  // namespace
}  // namespace assure::api::live
