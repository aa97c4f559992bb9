// Building a pack: the refusals (each naming its field), a chosen checkpoint
// giving the same pack byte for byte however many are published after it,
// and pack.json's canonical form (FORMAT.md 6.6).
#include <gtest/gtest.h>

#include <stdexcept>

#include "api/evidence/canonical_json.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_statement.h"
#include "api/evidence/verify_pack.h"
#include "domain/deliverable.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {
namespace {

using nlohmann::json;
using testing::k20240301;
using testing::kDay;
using testing::ScriptedNetwork;

class PackRequestTest : public ::testing::Test {
 protected:
  void SetUp() override { net_.Script(); }
  PackRequest Request() {
    PackRequest req;
    req.codes = {"IN-601", "IN-701"};
    req.as_of_us = k20240301;
    req.now_us = net_.clock().NowMicros();
    return req;
  }
  // The error's field, or "" when the build succeeded.
  std::string Refused(const PackRequest& req) {
    auto built = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
    if (built.ok()) return "";
    EXPECT_EQ(built.error().code, ErrorCode::kInvalidArgument) << built.error().message;
    return built.error().field;
  }
  ScriptedNetwork net_;
};

TEST_F(PackRequestTest, BadRequestsAreRefusedNamingTheField) {
  PackRequest req = Request();
  EXPECT_EQ(Refused(req), "");
  req.codes = {"IN-601", "hello"};
  EXPECT_EQ(Refused(req), "statements");
  req = Request();
  req.as_of_us.reset();
  for (std::uint64_t bad : {std::uint64_t{0}, net_.store().Head().position + 1}) {
    req.as_of_position = bad;
    EXPECT_EQ(Refused(req), "at_position") << bad;
  }
  req.as_of_position = net_.store().Head().position;
  EXPECT_EQ(Refused(req), "");
  req = Request();
  req.as_of_us = req.now_us + 1;  // the future
  EXPECT_EQ(Refused(req), "as_of");
  req.as_of_us = req.now_us;
  EXPECT_EQ(Refused(req), "");
  req = Request();
  req.checkpoint_size = 3;  // never published
  EXPECT_EQ(Refused(req), "checkpoint");
  req.checkpoint_size = net_.early_checkpoint.tree_size;  // before the as-at position
  EXPECT_EQ(Refused(req), "checkpoint");
}

TEST_F(PackRequestTest, AChosenCheckpointGivesTheSamePackByteForByte) {
  auto covering = net_.checkpoints().Publish(net_.clock().NowMicros(), "board minute");
  ASSERT_TRUE(covering.ok());
  PackRequest req = Request();
  req.checkpoint_size = covering->tree_size;
  auto first = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(first.ok()) << first.error().message;
  // Later: more events and a newer checkpoint. Unchosen, the newest is used.
  net_.clock().Advance(30 * kDay);
  net_.Run<domain::DeliverableAggregate>("d3", "change-ragb", {{"ragb", "green"}, {"reason", "later"}});
  auto newer = net_.checkpoints().Publish(net_.clock().NowMicros(), "periodic");
  ASSERT_TRUE(newer.ok());
  ASSERT_GT(newer->tree_size, covering->tree_size);
  req.now_us = net_.clock().NowMicros();
  auto again = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->zip, first->zip);
  EXPECT_EQ(again->identity, first->identity);
  EXPECT_EQ(again->checkpoint.tree_size, covering->tree_size);
  req.checkpoint_size.reset();
  auto unchosen = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(unchosen.ok());
  EXPECT_EQ(unchosen->checkpoint.tree_size, newer->tree_size);
  EXPECT_NE(unchosen->zip, first->zip);
  // The pack says which it used: in pack.json and in what the server signed.
  const json pack = json::parse(first->pack_json);
  EXPECT_EQ(pack["checkpoint"]["tree_size"], covering->tree_size);
  auto signed_statement = SignatureFromJson(ReadZip(first->zip)->at(kSignatureFile));
  ASSERT_TRUE(signed_statement.ok());
  EXPECT_EQ(signed_statement->statement["checkpoint"]["tree_size"], covering->tree_size);
  VerifyPackOptions key;
  key.public_key_raw = net_.signer().public_key_raw();
  EXPECT_TRUE(VerifyEvidencePack(again->zip, key).valid);
}

TEST(CanonicalJsonTest, SortedKeysNoWhitespaceIntegersAndMinimalEscapes) {
  const json v = json::parse(R"({"z": 1, "a": [true, null, -3, 18446744073709551615],
      "\u00e9": "caf\u00e9 \u4e2d \ud83d\ude00", "B": {"y": "", "x": {}},
      "ctl": "\u0000\u0001\b\f\n\r\t\u001f\u007f \"q\" \\ /"})");
  EXPECT_EQ(CanonicalJson(v),
            "{\"B\":{\"x\":{},\"y\":\"\"},\"a\":[true,null,-3,18446744073709551615],"
            "\"ctl\":\"\\u0000\\u0001\\b\\f\\n\\r\\t\\u001f\x7f \\\"q\\\" \\\\ /\",\"z\":1,"
            "\"\xc3\xa9\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}");
  EXPECT_THROW(CanonicalJson(json::parse("[1.5]")), std::invalid_argument);
  // The streaming writer gives the same bytes.
  std::string out;
  CanonicalText w(out);
  w.Open('{');
  w.Key("a").Open('[');
  w.Item().Int(-3);
  w.Item().Uint(7);
  w.Item().Null();
  w.Close(']');
  w.Key("b").Str("x\ny");
  w.Close('}');
  EXPECT_EQ(out, CanonicalJson(json::parse(R"({"b": "x\ny", "a": [-3, 7, null]})")));
}

}  // namespace
}  // namespace assure::api
