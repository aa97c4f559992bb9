// Property: for random command sequences over every aggregate kind, the live
// projection (applied as events commit) equals a full rebuild from position 1,
// and equals a rebuild after a restart of the runner. And: commands run
// through a (small, evicting) aggregate cache, mixed with commands that
// bypass it, leave every entity's cached load equal to a full fold.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

#include "api/core/command_service.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"

namespace assure::api {
namespace {

using namespace domain;

class RandomNetwork {
 public:
  RandomNetwork(storage::EventStore& store, std::uint32_t seed, AggregateCache* cache = nullptr)
      : store_(store), rng_(seed), cache_(cache) {}

  // For every entity commanded: its load through the cache equals a full
  // fold (state, version, last position).
  void ExpectCacheAgrees() {
    for (auto& [stream, check] : checks_) check();
  }

  // Runs one random command; refused ones (a rule said no) write nothing.
  void Step() {
    switch (Pick(7)) {
      case 0: Do<PersonAggregate>(Id("p", 12), "register", {{"name", "Person " + std::to_string(Pick(100))}}); break;
      case 1: Do<GroupAggregate>(Id("g", 4), "create", {{"name", "Group"}, {"kind", "sig"}, {"quorum_rule", {{"min_present", 1 + Pick(3)}, {"min_percent", 0}, {"chair_required", false}}}});
              break;
      case 2: Do<GroupAggregate>(Id("g", 4), Pick(4) ? "appoint-member" : "change-lifecycle",
                                 {{"person_id", Id("p", 12)}, {"role", Pick(3) ? "member" : "chair"},
                                  {"start_date", "2023-0" + std::to_string(1 + Pick(9)) + "-01"},
                                  {"lifecycle", Pick(2) ? "dormant" : "active"}, {"reason", "random"}});
              break;
      case 3: Do<WorkProgrammeAggregate>(Id("w", 3), "create", {{"group_id", Id("g", 4)}, {"year", "2023-24"}}); break;
      case 4: {
        const std::string d = Id("d", 20);
        switch (Pick(5)) {
          case 0: Do<DeliverableAggregate>(d, "create", {{"programme_id", Id("w", 3)}, {"title", "T" + d}, {"planned_end", Pick(2) ? "Mar-24" : "ongoing"}, {"mm_qsin_reference", "IN-50" + std::to_string(Pick(3))}}); break;
          case 1: Do<DeliverableAggregate>(d, "change-ragb", {{"ragb", Ragb()}, {"reason", "because"}}); break;
          case 2: Do<DeliverableAggregate>(d, "add-progress-note", {{"note_date", "2024-01-0" + std::to_string(1 + Pick(9))}, {"text", "note"}}); break;
          case 3: Do<DeliverableAggregate>(d, "complete", {{"date_completed", "2024-04-01"}}); break;
          default: Do<DeliverableAggregate>(d, "edit", {{"owner", "Owner " + std::to_string(Pick(5))}}); break;
        }
        break;
      }
      case 5: {
        const std::string m = Id("m", 5);
        static const char* kinds[] = {"schedule", "open", "record-attendance", "record-decision", "raise-action", "close"};
        const char* kind = kinds[Pick(6)];
        nlohmann::json body = {{"group_id", Id("g", 4)}, {"title", "Meeting"}, {"scheduled_for", "2024-02-01"},
                               {"person_id", Id("p", 12)}, {"attendance", Pick(2) ? "present" : "apologies"},
                               {"text", "text"}, {"owner_person_id", Id("p", 12)}, {"due_date", "2024-03-01"},
                               {"quorum_rule", {{"min_present", 1}, {"min_percent", 0}, {"chair_required", false}}},
                               {"members", nlohmann::json::array()}};
        Do<MeetingAggregate>(m, kind, body);
        break;
      }
      default: {
        const std::string doc = Id("doc", 3);
        switch (Pick(3)) {
          case 0: Do<ControlledDocumentAggregate>(doc, "register", {{"title", "Doc"}, {"document_numbers", "IN-601"}, {"review_interval_months", 12}}); break;
          case 1: Do<ControlledDocumentAggregate>(doc, "add-draft-version", {{"version_label", std::to_string(Pick(9))}, {"content_sha256", std::string(64, 'c')}, {"media_type", "text/plain"}, {"size_bytes", 10}}); break;
          default: Do<ControlledDocumentAggregate>(doc, "approve-version", {{"version_id", "v" + std::to_string(1 + Pick(3))}, {"approving_group_id", Id("g", 4)}, {"date_adopted", "2024-01-01"}}); break;
        }
      }
    }
  }
  int accepted = 0;

