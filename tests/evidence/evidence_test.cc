// Evidence packs: what a generated pack holds (as at a date), that it
// verifies offline, that it is reproducible, and the gap list.
#include <gtest/gtest.h>
#include <unistd.h>

#include <future>

#include "api/auth/security_log.h"
#include "api/core/thread_pool.h"
#include "api/evidence/canonical_json.h"
#include "api/evidence/event_line.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_html.h"
#include "api/evidence/verify_pack.h"
#include "domain/deliverable.h"
#include "domain/meeting.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {
namespace {

using testing::k20240301;
using testing::EventsJsonl;
using testing::ScriptedNetwork;
using nlohmann::json;

const json* Find(const json& array, const std::string& key, const std::string& value) {
  for (const auto& x : array) {
    if (x.contains(key) && x[key] == value) return &x;
  }
  return nullptr;
}

class EvidencePackTest : public ::testing::Test {
 protected:
  void SetUp() override { net_.Script(); }
  ScriptedNetwork net_;
};

TEST_F(EvidencePackTest, AGeneratedPackVerifiesWithTheRealPublicKey) {
  Pack pack = net_.BuildPack();
  ASSERT_FALSE(pack.zip.empty());
  VerifyPackOptions o;
  o.public_key_raw = net_.signer().public_key_raw();
  auto report = VerifyEvidencePack(pack.zip, o);
  EXPECT_TRUE(report.valid) << FormatVerifyReport(report);
  EXPECT_EQ(report.key_source, "given");
  EXPECT_EQ(report.identity, pack.identity);
  EXPECT_EQ(report.statements, 3u);
  EXPECT_EQ(report.events, pack.event_count);
  EXPECT_EQ(report.documents, 2u);  // strategy v1 and the board's terms of reference
  EXPECT_GE(report.passed.size(), 6u);
  // pack.json is exactly what the events give, byte for byte (the fast path).
  EXPECT_NE(FormatVerifyReport(report).find("the entities, RAGB histories and the gap list"), std::string::npos)
      << FormatVerifyReport(report);
  // Without a key it still verifies, and says which key it used.
  auto embedded = VerifyEvidencePack(pack.zip);
  EXPECT_TRUE(embedded.valid);
  EXPECT_EQ(embedded.key_source, "embedded");
  EXPECT_NE(FormatVerifyReport(embedded).find("embedded"), std::string::npos);
}

TEST_F(EvidencePackTest, TheZipHoldsTheDocumentedFiles) {
  Pack pack = net_.BuildPack();
  auto files = ReadZip(pack.zip);
  ASSERT_TRUE(files.ok());
  for (const char* f : {kIndexFile, kPackFile, kEventsFile, kProofsFile, kManifestFile}) {
    EXPECT_TRUE(files->count(f)) << f;
  }
  EXPECT_EQ((*files)["documents/" + Sha256Hex(net_.strategy_v1)], net_.strategy_v1);
  EXPECT_FALSE(files->count("documents/" + Sha256Hex(net_.strategy_v2)));  // adopted after the date
  EXPECT_EQ((*files)[kManifestFile], BuildManifest(*files));
  const std::string& html = (*files)[kIndexFile];
  EXPECT_NE(html.find("<code>" + pack.identity + "</code>"), std::string::npos);
  EXPECT_EQ(html.find(kPendingIdentity), std::string::npos);  // filled in
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("2024-03-01"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);  // d2's title, escaped
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(Sha256Hex((*files)[kPackFile]), pack.identity);
}

// The report is rendered before pack.json is hashed; the identity goes only
// where the placeholder was put, never where a pack's own text repeats it.
TEST_F(EvidencePackTest, TheReportsIdentityIsFilledInOnlyInItsPlace) {
  Pack pack = net_.BuildPack();
  json report = json::parse(pack.pack_json);
  const std::string lure = std::string("<code>") + kPendingIdentity + "</code> (SHA-256 of pack.json)";
  report["scope"]["codes"] = {lure, "IN-601"};
  std::string html = RenderPackHtml(report, kPendingIdentity);
  ASSERT_TRUE(FillPackHtmlIdentity(html, pack.identity));
  EXPECT_NE(html.find("<code>" + pack.identity + "</code>"), std::string::npos);
  EXPECT_NE(html.find(HtmlEscape(lure)), std::string::npos);  // the pack's text, as it was
  EXPECT_FALSE(FillPackHtmlIdentity(html, pack.identity));    // no placeholder left
}

TEST_F(EvidencePackTest, TheSameRequestGivesByteIdenticalPackJsonAndEvents) {
  Pack a = net_.BuildPack();
  net_.clock().Advance(3600LL * 1'000'000);
  Pack b = net_.BuildPack();
  EXPECT_EQ(a.checkpoint.tree_size, b.checkpoint.tree_size);
  EXPECT_EQ(a.pack_json, b.pack_json);
  EXPECT_EQ(EventsJsonl(a), EventsJsonl(b));
  EXPECT_EQ(a.identity, b.identity);
  EXPECT_EQ(a.zip, b.zip);  // the whole zip, too
  auto files = ReadZip(a.zip);
  EXPECT_EQ((*files)[kEventsFile], EventsJsonl(a));
}

// On a pool with a worker for each stage the log is read, folded and
// rendered on three threads; on a pool of one thread (whose only worker
// builds the pack) there is no worker to spare, so the same steps run one
// after another, and the halves and parts run on the worker that waits for
// them. The pack is the same, byte for byte.
TEST_F(EvidencePackTest, APoolOfOneThreadBuildsTheSamePack) {
  auto build_on = [this](ThreadPool& pool) {
    std::promise<Pack> built;
    auto pack = built.get_future();
    EXPECT_TRUE(pool.TryPost([&] { built.set_value(net_.BuildPack()); }));
    return pack.get();
  };
  ThreadPool wide("t-wide", 4, 16);
  ThreadPool one("t-one", 1, 16);
  Pack a = build_on(wide);
  Pack b = build_on(one);
  EXPECT_EQ(a.checkpoint.tree_size, b.checkpoint.tree_size);
  EXPECT_EQ(a.pack_json, b.pack_json);
  EXPECT_EQ(EventsJsonl(a), EventsJsonl(b));
  EXPECT_EQ(a.zip, b.zip);
  EXPECT_TRUE(VerifyEvidencePack(b.zip).valid);
}

// pack.json is written a member at a time (and the meetings on two threads
// once there are many): the bytes must be the canonical form of the object
// (FORMAT.md 6.6), so any JSON tool re-serialises it identically. 300 meetings refer
// to d1 and d1 has 120 RAGB changes, past the report's limits.
TEST(EventLineTest, AppendJsonStringEscapesAsNlohmannDoes) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all += "\u00e9\u4e2d\U0001F600";
  for (std::size_t i = 0; i < 0x80; ++i) {
    const std::string s = all.substr(i, 1) + "x" + all.substr(i, 1);
    std::string out;
    AppendJsonString(out, s);
    EXPECT_EQ(out, nlohmann::json(s).dump()) << i;
  }
  std::string out;
  AppendJsonString(out, all);
  EXPECT_EQ(out, nlohmann::json(all).dump());
}

