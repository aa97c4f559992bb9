#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "api/audit/checkpoint.h"
#include "storage/merkle.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using storage::testing::TempDir;

TEST(SignerTest, KeyIsCreatedPrivateAndReloaded) {
  TempDir dir;
  auto first = Signer::LoadOrCreate(dir.path());
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/signing-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = Signer::LoadOrCreate(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*first)->public_key_raw(), (*again)->public_key_raw());
  EXPECT_EQ((*first)->PublicKeyHex().size(), 64u);
  EXPECT_NE((*first)->PublicKeyPem().find("BEGIN PUBLIC KEY"), std::string::npos);
  std::string sig = (*first)->Sign("hello");
  EXPECT_TRUE(VerifyEd25519((*again)->public_key_raw(), "hello", sig));
  EXPECT_FALSE(VerifyEd25519((*again)->public_key_raw(), "hellO", sig));
  EXPECT_FALSE(VerifyEd25519(Signer::Generate()->public_key_raw(), "hello", sig));
}

TEST(SignerTest, AKeyReadableByOthersIsRefused) {
  TempDir dir;
  ASSERT_TRUE(Signer::LoadOrCreate(dir.path()).ok());
  ::chmod((dir.path() + "/signing-key.pem").c_str(), 0644);
  auto loaded = Signer::LoadOrCreate(dir.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("chmod 600"), std::string::npos);
}

TEST(CheckpointTest, PublishSignsTheMerkleRootAndVerifies) {
  auto store = storage::NewMemoryStore();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->Append("s", storage::ExpectedVersion::Any(), storage::testing::One("E")).ok());
  }
  auto signer = Signer::Generate();
  CheckpointLog log(*store, *signer);
  auto c = log.Publish(1'700'000'000'000'000, "on demand");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tree_size, 5u);
  EXPECT_EQ(c->root, *store->MerkleRoot(5));
  EXPECT_TRUE(VerifyCheckpointSignature(*c));
  EXPECT_TRUE(VerifyCheckpointSignature(*c, signer->public_key_raw()));
  EXPECT_EQ(CheckpointMessage(*c).substr(0, 29), "assure-checkpoint/v1\nsize 5\nr");

  auto round = CheckpointFromJson(CheckpointToJson(*c));
  ASSERT_TRUE(round.ok());
  EXPECT_TRUE(VerifyCheckpointSignature(*round));
  EXPECT_EQ(round->root, c->root);

  Checkpoint forged = *c;
  forged.tree_size = 4;
  EXPECT_FALSE(VerifyCheckpointSignature(forged));
  forged = *c;
  forged.root[0] ^= 1;
  EXPECT_FALSE(VerifyCheckpointSignature(forged));
  EXPECT_FALSE(VerifyCheckpointSignature(*c, Signer::Generate()->public_key_raw()));

  // Same size: the same checkpoint, not a second one.
  auto again = log.Publish(1'700'000'000'500'000, "periodic");
  EXPECT_EQ(again->timestamp_us, c->timestamp_us);
  ASSERT_TRUE(store->Append("s", storage::ExpectedVersion::Any(), storage::testing::One("E")).ok());
  auto next = log.Publish(1'700'000'001'000'000, "meeting closed");
  EXPECT_EQ(next->tree_size, 6u);
  EXPECT_EQ(log.List()->size(), 2u);
  EXPECT_EQ((*log.Latest())->tree_size, 6u);
  EXPECT_EQ((*log.AtSize(5))->root, c->root);
}

TEST(CheckpointTest, MalformedJsonIsAFieldError) {
  EXPECT_EQ(CheckpointFromJson(nlohmann::json::array()).error().code, ErrorCode::kInvalidArgument);
  auto j = CheckpointToJson(Checkpoint{});
  j["root_hash"] = "zz";
  EXPECT_EQ(CheckpointFromJson(j).error().field, "root_hash");
  j = CheckpointToJson(Checkpoint{});
  j["tree_size"] = -1;
  EXPECT_EQ(CheckpointFromJson(j).error().field, "tree_size");
}

}  // namespace
}  // namespace assure::api
