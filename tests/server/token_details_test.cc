// Tokens' details and the master key (issue 18; storage/FORMAT.md 7.5 and
// 7.6): a token's label is sealed under the token's own key, put beyond use
// when the token's details pass their retention (recorded, then the key
// destroyed, the chain untouched), and every data key is re-wrapped under a
// new master key by a rotation that leaves nothing wrapped under the old one.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "api/auth/token_codec.h"
#include "api/auth/token_service.h"
#include "api/core/event_mapping.h"
#include "api/privacy/field_cipher.h"
#include "api/privacy/personal_data_vault.h"
#include "storage/event_store.h"
#include "tests/server/child_process.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

using api::privacy::Key256;
using api::privacy::PersonalDataVault;

constexpr std::int64_t kDay = 86'400'000'000;
const Key256 kMaster{7, 7, 7};

std::shared_ptr<storage::EventStore> OpenStore(const std::filesystem::path& dir) {
  auto store = storage::OpenRocksStore(dir.string());
  EXPECT_TRUE(store.ok()) << store.error().message;
  return std::shared_ptr<storage::EventStore>(std::move(store).value());
}

// A RocksDB store in a scratch directory with a vault installed for the
// test (removed after), and a clock the test moves.
struct SealedStore {
  explicit SealedStore(std::string_view name) : dir(name), store(OpenStore(dir.path)) {
    auto vault = PersonalDataVault::Open(store, kMaster, true);
    EXPECT_TRUE(vault.ok());
    if (vault.ok()) api::privacy::InstallVault(*vault);
  }
  ~SealedStore() { api::privacy::InstallVault(nullptr); }
  ScratchDir dir;
  std::shared_ptr<storage::EventStore> store;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
};

std::string LastType(storage::EventStore& store, const std::string& token_id) {
  auto last = store.ReadStream("token-" + token_id, UINT64_MAX, storage::Direction::kBackwards, 1);
  return last.ok() && !last->empty() ? last->front().type : "";
}

TEST(TokenDetailsTest, ALabelIsSealedAndPutBeyondUseOnceTheTokenHasEndedForTheRetention) {
  SealedStore sealed("assure-token-details");
  auto& [dir, store, clock] = sealed;
  {
    auth::TokenIndex index;
    ASSERT_TRUE(index.Attach(*store).ok());
    auth::TokenService tokens(*store, index, clock, nullptr);
    auto laptop = tokens.Issue({"Jane Smith laptop", auth::Role::kViewer, {}, clock->NowMicros() + kDay, {}},
                               "cli", "cli");
    auto nightly = tokens.Issue({"Nightly import", auth::Role::kEditor, {}, {}, {}}, "cli", "cli");
    auto active = tokens.Issue({"Dashboard kiosk", auth::Role::kViewer, {}, {}, {}}, "cli", "cli");
    ASSERT_TRUE(laptop.ok() && nightly.ok() && active.ok());
    const std::string a = laptop->record.issued.token_id, b = nightly->record.issued.token_id,
                      c = active->record.issued.token_id;
    EXPECT_EQ(laptop->record.issued.name, "Jane Smith laptop");
    EXPECT_EQ(index.FindById(a)->issued.name, "Jane Smith laptop");
    // Sealed from the start: the label is in no file of the store.
    store->WaitForAsyncAppends();
    EXPECT_FALSE(AnyFileContains(dir.path, "Jane Smith"));
    auto issued_event = store->ReadStream("token-" + a, 0, storage::Direction::kForwards, 1);
    ASSERT_TRUE(issued_event.ok() && issued_event->size() == 1u);
    EXPECT_NE(issued_event->front().data.find("\"name\":\"enc1:"), std::string::npos);
    EXPECT_EQ(api::ReadableData(issued_event->front())["name"], "Jane Smith laptop");
    ASSERT_TRUE(tokens.Revoke(b, "replaced", "cli", "cli").ok());
    auto wrapped_a = store->GetState("tdk/" + a);
    ASSERT_TRUE(wrapped_a.ok() && wrapped_a->has_value());

    // Ended 364 and 363 days ago: kept.
    clock->Advance(365 * kDay);
    auto none = tokens.RemoveDetailsPastRetention(365, "retention");
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0u);
    EXPECT_EQ(index.FindById(a)->issued.name, "Jane Smith laptop");

    // Ended 366 and 367 days ago: removed; the token still working is not.
    clock->Advance(2 * kDay);
    auto removed = tokens.RemoveDetailsPastRetention(365, "retention");
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(*removed, 2u);
    for (const auto& id : {a, b}) {
      auto rec = index.FindById(id);
      ASSERT_TRUE(rec);
      EXPECT_TRUE(rec->details_removed);
      EXPECT_EQ(rec->issued.name, "");
      EXPECT_EQ(LastType(*store, id), "TokenDetailsRemoved");
      auto key = store->GetState("tdk/" + id);
      ASSERT_TRUE(key.ok());
      EXPECT_FALSE(key->has_value());
    }
    EXPECT_EQ(index.FindById(c)->issued.name, "Dashboard kiosk");
    EXPECT_FALSE(index.FindById(c)->details_removed);
    EXPECT_EQ(api::ReadableData(issued_event->front())["name"], "");
    // The wrapped key is in no file of the store any more.
    EXPECT_FALSE(AnyFileContains(dir.path, **wrapped_a));
    // Nothing more to do, and nothing recorded twice.
    auto again = tokens.RemoveDetailsPastRetention(365, "retention");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0u);
    auto stream = store->ReadStream("token-" + a, 0, storage::Direction::kForwards, 10);
    ASSERT_TRUE(stream.ok());
    EXPECT_EQ(stream->size(), 2u);
    EXPECT_NE(stream->back().metadata.reason.find("retention of 365 days"), std::string::npos);
  }
  // The chain is untouched, and an index rebuilt from the events agrees.
  auto report = store->Verify(1, store->Head().position);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  auth::TokenIndex rebuilt;
  ASSERT_TRUE(rebuilt.Attach(*store).ok());
  std::size_t removed = 0;
  for (const auto& r : rebuilt.List()) {
    if (r.details_removed) {
      ++removed;
      EXPECT_EQ(r.issued.name, "");
    }
  }
  EXPECT_EQ(removed, 2u);
}