TEST_F(EvidencePackTest, PackJsonIsTheWholeObjectDumpedAndTheReportIsCut) {
  for (int i = 0; i < 300; ++i) {
    const std::string id = "bulk" + std::to_string(1000 + i);
    net_.Run<domain::MeetingAggregate>(id, "schedule", {{"group_id", "ob"}, {"title", "Bulk \"" + id + "\""}, {"scheduled_for", "2024-0" + std::to_string(4 + i % 5) + "-1" + std::to_string(i % 10)}});
    net_.Run<domain::MeetingAggregate>(id, "open", nlohmann::json::object());
    net_.Run<domain::MeetingAggregate>(id, "record-decision", {{"text", "Noted \u00e9 \\ progress"}, {"links", {{{"kind", "deliverable"}, {"id", "d1"}}}}});
  }
  // Meetings with every part of a meeting entity, and strings nlohmann
  // escapes (pack.json writes them as text, not through nlohmann). The
  // domain refuses other control characters (domain/text_limits.h); stored
  // ones are escaped as nlohmann does (AppendJsonStringEscapesAsNlohmannDoes).
  for (int i = 0; i < 3; ++i) {
    const std::string id = "full" + std::to_string(i);
    net_.Run<domain::MeetingAggregate>(id, "schedule", {{"group_id", "ob"}, {"title", "Quote \"q\" \\ \u00e9\u4e2d"}, {"scheduled_for", "2024-02-2" + std::to_string(i)}});
    net_.Run<domain::MeetingAggregate>(id, "open", nlohmann::json::object());
    net_.Run<domain::MeetingAggregate>(id, "record-attendance", {{"person_id", "alice"}, {"attendance", "present"}});
    net_.Run<domain::MeetingAggregate>(id, "record-attendance", {{"person_id", "bob"}, {"attendance", "apologies"}});
    net_.Run<domain::MeetingAggregate>(id, "record-decision", {{"text", "Links\\ \t\r\nend"}, {"links", {{{"kind", "deliverable"}, {"id", "d1"}}, {{"kind", "document-version"}, {"id", "doc1"}, {"version_id", "v1"}}}}});
    net_.Run<domain::MeetingAggregate>(id, "raise-action", {{"text", "Act \"x\" \\"}, {"owner_person_id", "alice"}, {"due_date", "2024-03-01"}});
    net_.Run<domain::MeetingAggregate>(id, "raise-action", {{"text", "Second"}, {"owner_person_id", "bob"}, {"due_date", "2024-03-02"}});
    net_.Run<domain::MeetingAggregate>(id, "update-action", {{"action_id", "a1"}, {"note", "first note"}});
    net_.Run<domain::MeetingAggregate>(id, "update-action", {{"action_id", "a1"}, {"note", "second\nnote"}});
    net_.Run<domain::MeetingAggregate>(id, "close-action", {{"action_id", "a2"}, {"closure_evidence", "done"}});
    if (i > 0) {
      net_.Run<domain::MeetingAggregate>(id, "close", {{"quorum_rule", {{"min_present", 1}, {"min_percent", 0}, {"chair_required", i == 1}}}, {"members", {{{"person_id", "alice"}, {"role", "chair"}}, {{"person_id", "bob"}, {"role", "member"}}}}});
    }
  }
  for (int i = 0; i < 120; ++i) {
    net_.Run<domain::DeliverableAggregate>("d1", "change-ragb", {{"ragb", i % 2 ? "amber" : "green"}, {"reason", "Review " + std::to_string(i) + " \"as\tminuted\""}});
  }
  PackRequest req;
  req.codes = {"IN-601", "IN-701", "IN-801"};
  req.as_of_position = net_.store().Head().position;
  req.actor = "token-assessor";
  req.now_us = net_.clock().NowMicros();
  auto pack = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  const json j = json::parse(pack->pack_json);
  EXPECT_EQ(CanonicalJson(j) + "\n", pack->pack_json);
  EXPECT_GE(j["entities"]["meetings"].size(), 300u);
  EXPECT_GE(j["ragb_histories"]["d1"].size(), 120u);
  // Meetings and RAGB histories are written as text: the same values as
  // MeetingEntity and RagbHistory build as JSON, from the log folded again.
  {
    NetworkModel model;
    PackFold fold;
    auto page = net_.store().ReadAll(1, 10000);
    ASSERT_TRUE(page.ok());
    for (const auto& e : page->events) fold.Apply(model, e);
    const json& meetings = j["entities"]["meetings"];
    for (const char* id : {"full0", "full1", "full2", "m1", "bulk1000"}) EXPECT_TRUE(meetings.contains(id)) << id;
    for (auto it = meetings.begin(); it != meetings.end(); ++it) {
      EXPECT_EQ(it.value(), MeetingEntity(model, it.key())) << it.key();
    }
    EXPECT_EQ(meetings["full0"]["actions"][0]["notes"].size(), 2u);
    EXPECT_EQ(meetings["full0"]["decisions"][0]["links"].size(), 2u);
    EXPECT_TRUE(meetings["full0"]["quorum"].is_null());
    EXPECT_TRUE(meetings["full1"]["quorum"].is_object());
    for (auto it = j["ragb_histories"].begin(); it != j["ragb_histories"].end(); ++it) {
      EXPECT_EQ(it.value(), RagbHistory(fold, it.key())) << it.key();
    }
  }
  auto report = VerifyEvidencePack(pack->zip);
  EXPECT_TRUE(report.valid) << FormatVerifyReport(report);
  // The report: the latest 100 meetings (by date) and 50 RAGB changes, and how many more.
  auto files = ReadZip(pack->zip);
  ASSERT_TRUE(files.ok());
  const std::string& html = (*files)[kIndexFile];
  const json* in601 = Find(j["statements"], "code", "IN-601");
  ASSERT_NE(in601, nullptr);
  const std::size_t meetings = (*in601)["meetings"].size();
  EXPECT_NE(html.find("The latest 100 of " + std::to_string(meetings) + " meetings"), std::string::npos);
  EXPECT_NE(html.find("the latest 50 of " + std::to_string(j["ragb_histories"]["d1"].size()) + " changes"),
            std::string::npos);
  EXPECT_NE(html.find("2024-08-19"), std::string::npos);   // among the latest dates
  EXPECT_EQ(html.find("2024-04-10"), std::string::npos);   // among the earliest: cut
  EXPECT_NE(html.find("Review 119 "), std::string::npos);  // the latest change
  EXPECT_EQ(html.find("Review 3 "), std::string::npos);    // an early one: cut
  // The summary counts every decision and meeting, not only those shown.
  const std::size_t decisions = (*in601)["evidence_counts"]["decisions"].get<std::size_t>();
  EXPECT_NE(html.find(std::to_string(decisions) + " decisions at " + std::to_string(meetings) +
                      " meetings (0 of the latest 100 quorate)"),
            std::string::npos);
}

