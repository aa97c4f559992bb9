// What a holder of a pack without the signing key can still do, and how the
// signed statement (FORMAT.md 6.5) catches it: a pack back-dated, an event or
// a whole entity left out (pack.json re-derived, the batch proof and the
// manifest rebuilt, so every other check passes: before the statement such a
// pack was VALID), the report edited, a stale manifest, another checkpoint.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <tuple>
#include <optional>
#include <set>

#include "api/evidence/batch_proof.h"
#include "api/evidence/canonical_json.h"
#include "api/evidence/event_line.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_statement.h"
#include "api/evidence/verify_pack.h"
#include "domain/calendar.h"
#include "domain/deliverable.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "tests/evidence/pack_fixture.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {
namespace {

using nlohmann::json;
using testing::k20240301;
using testing::kDay;
using testing::Repack;
using testing::ScriptedNetwork;

std::set<std::string> Checks(const VerifyPackReport& r) {
  std::set<std::string> out;
  for (const auto& f : r.failures) out.insert(f.check);
  return out;
}

const VerifyFailure* Failure(const VerifyPackReport& r, const std::string& check, const std::string& needle = "") {
  for (const auto& f : r.failures) {
    if (f.check == check && f.message.find(needle) != std::string::npos) return &f;
  }
  ADD_FAILURE() << "no " << check << " failure saying '" << needle << "' in:\n" << FormatVerifyReport(r);
  return nullptr;
}

class CompletenessTest : public PackFixture {
 protected:

  // What a holder without the key can do: drop events, edit pack.json's
  // header, re-derive pack.json from the events left, prove them against a
  // checkpoint and write a new manifest. (The batch proof's nodes come from
  // the store here; a holder computes the same from the pack's own proof and
  // the leaves of the events it dropped.)
  std::string Forge(const std::function<bool(const storage::RecordedEvent&)>& drop,
                    const std::function<void(json&)>& edit = {}, std::optional<Checkpoint> other = {}) {
    std::vector<storage::RecordedEvent> kept;
    std::size_t at = 0;
    const std::string& text = files_[kEventsFile];
    while (at < text.size()) {
      const std::size_t nl = text.find('\n', at);
      auto e = ParseEventLine(std::string_view(text).substr(at, nl - at));
      EXPECT_TRUE(e.ok());
      if (!drop(*e)) kept.push_back(std::move(*e));
      at = nl + 1;
    }
    json header = json::parse(files_[kPackFile]);
    for (const char* large : {"statements", "entities", "ragb_histories"}) header.erase(large);
    if (edit) edit(header);
    auto proofs = *ProofsFromJson(files_[kProofsFile]);
    if (other) {
      for (auto& c : proofs.consistency) c.proof = *net_.store().ConsistencyProof(c.earlier.tree_size, other->tree_size);
      proofs.checkpoint = *other;
      header["checkpoint"]["tree_size"] = other->tree_size;
      header["checkpoint"]["root_hash"] = storage::HexEncode(other->root);
      header["checkpoint"]["timestamp"] = domain::FormatTimestampUs(other->timestamp_us);
    }
    NetworkModel model;
    PackFold fold;
    std::vector<const storage::RecordedEvent*> events;
    std::string lines;
    std::vector<std::uint64_t> positions;
    for (const auto& e : kept) {
      events.push_back(&e);
      lines += RenderEventLine(e) + "\n";
      positions.push_back(e.position);
    }
    fold.ApplyAll(model, events);
    PackUses uses;
    PackEntities entities;
    json statements = json::array();
    json gaps = json::array();
    for (const auto& code : header["scope"]["codes"]) {
      json st = DeriveStatement(model, code, header["as_of"]["date"], &uses, &entities);
      if (!st["has_evidence"].get<bool>()) gaps.push_back(code);
      statements.push_back(std::move(st));
    }
    header["gaps"] = gaps;
    header["event_count"] = kept.size();
    const Checkpoint& c = proofs.checkpoint;
    auto leaf = [this](std::uint64_t i) {
      return storage::MerkleLeafHash(storage::CanonicalBytes(*net_.store().ReadEvent(i + 1)));
    };
    auto proof = BuildBatchProof(c.tree_size, positions, leaf,
                                 *net_.store().InclusionProof(positions.back(), c.tree_size), c.root);
    EXPECT_TRUE(proof.ok());
    proofs.inclusion = *proof;
    ZipEntries files = files_;
    files[kPackFile] = RenderPackJson(header, statements, model, entities, fold, uses.deliverables);
    files[kEventsFile] = lines;
    files[kProofsFile] = ProofsToJson(proofs);
    return Repack(files, true);
  }
};

TEST_F(CompletenessTest, TheSignedPackIsValidAndTheForgerReproducesItWhenNothingIsDropped) {
  auto r = Verify(pack_.zip);
  EXPECT_TRUE(r.valid) << FormatVerifyReport(r);
  EXPECT_NE(FormatVerifyReport(r).find("ok    completeness"), std::string::npos);
  // The forging is faithful: dropping nothing gives the very files.
  auto same = Verify(Forge([](const auto&) { return false; }));
  EXPECT_TRUE(same.valid) << FormatVerifyReport(same);
}

TEST_F(CompletenessTest, TheLastRedChangeLeftOutIsNamed) {
  // d1 went Blue -> Red on 2024-02-18 ("Trainee posts unfunded"): without
  // that event the deliverable shows Blue, and pack.json says so.
  std::uint64_t dropped = 0;
  auto zip = Forge([&](const storage::RecordedEvent& e) {
    if (e.stream_id != "deliverable-d1" || e.type != "DeliverableRagbChanged") return false;
    dropped = e.position;
    return true;
  });
  ASSERT_NE(dropped, 0u);
  auto r = Verify(zip);
  EXPECT_FALSE(r.valid);
  // Nothing but what the server signed tells: before it, VALID.
  EXPECT_EQ(Checks(r), (std::set<std::string>{"completeness", "statement"})) << FormatVerifyReport(r);
  const auto* f = Failure(r, "completeness", "stream deliverable-d1: the events run to version 0");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("the last 1 event missing (omitted?)"), std::string::npos) << f->message;
  EXPECT_EQ(f->file, kEventsFile);
}