TEST(TokenDetailsTest, AStopBetweenTheRecordAndTheKeysDestructionIsFinishedByTheNextRun) {
  SealedStore sealed("assure-token-details-stop");
  auto& [dir, store, clock] = sealed;
  auth::TokenIndex index;
  ASSERT_TRUE(index.Attach(*store).ok());
  auth::TokenService tokens(*store, index, clock, nullptr);
  auto t = tokens.Issue({"Old laptop", auth::Role::kViewer, {}, {}, {}}, "cli", "cli");
  ASSERT_TRUE(t.ok());
  const std::string id = t->record.issued.token_id;
  // Recorded, but the process stopped before the key was destroyed (the
  // token is still active: only the record says its details are gone).
  storage::ProposedEvent pe;
  pe.type = std::string(auth::kTokenDetailsRemovedType);
  pe.data = R"({"retention_days":365})";
  pe.metadata.actor = "retention";
  auto info = store->GetStreamInfo("token-" + id);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(store->Append("token-" + id, storage::ExpectedVersion::Exact(info->current_version), {pe}).ok());
  store->WaitForAsyncAppends();
  auto removed = tokens.RemoveDetailsPastRetention(365, "retention");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(*removed, 1u);
  auto key = store->GetState("tdk/" + id);
  ASSERT_TRUE(key.ok());
  EXPECT_FALSE(key->has_value());
  auto stream = store->ReadStream("token-" + id, 0, storage::Direction::kForwards, 10);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), 2u);  // not recorded twice
}

