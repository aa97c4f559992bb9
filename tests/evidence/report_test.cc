// The report an assessor reads (index.html): names, not ids; an erased
// person never named; quorum and decisions as sentences; a summary row per
// statement with a verdict by the rules the report states.
#include <gtest/gtest.h>

#include "api/auth/token_codec.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_zip.h"
#include "api/evidence/verify_pack.h"
#include "api/privacy/personal_data_vault.h"
#include "domain/deliverable.h"
#include "domain/person.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {
namespace {

using testing::k20230524;
using testing::k20240301;
using testing::kDay;
using testing::ScriptedNetwork;

// The scripted network with personal fields sealed under a vault (as the
// server writes them), and its secretary (the actor of every command)
// registered as a person.
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::shared_ptr<storage::EventStore> store(&net_.store(), [](storage::EventStore*) {});
    auto vault = privacy::PersonalDataVault::Open(store, privacy::Key256{7}, true);
    ASSERT_TRUE(vault.ok());
    vault_ = *vault;
    privacy::InstallVault(vault_);
    net_.clock().Set(k20230524 - 40 * kDay);
    net_.Run<domain::PersonAggregate>("sec", "register", {{"name", "Sam Secretary"}, {"organisation_id", "uhb"}});
    net_.Script();
  }
  void TearDown() override { privacy::InstallVault(nullptr); }

  // index.html of a pack of `codes`, as at 2024-03-01 or at the head.
  std::string Report(std::vector<std::string> codes, bool at_head = false) {
    if (!at_head) return ReadZip(net_.BuildPack(std::move(codes)).zip)->at(kIndexFile);
    PackRequest req;
    req.codes = std::move(codes);
    req.as_of_position = net_.store().Head().position;
    req.now_us = net_.clock().NowMicros();
    auto pack = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
    EXPECT_TRUE(pack.ok()) << (pack.ok() ? "" : pack.error().message);
    return pack.ok() ? ReadZip(pack->zip)->at(kIndexFile) : std::string();
  }

  ScriptedNetwork net_;
  std::shared_ptr<privacy::PersonalDataVault> vault_;
};

bool Has(const std::string& html, const std::string& text) { return html.find(text) != std::string::npos; }

// The summary row of `code` in the overview (the first one).
std::string SummaryRowOf(const std::string& html, const std::string& code) {
  const auto at = html.find("<tr class=\"summary\"><td><a href=\"#" + code + "\">");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</tr>", at) - at);
}

TEST_F(ReportTest, NamesPeopleGroupsOrganisationsProgrammesAndActorsNotTheirIds) {
  const std::string html = Report({"IN-601"});
  // Group members (and their organisation), the deliverable's programme and
  // group, the approving group, the meeting's group, the action owner, the
  // attendees, the self-assessor and the actor of each RAGB change.
  EXPECT_TRUE(Has(html, "<tr><td>Alice Chair</td><td>chair</td><td>University Hospitals Birmingham</td>")) << html;
  EXPECT_TRUE(Has(html, "<tr><td>Programme</td><td>Governance Work Programme 2023-24</td></tr>"));
  EXPECT_TRUE(Has(html, "<tr><td>Group</td><td>Operational Board</td></tr>"));
  EXPECT_TRUE(Has(html, "<tr><td>1.0</td><td>in force</td><td>2023-05-24</td><td>Operational Board</td>"));
  EXPECT_TRUE(Has(html, "Operational Board November (Operational Board), 2023-11-20"));
  EXPECT_TRUE(Has(html, "<td>Circulate the framework</td><td>Alice Chair</td>"));
  EXPECT_TRUE(Has(html, "Present: Alice Chair. Apologies: Bob Member."));
  EXPECT_TRUE(Has(html, "by Alice Chair"));
  EXPECT_TRUE(Has(html, "<td>Trainee posts unfunded</td><td>Sam Secretary (University Hospitals Birmingham)</td>"));
  // No id in those places.
  for (const char* id : {">alice<", ">bob<", ">ob<", ">uhb<", ">wf<", "wf / ob", "by alice", "person-sec"}) {
    EXPECT_FALSE(Has(html, id)) << id;
  }
}

