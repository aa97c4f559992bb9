// Property: for random command sequences over every aggregate kind, the live
// projection (applied as events commit) equals a full rebuild from position 1,
// and equals a rebuild after a restart of the runner. And: commands run
// through a writer holding few states (evicting), mixed with commands of a
// second writer it does not see, write exactly what one writer would.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

#include "api/core/entity_writer.h"
#include "api/core/projection_runner.h"
#include "api/privacy/personal_data_vault.h"
#include "api/queries/network_model.h"

namespace assure::api {
namespace {

using namespace domain;

class RandomNetwork {
 public:
  // Commands go through `writer`, or at random through `outside` too.
  RandomNetwork(std::shared_ptr<storage::EventStore> store, std::uint32_t seed,
                EntityWriter* writer = nullptr, EntityWriter* outside = nullptr)
      : store_(*store), rng_(seed), own_(writer ? nullptr : std::make_unique<EntityWriter>(store)),
        writer_(writer ? writer : own_.get()), outside_(outside) {}

  // Runs one random command; refused ones (a rule said no) write nothing.
  void Step() {
    switch (Pick(8)) {
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
          default:  // an owner as text, or linked to a person (issue 18)
            if (Pick(2)) Do<DeliverableAggregate>(d, "edit", {{"owner", "Owner " + std::to_string(Pick(5))}});
            else Do<DeliverableAggregate>(d, "edit", {{"owner_person_id", Id("p", 12)}});
            break;
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
      case 7: {  // the registers (issue 22): risks, issues, escalations
        const std::string r = Id("r", 3);
        switch (Pick(4)) {
          case 0: Do<RiskAggregate>(r, Pick(3) ? "raise" : "review",
                                    {{"title", "Risk"}, {"group_id", Id("g", 4)}, {"owner_person_id", Id("p", 12)},
                                     {"inherent", {{"likelihood", 1 + Pick(5)}, {"impact", 1 + Pick(5)}}},
                                     {"reviewed_on", "2024-01-01"}, {"next_review_date", "2024-04-01"}}); break;
          case 1: Do<RiskAggregate>(r, "score", {{"score", "current"}, {"likelihood", 1 + Pick(5)}, {"impact", 1 + Pick(5)}, {"reason", "r"}}); break;
          case 2: Do<IssueAggregate>(Id("i", 3), Pick(2) ? "raise" : "prioritise",
                                     {{"title", "Issue"}, {"group_id", Id("g", 4)}, {"priority", Pick(2) ? "high" : "low"}, {"reason", "r"}}); break;
          default: Do<EscalationAggregate>(Id("e", 3), Pick(2) ? "raise" : "accept",
                                           {{"subject_kind", "risk"}, {"subject_id", r}, {"subject_title", "Risk"},
                                            {"from_group_id", Id("g", 4)}, {"to_group_id", "g9"}, {"reason", "r"},
                                            {"decision", Id("m", 3) + "/d1"}}); break;
        }
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
  // Erases person `id` as the server does: the command, then the key.
  bool Erase(const std::string& id) {
    const int before = accepted;
    Do<PersonAggregate>(id, "erase", {{"reason", "right to erasure"}});
    if (accepted == before) return false;
    auto vault = privacy::InstalledVault();
    return vault && vault->Erase(id).ok();
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
    // Half the commands through the other writer: the first must catch up
    // with appends it did not see.
    EntityWriter& w = outside_ != nullptr && coin_() % 2 ? *outside_ : *writer_;
    auto r = Execute<Agg>(w, id, *cmd, rc);
    if (r.ok() && r->events_written > 0) ++accepted;
  }
  storage::EventStore& store_;
  std::mt19937 rng_;
  std::unique_ptr<EntityWriter> own_;
  EntityWriter* writer_;
  EntityWriter* outside_;
  std::mt19937 coin_{7};  // its own generator: the command sequence stays the seed's
};

// The live model as JSON, read under the runner's lock.
nlohmann::json LiveJson(ProjectionRunner& runner, const NetworkProjection& live) {
  auto lock = runner.ReadLock();
  return live.model().ToJson();
}

TEST(RebuildPropertyTest, LiveEqualsRebuildForRandomHistories) {
  int total_accepted = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
    auto live = std::make_shared<NetworkProjection>();
    ProjectionRunner runner(*store, {live});
    ASSERT_TRUE(runner.Start().ok());
    RandomNetwork net(store, seed);
    for (int i = 0; i < 400; ++i) net.Step();
    total_accepted += net.accepted;
    auto rebuilt = BuildNetworkModel(*store, UINT64_MAX);
    ASSERT_TRUE(rebuilt.ok());
    const nlohmann::json live_json = LiveJson(runner, *live);
    ASSERT_EQ(live_json, rebuilt->ToJson()) << "seed " << seed;
    auto restarted = std::make_shared<NetworkProjection>();
    ProjectionRunner again(*store, {restarted});
    ASSERT_TRUE(again.Start().ok());
    ASSERT_EQ(restarted->model().ToJson(), live_json) << "seed " << seed;
  }
  // The generator must exercise the domain, not just be refused.
  EXPECT_GT(total_accepted, 8 * 100);
}

// With personal fields sealed and some people erased (their keys destroyed)
// between the live fold and the rebuild: the rebuild reads their sealed
// events as the placeholder, the live fold read them decrypted, and both end
// equal, since the erasure replaced what was read; a restart from the
// runner's snapshot (sealed rows) agrees too.
TEST(RebuildPropertyTest, LiveEqualsRebuildWithSealedFieldsAndErasures) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
    auto vault = privacy::PersonalDataVault::Open(store, privacy::Key256{7}, /*writable=*/true);
    ASSERT_TRUE(vault.ok());
    privacy::InstallVault(*vault);
    auto live = std::make_shared<NetworkProjection>();
    ProjectionRunner runner(*store, {live});
    ASSERT_TRUE(runner.Start().ok());
    RandomNetwork net(store, seed);
    int erased = 0;
    for (int i = 0; i < 400; ++i) {
      net.Step();
      if (i % 50 == 49) erased += net.Erase("p" + std::to_string(i % 12));
    }
    EXPECT_GT(erased, 0) << "seed " << seed;
    ASSERT_TRUE(runner.SaveSnapshots().ok());
    auto rebuilt = BuildNetworkModel(*store, UINT64_MAX);
    ASSERT_TRUE(rebuilt.ok());
    const nlohmann::json live_json = LiveJson(runner, *live);
    ASSERT_EQ(live_json, rebuilt->ToJson()) << "seed " << seed;
    int erased_seen = 0;
    rebuilt->people.ForEach([&](const std::string&, const PersonState& p) {
      if (p.erased) {
        ++erased_seen;
        EXPECT_EQ(p.name, "erased person");
      } else {
        EXPECT_TRUE(p.name.starts_with("Person ")) << p.name;  // decrypted
      }
    });
    EXPECT_EQ(erased_seen, erased);
    // Nothing in the state area (keys, snapshots) holds a name in plain text.
    auto state = store->ScanState("");
    ASSERT_TRUE(state.ok());
    for (const auto& kv : *state) EXPECT_EQ(kv.value.find("Person "), std::string::npos) << kv.key;
    auto restarted = std::make_shared<NetworkProjection>();
    ProjectionRunner again(*store, {restarted});
    ASSERT_TRUE(again.Start().ok());
    ASSERT_EQ(restarted->model().ToJson(), live_json) << "seed " << seed;
    privacy::InstallVault(nullptr);
  }
}

TEST(RebuildPropertyTest, AnEvictingWriterBesideAnotherWritesWhatOneWriterWould) {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
    EntityWriter small(store, /*cache_bytes=*/2048);  // fewer states than entities: evictions
    EntityWriter outside(store);
    RandomNetwork net(store, seed, &small, &outside);
    for (int i = 0; i < 400; ++i) net.Step();
    small.WaitIdle();
    EXPECT_LE(small.HeldBytes(), 2048u);

    std::shared_ptr<storage::EventStore> reference = storage::NewMemoryStore();
    RandomNetwork one(reference, seed);
    for (int i = 0; i < 400; ++i) one.Step();

    EXPECT_EQ(net.accepted, one.accepted) << "seed " << seed;
    EXPECT_EQ(store->Head().position, reference->Head().position) << "seed " << seed;
    auto mixed = BuildNetworkModel(*store, UINT64_MAX);
    auto single = BuildNetworkModel(*reference, UINT64_MAX);
    ASSERT_TRUE(mixed.ok() && single.ok());
    EXPECT_EQ(mixed->ToJson(), single->ToJson()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace assure::api