TEST_F(CompletenessTest, AWholeEntityLeftOutIsNamedByStatementAndStream) {
  auto zip = Forge([](const storage::RecordedEvent& e) { return e.stream_id == "deliverable-d2"; });
  auto r = Verify(zip);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), (std::set<std::string>{"completeness", "statement"})) << FormatVerifyReport(r);
  const auto* entity = Failure(r, "completeness", "deliverable d2 as mapped to it");
  ASSERT_NE(entity, nullptr);
  EXPECT_EQ(entity->statement, "IN-701");
  EXPECT_NE(Failure(r, "completeness", "stream deliverable-d2 (head version"), nullptr);
}

// Risk management is evidence under the same rules (issue 22): a risk left
// out is named as the deliverable is; an escalation's stream left out, or
// the risk's last review, too.
TEST_F(CompletenessTest, ARiskOrItsEscalationLeftOutIsNamed) {
  auto risk = Verify(Forge([](const storage::RecordedEvent& e) { return e.stream_id == "risk-r1"; }));
  EXPECT_FALSE(risk.valid);
  EXPECT_EQ(Checks(risk), (std::set<std::string>{"completeness", "statement"})) << FormatVerifyReport(risk);
  const auto* entity = Failure(risk, "completeness", "risk r1 as mapped");
  ASSERT_NE(entity, nullptr);
  EXPECT_EQ(entity->statement, "IN-601");
  auto escalation = Verify(Forge([](const storage::RecordedEvent& e) { return e.stream_id == "escalation-e1"; }));
  EXPECT_FALSE(escalation.valid);
  EXPECT_NE(Failure(escalation, "completeness", "stream escalation-e1 (head version"), nullptr);
  auto review = Verify(Forge([](const storage::RecordedEvent& e) { return e.type == "RiskReviewed"; }));
  EXPECT_FALSE(review.valid);
  EXPECT_NE(Failure(review, "completeness", "stream risk-r1: the events run to version 1"), nullptr);
}

TEST_F(CompletenessTest, AnEventLeftOutOfTheMiddleOfAStreamIsNamed) {
  auto zip = Forge([](const storage::RecordedEvent& e) {
    return e.stream_id == "group-ob" && e.stream_version == 1;
  });
  auto r = Verify(zip);
  EXPECT_FALSE(r.valid);
  const auto* f = Failure(r, "completeness", "stream group-ob: version 2 follows version 0: 1 event missing");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->line, 0u);
}

TEST_F(CompletenessTest, ABackDatedPackIsNamedByTheEventsRecordedAfterIt) {
  // As at 2023-06-01: the date, the timestamp and its text agree, pack.json
  // is re-derived for that date; the events were recorded up to 2024-02-18.
  const std::int64_t t = k20240301 - 274 * kDay;
  auto zip = Forge([](const auto&) { return false; },
                   [&](json& h) {
                     h["as_of"]["timestamp_us"] = t;
                     h["as_of"]["timestamp"] = domain::FormatTimestampUs(t);
                     h["as_of"]["date"] = domain::FormatIsoDate(domain::UtcDateOf(t));
                   });
  auto r = Verify(zip);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), (std::set<std::string>{"as-of", "statement"})) << FormatVerifyReport(r);
  const auto* later = Failure(r, "as-of", "after the pack's as-at instant 2023-06-01T00:00:00.000000Z (back-dated pack?)");
  ASSERT_NE(later, nullptr);
  EXPECT_NE(later->position, 0u);
  EXPECT_NE(later->line, 0u);
  EXPECT_NE(Failure(r, "as-of", "is not the as-at the server signed"), nullptr);
}