TEST_F(ReportTest, AnErasedPersonIsErasedPersonAndTheirNameIsNowhereInThePack) {
  net_.clock().Set(k20240301 + 30 * kDay);
  net_.Run<domain::PersonAggregate>("bob", "erase", {{"reason", "asked to be forgotten"}});
  ASSERT_TRUE(vault_->Erase("bob").ok());
  Pack pack = net_.BuildPack({"IN-601"});  // as at 2024-03-01, before the erasure
  auto files = ReadZip(pack.zip);
  ASSERT_TRUE(files.ok());
  const std::string& html = (*files)[kIndexFile];
  EXPECT_TRUE(Has(html, "<tr><td>erased person</td><td>member</td>")) << html;
  EXPECT_TRUE(Has(html, "Apologies: erased person."));
  for (const auto& [name, content] : *files) {
    EXPECT_FALSE(Has(content, "Bob Member")) << name;
    EXPECT_FALSE(Has(content, "enc1:") && name == kIndexFile);
  }
  EXPECT_TRUE(Has((*files)[kEventsFile], "person-bob"));  // the person's events are there, sealed
  VerifyPackOptions key;
  key.public_key_raw = net_.signer().public_key_raw();
  EXPECT_TRUE(VerifyEvidencePack(pack.zip, key).valid);
}

TEST_F(ReportTest, QuorumAndDecisionsAreSentences) {
  const std::string html = Report({"IN-601"});
  EXPECT_TRUE(Has(html, "Quorum met: 1 of 2 members present (at least 1 needed); the chair or a vice-chair was "
                        "present."))
      << html;
  EXPECT_TRUE(Has(html, "<strong>Decision 1:</strong> Governance framework approved. It refers to deliverable "
                        "Gov-01 Network governance framework."))
      << html;
  EXPECT_FALSE(Has(html, "&quot;quorate&quot;"));  // no JSON
  EXPECT_FALSE(Has(html, "&quot;kind&quot;"));
}

TEST_F(ReportTest, EachStatementHasASummaryRowAndAVerdictByTheStatedRules) {
  net_.clock().Set(k20240301 + 20 * kDay);
  auto deliverable = [&](const std::string& id, const std::string& code, const char* ragb) {
    nlohmann::json body = {{"programme_id", "wf"}, {"reference", id}, {"title", "Work " + id},
                           {"mm_qsin_reference", "Governance " + code}};
    if (ragb) body["ragb"] = ragb;
    net_.Run<domain::DeliverableAggregate>(id, "create", body);
  };
  deliverable("P-1", "IN-301", nullptr);  // only planned, no rating
  deliverable("G-1", "IN-302", "green");
  deliverable("G-2", "IN-303", "green");
  deliverable("P-2", "IN-303", nullptr);
  const std::string html = Report({"IN-301", "IN-302", "IN-303"}, true);
  const std::string gap = SummaryRowOf(html, "IN-301");
  EXPECT_TRUE(Has(gap, "class=\"v-gap\">gap<")) << gap;
  EXPECT_TRUE(Has(gap, "1 not evidence"));
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-302"), "class=\"v-met\">met<")) << SummaryRowOf(html, "IN-302");
  const std::string mixed = SummaryRowOf(html, "IN-303");
  EXPECT_TRUE(Has(mixed, "class=\"v-partly-met\">partly met<")) << mixed;
  EXPECT_TRUE(Has(mixed, "1 achieved, 1 not evidence"));
  // Each statement's own section starts with its row, listing each
  // deliverable with its rating, status and what it counts as.
  const auto section = html.find("<h2 id=\"IN-303\">");
  ASSERT_NE(section, std::string::npos);
  EXPECT_TRUE(Has(html.substr(section, html.find("<h3>", section) - section),
                  "<li>P-2 Work P-2: no rating, planned (not evidence)</li>"));
  EXPECT_TRUE(Has(html, "Gaps (no evidence that counts on the date): IN-301."));
  // And the rules are stated.
  EXPECT_TRUE(Has(html, "How to read this report"));
  EXPECT_TRUE(Has(html, "planning a\ndeliverable is not evidence that a statement is met"));
}