TEST(TokenDetailsTest, RotationReWrapsEveryKeyAndLeavesNothingWrappedUnderTheOldMaster) {
  ScratchDir dir("assure-master-rotation");
  auto store = OpenStore(dir.path);
  const Key256 next{8, 8, 8};
  std::string wrapped_person, wrapped_token, label;
  nlohmann::json person = {{"id", "p1"}, {"name", "Ann Smith"}, {"email", "ann@example.nhs.uk"}};
  {
    auto vault = PersonalDataVault::Open(store, kMaster, true);
    ASSERT_TRUE(vault.ok());
    ASSERT_TRUE((*vault)->SealFields("p1", person).ok());
    auto sealed = (*vault)->SealTokenLabel("t1", "Ann's laptop");
    ASSERT_TRUE(sealed.ok());
    label = *sealed;
    wrapped_person = **store->GetState("pdk/p1");
    wrapped_token = **store->GetState("tdk/t1");
  }
  auto rotated = PersonalDataVault::RotateMasterKey(*store, kMaster, next);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_EQ(*rotated, 2u);
  EXPECT_FALSE(AnyFileContains(dir.path, wrapped_person));
  EXPECT_FALSE(AnyFileContains(dir.path, wrapped_token));

  auto old_key = PersonalDataVault::Open(store, kMaster, true);
  ASSERT_FALSE(old_key.ok());
  EXPECT_EQ(old_key.error().code, ErrorCode::kForbidden);
  auto vault = PersonalDataVault::Open(store, next, true);
  ASSERT_TRUE(vault.ok());
  nlohmann::json opened = person;
  (*vault)->OpenFields("p1", opened);
  EXPECT_EQ(opened["name"], "Ann Smith");
  EXPECT_EQ(opened["email"], "ann@example.nhs.uk");
  EXPECT_EQ((*vault)->OpenTokenLabel("t1", label), "Ann's laptop");

  // A rotation from a key that is not the store's changes nothing.
  auto wrong = PersonalDataVault::RotateMasterKey(*store, kMaster, Key256{9});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kForbidden);
  EXPECT_TRUE(PersonalDataVault::Open(store, next, true).ok());
}

// The command an operator runs: `assure key rotate-master` on a stopped
// store whose master key is the default file in its data directory.
TEST(TokenDetailsTest, KeyRotateMasterReplacesTheDefaultKeyFile) {
  ScratchDir dir("assure-rotate-cli");
  const auto data = dir.path / "data";
  const auto err = dir.path / "err";
  const std::string bin = ASSURE_BIN;
  {
    // `assure token` never makes one: a service may name its own key, which
    // a second key in the data directory would contradict.
    ScratchDir fresh("assure-rotate-cli-fresh");
    auto [made, ___] = RunCommand(bin + " token create --role viewer --name kiosk --data " + (fresh.path / "d").string(), err);
    ASSERT_EQ(made, 0) << Slurp(err);
    EXPECT_FALSE(std::filesystem::exists(fresh.path / "d" / "master.key"));
  }
  {
    // The server's first start makes the store's master key (no other command does).
    ServeChild first(dir.path, data, "");
    ASSERT_NE(first.port(), 0) << first.log();
    ASSERT_EQ(first.Stop(), 0) << first.log();
  }
  auto [created, secret] = RunCommand(bin + " token create --role admin --name 'Jane laptop' --data " + data.string(), err);
  ASSERT_EQ(created, 0) << Slurp(err);
  ASSERT_TRUE(std::filesystem::exists(data / "master.key"));
  const auto next = dir.path / "next.key";
  {
    std::ofstream out(next);
    out << std::string(64, 'a') << "\n";
  }
  ::chmod(next.c_str(), 0600);
  auto [rotated, _] = RunCommand(bin + " key rotate-master --new-key-file " + next.string() + " --data " + data.string(), err);
  ASSERT_EQ(rotated, 0) << Slurp(err);
  EXPECT_NE(Slurp(err).find("re-wrapped 2 data keys"), std::string::npos) << Slurp(err);  // both tokens' keys
  EXPECT_EQ(Slurp(data / "master.key"), std::string(64, 'a') + "\n");
  struct stat st {};
  ASSERT_EQ(::stat((data / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto [listed, list] = RunCommand(bin + " token list --data " + data.string(), err);
  ASSERT_EQ(listed, 0) << Slurp(err);
  EXPECT_NE(list.find("Jane laptop"), std::string::npos) << list;
  // The same key again: refused, nothing changed.
  auto [again, __] = RunCommand(bin + " key rotate-master --new-key-file " + next.string() + " --data " + data.string(), err);
  EXPECT_EQ(again, 1);
  EXPECT_NE(Slurp(err).find("current one"), std::string::npos) << Slurp(err);
}

}  // namespace
}  // namespace assure::server::testing