TEST_F(CompletenessTest, ADateThatIsNotTheTimestampsIsNamed) {
  auto zip = Forge([](const auto&) { return false; }, [](json& h) { h["as_of"]["date"] = "2024-02-29"; });
  auto r = Verify(zip);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(Failure(r, "as-of", "as_of.date 2024-02-29 is not the UTC date of as_of.timestamp_us"), nullptr);
  auto text = Forge([](const auto&) { return false; },
                    [](json& h) { h["as_of"]["timestamp"] = "2024-02-29T00:00:00.000000Z"; });
  EXPECT_NE(Failure(Verify(text), "as-of", "as_of.timestamp 2024-02-29T00:00:00.000000Z does not say"), nullptr);
}

TEST_F(CompletenessTest, AnEditedReportIsNamed) {
  std::string& html = files_[kIndexFile];
  // d1's RAGB cell: Red becomes Green.
  const std::string red = "r-red\">red";
  const auto at = html.find(red);
  ASSERT_NE(at, std::string::npos) << html;
  html.replace(at, red.size(), "r-green\">green");
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), std::set<std::string>{"report"}) << FormatVerifyReport(r);
  EXPECT_EQ(Failure(r, "report", "the report is not the one the server signed")->file, kIndexFile);
  // Without a new manifest the manifest names it too.
  auto stale = Verify(Repack(files_, false));
  EXPECT_EQ(Checks(stale), (std::set<std::string>{"manifest", "report"})) << FormatVerifyReport(stale);
  EXPECT_EQ(Failure(stale, "manifest")->file, kIndexFile);
}

TEST_F(CompletenessTest, AStaleManifestIsNamed) {
  // The manifest of another pack (an older build of a longer scope).
  Pack other = net_.BuildPack({"IN-601"});
  files_[kManifestFile] = ReadZip(other.zip)->at(kManifestFile);
  auto r = Verify(Repack(files_, false));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), std::set<std::string>{"manifest"}) << FormatVerifyReport(r);
  EXPECT_NE(Failure(r, "manifest", "does not match"), nullptr);
}

TEST_F(CompletenessTest, AnotherCheckpointIsNamed) {
  // A newer checkpoint, signed by the network: the events are proven in it
  // too, but the server signed the pack for the one it used.
  net_.Run<domain::DeliverableAggregate>("d3", "change-ragb", {{"ragb", "green"}, {"reason", "later"}});
  auto newer = net_.checkpoints().Publish(net_.clock().NowMicros(), "on demand");
  ASSERT_TRUE(newer.ok());
  ASSERT_GT(newer->tree_size, pack_.checkpoint.tree_size);
  auto r = Verify(Forge([](const auto&) { return false; }, {}, *newer));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), (std::set<std::string>{"checkpoint", "statement"})) << FormatVerifyReport(r);
  const auto* f = Failure(r, "checkpoint", "the server signed it for the checkpoint");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("size " + std::to_string(newer->tree_size)), std::string::npos) << f->message;
}

TEST_F(CompletenessTest, AStatementSignedForAnotherPackIsNamed) {
  Pack other = net_.BuildPack({"IN-601"});
  files_[kSignatureFile] = ReadZip(other.zip)->at(kSignatureFile);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(Checks(r).count("statement")) << FormatVerifyReport(r);
  EXPECT_TRUE(Checks(r).count("completeness")) << FormatVerifyReport(r);
  EXPECT_NE(Failure(r, "completeness", "statement IN-701 is not one the server signed"), nullptr);
}

// A pack of the format before the signed statement is refused, saying why.
TEST_F(CompletenessTest, AVersion2PackIsNamedAsSuch) {
  json j = json::parse(files_[kPackFile]);
  j["format"] = "assure-evidence-pack/v2";
  files_.erase(kSignatureFile);
  files_[kPackFile] = j.dump(1) + "\n";
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  EXPECT_NE(Failure(r, "format", "an assure-evidence-pack/v2 pack"), nullptr);
  EXPECT_NE(Failure(r, "statement", "the pack has no signature.json"), nullptr);
}