TEST_F(EvidencePackTest, ShowsEachStatementAsItWasOnTheDate) {
  Pack pack = net_.BuildPack();
  EXPECT_EQ(pack.as_of_date, "2024-03-01");
  auto j = json::parse(pack.pack_json);
  const json* in601_ids = Find(j["statements"], "code", "IN-601");
  ASSERT_NE(in601_ids, nullptr);
  // The statement names its entities by id; each entity is in "entities" once.
  EXPECT_EQ((*in601_ids)["deliverables"], json::array({"d1"}));
  EXPECT_EQ(j["entities"]["deliverables"]["d1"]["id"], "d1");
  const json hydrated601 = HydrateStatement(j, *in601_ids);
  const json* in601 = &hydrated601;
  // Self-assessment: the one recorded before the date, not the later "met".
  EXPECT_EQ((*in601)["self_assessment"]["outcome"], "partly-met");
  // d1 was red on 1 March 2024 (amber only from the 10th), history up to the date.
  const json* d1 = Find((*in601)["deliverables"], "id", "d1");
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ((*d1)["state"]["ragb"], "red");
  EXPECT_EQ((*d1)["group_id"], "ob");
  EXPECT_FALSE(d1->contains("ragb_history"));  // once per deliverable, below
  const json& hist = j["ragb_histories"]["d1"];
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0]["to"], "blue");
  EXPECT_EQ(hist[1]["from"], "blue");
  EXPECT_EQ(hist[1]["to"], "red");
  EXPECT_EQ(hist[1]["reason"], "Trainee posts unfunded");
  EXPECT_EQ(pack.pack_json.find("Funding agreed"), std::string::npos);
  // The strategy as in force on the date: v1, with its version table.
  const json* strategy = Find((*in601)["documents"], "id", "strategy");
  ASSERT_NE(strategy, nullptr);
  EXPECT_EQ((*strategy)["in_force"]["version_label"], "1.0");
  EXPECT_EQ((*strategy)["in_force"]["review_date"], "2024-05-24");
  EXPECT_EQ((*strategy)["versions"].size(), 1u);
  EXPECT_EQ((*strategy)["approvals"][0]["approving_group_id"], "ob");
  // The board: terms of reference and membership on the date (carol joins in June).
  const json* ob = Find((*in601)["groups"], "id", "ob");
  ASSERT_NE(ob, nullptr);
  EXPECT_EQ((*ob)["terms_of_reference"]["document_id"], "tor-ob");
  ASSERT_EQ((*ob)["members_on_date"].size(), 2u);
  EXPECT_EQ((*ob)["members_on_date"][0]["name"], "Alice Chair");
  // The meeting decision about d1, with attendance and quorum; not the
  // unrelated one. And February's decision accepting the SIG's escalation.
  ASSERT_EQ((*in601)["meetings"].size(), 2u);
  const json& m1 = *Find((*in601)["meetings"], "id", "m1");
  const json& m2 = *Find((*in601)["meetings"], "id", "m2");
  ASSERT_EQ(m2["decisions"].size(), 1u);
  EXPECT_EQ(m2["decisions"][0]["text"], "Scanner downtime accepted onto the board's register");
  // Risk management: the board's risk as on the date (reviewed, one control;
  // its rescoring after the date not shown) and the SIG's risk with its
  // escalation accepted by that decision.
  ASSERT_EQ((*in601)["risks"].size(), 2u);
  const json* r1 = Find((*in601)["risks"], "id", "r1");
  ASSERT_NE(r1, nullptr);
  EXPECT_EQ((*r1)["state"]["current"]["score"], 16);
  EXPECT_EQ((*r1)["state"]["last_reviewed"], "2024-02-20");
  EXPECT_EQ((*r1)["state"]["controls"].size(), 1u);
  const json* r2 = Find((*in601)["risks"], "id", "r2");
  ASSERT_NE(r2, nullptr);
  ASSERT_EQ((*r2)["escalations"].size(), 1u);
  EXPECT_EQ((*r2)["escalations"][0]["accepted_decision"], "m2/d1");
  EXPECT_NE(Find((*in601)["groups"], "id", "sig"), nullptr);  // the register the risk came from
  EXPECT_EQ(Find(j["statements"], "code", "IN-601")->at("evidence_counts")["risks_reviewed_or_escalated"], 2);
  // IN-801's only risk was raised, never reviewed or escalated: shown, not evidence.
  const json& in801 = *Find(j["statements"], "code", "IN-801");
  EXPECT_EQ(in801["risks"].size(), 1u);
  EXPECT_FALSE(in801["has_evidence"].get<bool>());
  EXPECT_EQ(m1["decisions"].size(), 1u);
  EXPECT_EQ(m1["decisions"][0]["text"], "Governance framework approved");
  EXPECT_EQ(m1["actions"].size(), 1u);
  EXPECT_EQ(m1["attendance"].size(), 2u);
  EXPECT_TRUE(m1["quorum"]["quorate"].get<bool>());
  // IN-701: d2 only.
  const json hydrated701 = HydrateStatement(j, *Find(j["statements"], "code", "IN-701"));
  const json* in701 = &hydrated701;
  ASSERT_NE(in701, nullptr);
  EXPECT_EQ((*in701)["deliverables"].size(), 1u);
  EXPECT_TRUE((*in701)["meetings"].empty());
  // d2's owner is linked to bob (issue 18): the state holds the id and no
  // name, the pack names him beside it, from his stream, which it carries.
  const json& d2 = (*in701)["deliverables"][0];
  EXPECT_EQ(d2["state"]["owner_person_id"], "bob");
  EXPECT_EQ(d2["state"]["owner"], "");
  EXPECT_EQ(d2["owner_name"], "Bob Member");
  EXPECT_NE(EventsJsonl(pack).find("\"stream_id\":\"person-bob\""), std::string::npos);
  // The report names the owner (ids stay in pack.json).
  const std::string html = RenderPackHtml(j, pack.identity);
  EXPECT_NE(html.find("<td>Owner</td><td>Bob Member</td>"), std::string::npos);
  EXPECT_EQ(html.find("person bob"), std::string::npos);
  // Events after the date are not in the pack.
  EXPECT_EQ(EventsJsonl(pack).find("Funding agreed"), std::string::npos);
  EXPECT_LT(j["as_of"]["position"].get<std::uint64_t>(), net_.store().Head().position);
}

