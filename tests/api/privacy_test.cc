// Crypto-shredding (api/privacy, storage/FORMAT.md section 7): the field
// envelope as documented, the vault's keys, erasure, and the boundary that
// every read for meaning passes (MakeView).
#include <gtest/gtest.h>

#include "api/core/event_mapping.h"
#include "api/privacy/field_cipher.h"
#include "api/privacy/personal_data_vault.h"
#include "storage/event_store.h"

namespace assure::api::privacy {
namespace {

using nlohmann::json;

const Key256 kMaster{1, 2, 3};

// Installs a vault for one test and removes it after.
struct Installed {
  explicit Installed(std::shared_ptr<PersonalDataVault> v) { InstallVault(std::move(v)); }
  ~Installed() { InstallVault(nullptr); }
};

TEST(FieldCipher, TheEnvelopeIsHexOfNonceCiphertextTagUnderTheDocumentedAad) {
  const Key256 key{9};
  auto env = SealField(key, "p1", "name", "Ann Smith");
  ASSERT_TRUE(env.ok());
  ASSERT_TRUE(env->starts_with("enc1:"));
  EXPECT_EQ(env->size(), 5 + 2 * (12 + 9 + 16));
  auto bytes = EnvelopeBytes(*env);
  ASSERT_TRUE(bytes);
  // The AAD as FORMAT.md 7 spells it.
  const std::string aad = std::string("assure-personal-field/v1") + '\0' + "p1" + '\0' + "name";
  EXPECT_EQ(Open(key, aad, *bytes), "Ann Smith");
  // Bound to the person, the field and the key.
  EXPECT_FALSE(Open(key, FieldAad("p2", "name"), *bytes));
  EXPECT_FALSE(Open(key, FieldAad("p1", "email"), *bytes));
  EXPECT_FALSE(Open(Key256{8}, aad, *bytes));
  // A fresh nonce each time.
  EXPECT_NE(*SealField(key, "p1", "name", "Ann Smith"), *env);
}

TEST(PersonalDataVault, SealsThePersonalFieldsOnlyAndOpensThem) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  auto vault = PersonalDataVault::Open(store, kMaster, true);
  ASSERT_TRUE(vault.ok());
  json data = {{"id", "p1"}, {"name", "Ann Smith"}, {"email", "ann@nhs.net"}, {"job_title", ""},
               {"organisation_id", "rwe"}};
  ASSERT_TRUE((*vault)->SealFields("p1", data).ok());
  EXPECT_TRUE(data["name"].get<std::string>().starts_with("enc1:"));
  EXPECT_TRUE(data["email"].get<std::string>().starts_with("enc1:"));
  EXPECT_EQ(data["job_title"], "");          // nothing to hide
  EXPECT_EQ(data["organisation_id"], "rwe");  // not personal
  EXPECT_EQ(data.dump().find("Ann"), std::string::npos);
  // The key is kept apart, wrapped: not in plain form.
  auto wrapped = store->GetState("pdk/p1");
  ASSERT_TRUE(wrapped.ok() && wrapped->has_value());
  EXPECT_EQ((*wrapped)->size(), 1u + 12 + 32 + 16);
  // Another vault on the same store (a restart) opens them.
  auto again = PersonalDataVault::Open(store, kMaster, true);
  ASSERT_TRUE(again.ok());
  json read = data;
  (*again)->OpenFields("p1", read);
  EXPECT_EQ(read["name"], "Ann Smith");
  EXPECT_EQ(read["email"], "ann@nhs.net");
}

TEST(PersonalDataVault, AWrongMasterKeyIsRefused) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  ASSERT_TRUE(PersonalDataVault::Open(store, kMaster, true).ok());
  auto wrong = PersonalDataVault::Open(store, Key256{4}, true);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kForbidden);
  EXPECT_NE(wrong.error().message.find("wrong master key"), std::string::npos);
}

TEST(PersonalDataVault, ErasureLeavesOnlyThePlaceholderAndCountsPlainTextEvents) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  auto vault = PersonalDataVault::Open(store, kMaster, true);
  ASSERT_TRUE(vault.ok());
  Installed installed(*vault);
  // One event written before encryption existed (plain), one after.
  domain::NewEvent plain{"PersonRegistered", 1, {{"id", "p1"}, {"name", "Old Name"}, {"email", ""}}, ""};
  domain::NewEvent update{"PersonDetailsUpdated", 1, {{"id", "p1"}, {"name", "Ann Smith"}}, ""};
  RequestContext rc;
  auto sealed = ToStoredEvent(update, rc, "");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->data.find("Ann"), std::string::npos);
  ASSERT_TRUE(store->Append("person-p1", storage::ExpectedVersion::Any(),
                            {ToProposed(plain, rc, ""), std::move(sealed).value()})
                  .ok());
  auto events = store->ReadStream("person-p1", 0, storage::Direction::kForwards, 10);
  ASSERT_TRUE(events.ok());
  json holder;
  EXPECT_EQ((*MakeView((*events)[1], holder).data)["name"], "Ann Smith");

  auto erased = (*vault)->Erase("p1");
  ASSERT_TRUE(erased.ok());
  EXPECT_TRUE(erased->key_destroyed);
  EXPECT_EQ(erased->plaintext_events, 1u);
  EXPECT_FALSE(store->GetState("pdk/p1")->has_value());
  EXPECT_EQ((*MakeView((*events)[1], holder).data)["name"], "erased person");
  EXPECT_EQ(ReadableData((*events)[1])["name"], "erased person");
  // A vault opened after (a restart, a later copy) cannot read it either.
  auto later = PersonalDataVault::Open(store, kMaster, true);
  ASSERT_TRUE(later.ok());
  json data = json::parse((*events)[1].data);
  (*later)->OpenFields("p1", data);
  EXPECT_EQ(data["name"], "erased person");
  // The plain-text event is read as it was written: erasure cannot reach it.
  EXPECT_EQ((*MakeView((*events)[0], holder).data)["name"], "Old Name");
}

TEST(PersonalDataVault, WithoutAVaultEnvelopesReadAsThePlaceholderNeverAsCiphertext) {
  storage::RecordedEvent e;
  e.stream_id = "person-p1";
  e.type = "PersonRegistered";
  auto env = SealField(Key256{9}, "p1", "name", "Ann Smith");
  ASSERT_TRUE(env.ok());
  e.data = json{{"id", "p1"}, {"name", *env}, {"email", ""}}.dump();
  json holder;
  EXPECT_EQ((*MakeView(e, holder).data)["name"], "erased person");
}

TEST(PersonalDataVault, AStopBetweenTheErasureAndTheKeysDestructionIsFinishedAtTheNextOpen) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  auto vault = PersonalDataVault::Open(store, kMaster, true);
  ASSERT_TRUE(vault.ok());
  json data = {{"id", "p1"}, {"name", "Ann Smith"}};
  ASSERT_TRUE((*vault)->SealFields("p1", data).ok());
  ASSERT_TRUE((*vault)->SealFields("p2", data).ok());
  storage::ProposedEvent e;
  e.type = "PersonalDataErased";
  e.data = R"({"id":"p1"})";
  ASSERT_TRUE(store->Append("person-p1", storage::ExpectedVersion::Any(), {e}).ok());
  auto destroyed = (*vault)->DestroyKeysOfErased();
  ASSERT_TRUE(destroyed.ok());
  EXPECT_EQ(*destroyed, 1u);
  EXPECT_FALSE(store->GetState("pdk/p1")->has_value());
  EXPECT_TRUE(store->GetState("pdk/p2")->has_value());
}

}  // namespace
}  // namespace assure::api::privacy