// The tamper cases of this file and tamper_test.cc, each with the checks
// assure verify-pack names; with ASSURE_TAMPER_DIR set they are written
// there (CASE.zip, CASE.json: {valid, checks}, key.hex) for the independent
// verifier (tests/tools/verify_pack_agrees.py) to check it agrees.
TEST_F(CompletenessTest, TheTamperCorpusForTheIndependentVerifier) {
  std::vector<std::tuple<std::string, std::string, std::set<std::string>>> cases;  // name, zip, checks
  auto add = [&](const std::string& name, const std::string& zip, std::set<std::string> checks) {
    cases.emplace_back(name, zip, std::move(checks));
  };
  auto with = [&](const std::string& file, const std::string& content, bool manifest = true) {
    ZipEntries f = files_;
    f[file] = content;
    return Repack(f, manifest);
  };
  auto replace = [](std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  add("valid", pack_.zip, {});
  const std::int64_t back = k20240301 - 274 * kDay;
  add("back-dated",
      Forge([](const auto&) { return false; },
            [&](json& h) {
              h["as_of"]["timestamp_us"] = back;
              h["as_of"]["timestamp"] = domain::FormatTimestampUs(back);
              h["as_of"]["date"] = domain::FormatIsoDate(domain::UtcDateOf(back));
            }),
      {"as-of", "statement"});
  add("date-not-the-timestamps",
      Forge([](const auto&) { return false; }, [](json& h) { h["as_of"]["date"] = "2024-02-29"; }),
      {"as-of", "statement"});
  add("omitted-last-event",
      Forge([](const storage::RecordedEvent& e) {
        return e.stream_id == "deliverable-d1" && e.type == "DeliverableRagbChanged";
      }),
      {"completeness", "statement"});
  add("omitted-entity", Forge([](const storage::RecordedEvent& e) { return e.stream_id == "deliverable-d2"; }),
      {"completeness", "statement"});
  add("omitted-risk", Forge([](const storage::RecordedEvent& e) { return e.stream_id == "risk-r1"; }),
      {"completeness", "statement"});
  add("omitted-escalation", Forge([](const storage::RecordedEvent& e) { return e.stream_id == "escalation-e1"; }),
      {"completeness", "statement"});
  add("edited-report", with(kIndexFile, replace(files_[kIndexFile], "r-red\">red", "r-green\">green")), {"report"});
  add("stale-manifest", with(kIndexFile, replace(files_[kIndexFile], "r-red\">red", "r-green\">green"), false),
      {"manifest", "report"});
  net_.Run<domain::DeliverableAggregate>("d3", "change-ragb", {{"ragb", "green"}, {"reason", "later"}});
  add("wrong-checkpoint", Forge([](const auto&) { return false; }, {}, *net_.checkpoints().Publish(0, "x")),
      {"checkpoint", "statement"});
  add("edited-event-line",
      with(kEventsFile, replace(files_[kEventsFile], "\"ragb\":\"red\"", "\"ragb\":\"green\"")),
      {"event", "statement", "derivation"});
  add("edited-pack-json", with(kPackFile, replace(files_[kPackFile], "\"partly-met\"", "\"met\"")),
      {"derivation", "statement"});
  add("edited-document", with("documents/" + Sha256Hex(net_.strategy_v1), "improved\n"), {"document", "statement"});
  {
    std::string lines = files_[kEventsFile];
    const auto second = lines.find('\n') + 1;
    lines.erase(second, lines.find('\n', second) + 1 - second);  // the second event
    add("removed-event", with(kEventsFile, lines), {"coverage", "inclusion", "statement", "completeness"});
    auto proofs = *ProofsFromJson(files_[kProofsFile]);
    proofs.checkpoint.root[0] ^= 1;
    add("forged-checkpoint", with(kProofsFile, ProofsToJson(proofs)), {"signature", "inclusion", "statement"});
  }
  ScriptedNetwork impostor;
  impostor.Script();
  add("another-key", impostor.BuildPack().zip, {"signature", "statement", "completeness", "consistency"});
  add("statement-of-another-pack", with(kSignatureFile, ReadZip(net_.BuildPack({"IN-601"}).zip)->at(kSignatureFile)),
      {"statement", "completeness"});

  const char* dir = std::getenv("ASSURE_TAMPER_DIR");
  for (const auto& [name, zip, checks] : cases) {
    auto r = Verify(zip);
    EXPECT_EQ(r.valid, checks.empty()) << name << "\n" << FormatVerifyReport(r);
    for (const auto& check : checks) EXPECT_TRUE(Checks(r).count(check)) << name << ": " << check << "\n" << FormatVerifyReport(r);
    if (!dir) continue;
    std::ofstream(std::string(dir) + "/" + name + ".zip", std::ios::binary) << zip;
    std::ofstream(std::string(dir) + "/" + name + ".json")
        << json{{"valid", r.valid}, {"checks", Checks(r)}, {"report", FormatVerifyReport(r)}}.dump() << "\n";
  }
  if (dir) std::ofstream(std::string(dir) + "/key.hex") << ToHex(net_.signer().public_key_raw()) << "\n";
}

}  // namespace
}  // namespace assure::api