TEST_F(EvidencePackTest, GapsListStatementsWithoutEvidence) {
  Pack pack = net_.BuildPack();
  EXPECT_EQ(pack.gaps, std::vector<std::string>{"IN-801"});
  auto j = json::parse(pack.pack_json);
  EXPECT_EQ(j["gaps"], json::array({"IN-801"}));
  const json* in801 = Find(j["statements"], "code", "IN-801");
  ASSERT_NE(in801, nullptr);
  EXPECT_FALSE((*in801)["has_evidence"].get<bool>());
  EXPECT_EQ((*in801)["catalogue"]["title"], "Research");
  auto files = ReadZip(pack.zip);
  EXPECT_NE((*files)[kIndexFile].find("IN-801"), std::string::npos);
  // A section and the whole network.
  PackRequest req;
  req.scope = PackScope::kSection;
  req.section = "7";
  req.as_of_us = k20240301;
  req.now_us = net_.clock().NowMicros();
  auto section = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(section.ok());
  EXPECT_EQ(section->codes, std::vector<std::string>{"IN-701"});
  req.scope = PackScope::kAll;
  auto all = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(all.ok());
  // Defined statements and the codes deliverables and documents name.
  EXPECT_EQ(all->codes, (std::vector<std::string>{"IN-101", "IN-201", "IN-203", "IN-601", "IN-701", "IN-801"}));
  EXPECT_EQ(all->gaps, std::vector<std::string>{"IN-801"});
  EXPECT_TRUE(VerifyEvidencePack(all->zip).valid) << FormatVerifyReport(VerifyEvidencePack(all->zip));
}