 private:
  std::uint32_t Pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }
  std::string Id(const char* p, std::uint32_t n) { return std::string(p) + std::to_string(Pick(n)); }
  const char* Ragb() {
    static const char* r[] = {"red", "amber", "blue", "green"};
    return r[Pick(4)];
  }
  template <class Agg>
  void Do(const std::string& id, const std::string& name, const nlohmann::json& body) {
    auto cmd = Agg::ParseCommand(name, body);
    if (!cmd.ok()) return;
    RequestContext rc;
    rc.actor = "random";
    rc.now_us = 1'700'000'000'000'000LL + accepted;
    // Every other command bypasses the cache: the cache must catch up with
    // appends it did not see.
    auto r = Execute<Agg>(store_, id, *cmd, rc, cache_ != nullptr && coin_() % 2 ? cache_ : nullptr);
    if (r.ok() && r->events_written > 0) ++accepted;
    if (cache_ != nullptr) {
      checks_[StreamId(Agg::kKind, id)] = [this, id] {
        auto cached = LoadAggregate<Agg>(store_, id, UINT64_MAX, cache_);
        auto full = LoadAggregate<Agg>(store_, id);
        ASSERT_TRUE(cached.ok() && full.ok());
        EXPECT_EQ(Agg::SnapshotJson(cached->state), Agg::SnapshotJson(full->state)) << id;
        EXPECT_EQ(cached->version, full->version) << id;
        EXPECT_EQ(cached->last_position, full->last_position) << id;
      };
    }
  }
  storage::EventStore& store_;
  std::mt19937 rng_;
  AggregateCache* cache_;
  std::mt19937 coin_{7};  // its own generator: the command sequence stays the seed's
  std::map<std::string, std::function<void()>> checks_;
};

TEST(RebuildPropertyTest, LiveEqualsRebuildForRandomHistories) {
  int total_accepted = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    auto store = storage::NewMemoryStore();
    auto live = std::make_shared<NetworkProjection>();
    ProjectionRunner runner(*store, {live});
    ASSERT_TRUE(runner.Start().ok());
    RandomNetwork net(*store, seed);
    for (int i = 0; i < 400; ++i) net.Step();
    total_accepted += net.accepted;
    auto rebuilt = BuildNetworkModel(*store, UINT64_MAX);
    ASSERT_TRUE(rebuilt.ok());
    nlohmann::json live_json;
    {
      auto lock = runner.ReadLock();
      live_json = live->model().ToJson();
    }
    ASSERT_EQ(live_json, rebuilt->ToJson()) << "seed " << seed;
    auto restarted = std::make_shared<NetworkProjection>();
    ProjectionRunner again(*store, {restarted});
    ASSERT_TRUE(again.Start().ok());
    ASSERT_EQ(restarted->model().ToJson(), live_json) << "seed " << seed;
  }
  // The generator must exercise the domain, not just be refused.
  EXPECT_GT(total_accepted, 8 * 100);
}

TEST(RebuildPropertyTest, CachedLoadsEqualFullFolds) {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    auto store = storage::NewMemoryStore();
    AggregateCache cache(/*capacity=*/8);  // fewer than the entities: evictions
    RandomNetwork net(*store, seed, &cache);
    for (int i = 0; i < 400; ++i) net.Step();
    net.ExpectCacheAgrees();
    EXPECT_LE(cache.size(), 8u);
    EXPECT_GT(cache.hits(), 0u) << "seed " << seed;
  }
}

}  // namespace
}  // namespace assure::api