// An actor that is a token's id (a token issued before tokens named their
// holder) is named by the token's label; one naming a person, by the person.
TEST_F(ReportTest, ATokensActorIsNamedByItsHolder) {
  auto issue = [&](const std::string& id, std::optional<std::string> person) {
    auth::TokenIssued t;
    t.token_id = id;
    t.name = "Board laptop";
    t.role = auth::Role::kEditor;
    t.secret_sha256 = std::string(64, '0');
    t.person_id = std::move(person);
    ASSERT_TRUE(net_.store()
                    .Append("token-" + id, storage::ExpectedVersion::NoStream(),
                            storage::testing::One(std::string(auth::kTokenIssuedType), auth::EncodeTokenIssued(t)))
                    .ok());
  };
  net_.clock().Set(k20240301 + 20 * kDay);
  issue("6b0d3c1e-0000-4000-8000-000000000001", std::nullopt);
  issue("6b0d3c1e-0000-4000-8000-000000000002", "alice");
  net_.actor = "6b0d3c1e-0000-4000-8000-000000000001";
  net_.Run<domain::DeliverableAggregate>("d1", "change-ragb", {{"ragb", "green"}, {"reason", "Posts funded"}});
  net_.actor = "6b0d3c1e-0000-4000-8000-000000000002";
  net_.Run<domain::DeliverableAggregate>("d1", "change-ragb", {{"ragb", "blue"}, {"reason", "Slipped"}});
  const std::string html = Report({"IN-601"}, true);
  EXPECT_TRUE(Has(html, "<td>Posts funded</td><td>Board laptop (token)</td>")) << html;
  EXPECT_TRUE(Has(html, "<td>Slipped</td><td>Alice Chair (University Hospitals Birmingham)</td>"));
  EXPECT_FALSE(Has(html, "6b0d3c1e-"));
}

// The scripted statements: IN-601 has a strategy in force, a Red
// deliverable and a decision (partly met), IN-801 nothing (gap).
TEST_F(ReportTest, TheScriptedStatementsVerdicts) {
  const std::string html = Report({"IN-601", "IN-701", "IN-801"});
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-601"), ">partly met<"));
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-601"), "1 approved and in force"));
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-601"), "2 decisions at 2 meetings (1 quorate)"));
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-601"), "2 risks, 2 reviewed or escalated"));
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-801"), ">gap<"));
  EXPECT_TRUE(Has(SummaryRowOf(html, "IN-801"), "1 risk, 0 reviewed or escalated"));
  // The risks in words: owner and control owner by name, scores, reviews,
  // the escalation and the board's decision.
  EXPECT_TRUE(Has(html, "<h4>R1 Trainee posts unfunded</h4>")) << html;
  EXPECT_TRUE(Has(html, "<td>Owner</td><td>Bob Member</td>")) << html;
  EXPECT_TRUE(Has(html, "current 4 x 4 = 16 (extreme)"));
  EXPECT_TRUE(Has(html, "last reviewed 2024-02-20, next due 2024-05-20"));
  EXPECT_TRUE(Has(html, "<td>Bid to the ICB</td><td>Alice Chair"));
  EXPECT_TRUE(Has(html, "Escalated from Imaging SIG to Operational Board")) << html;
  EXPECT_TRUE(Has(html, "accepted by Decision 1 of meeting m2"));
  EXPECT_TRUE(Has(html, "@page{size:A4"));
}

}  // namespace
}  // namespace assure::api