TEST_F(EvidencePackTest, UsesACoveringCheckpointOrPublishesOne) {
  // The only checkpoint was published before the as-at position: a new one is signed.
  auto before = net_.checkpoints().List();
  ASSERT_EQ(before->size(), 1u);
  Pack pack = net_.BuildPack();
  EXPECT_EQ(pack.checkpoint.tree_size, net_.store().Head().position);
  EXPECT_EQ(net_.checkpoints().List()->size(), 2u);
  // Packs as at an earlier position reuse it.
  PackRequest req;
  req.codes = {"IN-601"};
  req.as_of_position = 5;
  req.now_us = net_.clock().NowMicros();
  auto early = BuildEvidencePack(net_.store(), net_.checkpoints(), req);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->checkpoint.tree_size, pack.checkpoint.tree_size);
  EXPECT_EQ(net_.checkpoints().List()->size(), 2u);
  // Refusals.
  req.codes.clear();
  EXPECT_EQ(BuildEvidencePack(net_.store(), net_.checkpoints(), req).error().code, ErrorCode::kInvalidArgument);
  req.codes = {"IN-601"};
  req.as_of_us = k20240301;
  EXPECT_EQ(BuildEvidencePack(net_.store(), net_.checkpoints(), req).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(EvidencePackTest, AnEarlierMinutedCheckpointIsConsistentWithThePack) {
  Pack pack = net_.BuildPack();
  VerifyPackOptions o;
  o.public_key_raw = net_.signer().public_key_raw();
  o.earlier_checkpoint = net_.early_checkpoint;
  auto ok = VerifyEvidencePack(pack.zip, o);
  EXPECT_TRUE(ok.valid) << FormatVerifyReport(ok);
  EXPECT_NE(FormatVerifyReport(ok).find("extends the checkpoint of size " +
                                        std::to_string(net_.early_checkpoint.tree_size)),
            std::string::npos);
  // A different history behind a board's minuted checkpoint: caught.
  Checkpoint other = net_.early_checkpoint;
  other.root[0] ^= 1;
  other.signature = net_.signer().Sign(CheckpointMessage(other));
  o.earlier_checkpoint = other;
  o.consistency_proof = *net_.store().ConsistencyProof(other.tree_size, pack.checkpoint.tree_size);
  auto bad = VerifyEvidencePack(pack.zip, o);
  EXPECT_FALSE(bad.valid);
  ASSERT_EQ(bad.failures.size(), 1u) << FormatVerifyReport(bad);
  EXPECT_EQ(bad.failures[0].check, "consistency");
  EXPECT_EQ(bad.failures[0].file, "earlier checkpoint");
}

TEST_F(EvidencePackTest, GenerationIsRecordedInTheSecurityLog) {
  auth::SecurityLog log(net_.store(), std::make_shared<storage::testing::FakeClock>());
  ASSERT_TRUE(log.Open().ok());
  PackRequest req;
  req.codes = {"IN-601", "IN-701"};
  req.as_of_us = k20240301;
  req.actor = "token-7";
  req.role = "assessor";
  req.now_us = net_.clock().NowMicros();
  auto pack = BuildEvidencePack(net_.store(), net_.checkpoints(), req, &log);
  ASSERT_TRUE(pack.ok());
  auto entries = log.Read(1, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  const auto& e = (*entries)[0];
  EXPECT_EQ(e.kind, auth::security_kind::kEvidencePackDownload);
  EXPECT_EQ(e.token_id, "token-7");
  EXPECT_NE(e.detail.find("statements=IN-601,IN-701"), std::string::npos);
  EXPECT_NE(e.detail.find("as_of=2024-03-01"), std::string::npos);
  EXPECT_NE(e.detail.find(pack->identity), std::string::npos);
}

// A line reads back to the event it renders, by the fast reader (the
// rendering itself) or the general one (escapes, other key orders,
// whitespace); an edited field or an inconsistent time is corruption.
// Every event of the log up to the last one relied on is in the pack (as
// for a whole-network pack): events.jsonl is the lines rendered while folding,
// cut after that event; a later event of another stream is left out.
TEST(EvidencePackWholeLog, EveryEventUpToTheLastReliedOn) {
  testing::ScriptedNetwork net;
  net.Run<domain::DeliverableAggregate>("d1", "create", {{"programme_id", "wf"}, {"title", "Governance"}, {"mm_qsin_reference", "Governance IN-601"}, {"ragb", "blue"}});
  for (const char* r : {"red", "amber", "green"}) {
    net.Run<domain::DeliverableAggregate>("d1", "change-ragb", {{"ragb", r}, {"reason", std::string("now ") + r}});
  }
  net.Run<domain::DeliverableAggregate>("d2", "create", {{"programme_id", "wf"}, {"title", "Unmapped"}, {"mm_qsin_reference", "Workforce IN-203"}});
  PackRequest req;
  req.codes = {"IN-601"};
  req.as_of_position = net.store().Head().position;
  req.now_us = net.clock().NowMicros();
  auto pack = BuildEvidencePack(net.store(), net.checkpoints(), req);
  ASSERT_TRUE(pack.ok()) << pack.error().message;
  EXPECT_EQ(pack->event_count, 4u);
  std::vector<std::string> lines;
  const std::string events = EventsJsonl(*pack);
  for (std::size_t at = 0; at < events.size();) {
    const auto nl = events.find('\n', at);
    ASSERT_NE(nl, std::string::npos);
    lines.push_back(events.substr(at, nl - at));
    at = nl + 1;
  }
  ASSERT_EQ(lines.size(), 4u);
  auto all = net.store().ReadAll(1, 10);
  ASSERT_TRUE(all.ok());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(lines[i], RenderEventLine(all->events[i])) << i;
  auto report = VerifyEvidencePack(pack->zip);
  EXPECT_TRUE(report.valid) << FormatVerifyReport(report);
}

TEST(EventLine, RoundTripsAndCatchesEdits) {
  storage::RecordedEvent e;
  e.position = 42;
  e.stream_id = "deliverable-d1";
  e.stream_version = 3;
  e.event_id = *storage::Uuid::Parse("0b5e8a1c-3f0e-4a7b-9c1d-2e3f4a5b6c7d");
  e.type = "DeliverableRagbChanged";
  e.recorded_at_us = 1'709'251'200'123'456;
  e.metadata.actor = "token-1";
  e.metadata.source = "api";
  e.data = R"({"ragb":"red","title":"[x] {y}"})";
  e.hash[0] = 7;
  for (const std::string& reason : {std::string("plain"), std::string("a \"quoted\" reason\nover lines \u00e9\x01")}) {
    e.metadata.reason = reason;
    const std::string line = RenderEventLine(e);
    storage::RecordedEvent parsed;
    storage::Hash256 leaf{};
    auto back = ParseEventLine(line, &parsed, &leaf);
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << line;
    EXPECT_EQ(storage::CanonicalBytes(*back), storage::CanonicalBytes(e));
    EXPECT_EQ(back->hash, e.hash);
    EXPECT_EQ(leaf, storage::MerkleLeafHash(storage::CanonicalBytes(e)));
    // Re-serialised (keys sorted, pretty): the same event.
    auto again = ParseEventLine(nlohmann::json::parse(line).dump(2));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(storage::CanonicalBytes(*again), storage::CanonicalBytes(e));
    // An edited field: corruption, the fields still read.
    std::string edited = line;
    edited.replace(edited.find("\"red\""), 5, "\"amber\"");
    auto bad = ParseEventLine(edited, &parsed);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kCorruption);
    EXPECT_EQ(parsed.position, 42u);
    // recorded_at that does not say recorded_at_us.
    std::string timed = line;
    timed.replace(timed.find("2024-03-01"), 10, "2023-03-01");
    auto late = ParseEventLine(timed);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::kCorruption);
    EXPECT_EQ(late.error().field, "recorded_at");
  }
  // Not an event line.
  EXPECT_EQ(ParseEventLine("{}").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseEventLine("nonsense").error().code, ErrorCode::kInvalidArgument);
  auto extra = nlohmann::json::parse(RenderEventLine(e));
  extra["surprise"] = 1;
  EXPECT_EQ(ParseEventLine(extra.dump()).error().field, "surprise");
}

// A bare as-of date is the end of that UTC day: domain::ParseAsAt, tested in
// tests/domain/calendar_test.cc and through POST /api/v1/evidence-packs in
// tests/rest/rest_as_of_test.cc.

}  // namespace
}  // namespace assure::api
