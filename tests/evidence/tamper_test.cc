// Each kind of tampering with an evidence pack is detected and named: which
// check failed, in which file, at which line / position / statement.
#include <gtest/gtest.h>

#include <set>

#include "api/evidence/event_line.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/verify_pack.h"
#include "storage/codec.h"
#include "tests/evidence/pack_fixture.h"
#include "tests/evidence/scripted_network.h"

namespace assure::api {
namespace {

using testing::Repack;
using testing::EventsJsonl;
using testing::ScriptedNetwork;
using nlohmann::json;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto nl = text.find('\n', at);
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class TamperTest : public PackFixture {
 protected:
  // The failure of `check`, or fails the test.
  static const VerifyFailure* Failure(const VerifyPackReport& r, const std::string& check) {
    for (const auto& f : r.failures) {
      if (f.check == check) return &f;
    }
    ADD_FAILURE() << "no " << check << " failure in:\n" << FormatVerifyReport(r);
    return nullptr;
  }
  static std::set<std::string> Checks(const VerifyPackReport& r) {
    std::set<std::string> out;
    for (const auto& f : r.failures) out.insert(f.check);
    return out;
  }
  // Red becomes green in a line's readable fields; its leaf_hash is left.
  static void RedToGreen(std::string& line) {
    auto at = line.find("\"ragb\":\"red\"");
    ASSERT_NE(at, std::string::npos) << line;
    line.replace(at, 12, "\"ragb\":\"green\"");
  }
  // The index in events.jsonl of the line holding `needle`.
  std::size_t LineWith(const std::vector<std::string>& lines, const std::string& needle) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find(needle) != std::string::npos) return i;
    }
    ADD_FAILURE() << needle;
    return 0;
  }
};

TEST_F(TamperTest, AnEditedEventIsNamedByLineAndPosition) {
  auto lines = Lines(files_[kEventsFile]);
  std::size_t i = LineWith(lines, "Trainee posts unfunded");
  const std::uint64_t position = ParseEventLine(lines[i])->position;
  // Red becomes green in the readable fields; the canonical bytes are left.
  ASSERT_NO_FATAL_FAILURE(RedToGreen(lines[i]));
  files_[kEventsFile] = Join(lines);
  // Without a new manifest: the manifest names events.jsonl.
  auto r1 = Verify(Repack(files_, false));
  EXPECT_FALSE(r1.valid);
  const auto* m = Failure(r1, "manifest");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->file, "events.jsonl");
  // With one: the line itself is named.
  auto r2 = Verify(Repack(files_, true));
  EXPECT_FALSE(r2.valid);
  const auto* f = Failure(r2, "event");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->file, "events.jsonl");
  EXPECT_EQ(f->line, i + 1);
  EXPECT_EQ(f->position, position);
  EXPECT_NE(f->message.find("leaf_hash"), std::string::npos);

  // Edited consistently (fields and canonical bytes): the proof fails, and
  // the statement derived from it no longer matches pack.json.
  auto e = *ParseEventLine(Lines(EventsJsonl(pack_))[i]);
  e.data = json::parse(e.data).dump();
  auto pos = e.data.find("\"red\"");
  e.data.replace(pos, 5, "\"green\"");
  lines[i] = RenderEventLine(e);
  files_[kEventsFile] = Join(lines);
  auto r3 = Verify(Repack(files_, true));
  EXPECT_FALSE(r3.valid);
  EXPECT_NE(Failure(r3, "inclusion"), nullptr);
  const auto* d = Failure(r3, "derivation");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->statement, "IN-601");
  EXPECT_NE(d->message.find("deliverables"), std::string::npos);
}

// Lines that cannot be read leave gaps the verifier closes: later lines
// are still read, and named by their own line numbers.
TEST_F(TamperTest, AnUnreadableLineIsNamedAndLaterLinesKeepTheirNumbers) {
  auto lines = Lines(files_[kEventsFile]);
  ASSERT_GT(lines.size(), 6u);
  const std::uint64_t lost = ParseEventLine(lines[2])->position;
  lines[2] = "not an event";
  lines.insert(lines.begin() + 4, "");  // blank lines are skipped
  const std::size_t edited = LineWith(lines, "Trainee posts unfunded");
  ASSERT_GT(edited, 4u);
  ASSERT_NO_FATAL_FAILURE(RedToGreen(lines[edited]));
  files_[kEventsFile] = Join(lines);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  std::vector<std::uint64_t> event_lines;
  for (const auto& f : r.failures) {
    if (f.check == "event") event_lines.push_back(f.line);
  }
  EXPECT_EQ(event_lines, (std::vector<std::uint64_t>{3, edited + 1})) << FormatVerifyReport(r);
  const auto* c = Failure(r, "coverage");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->position, lost);
  EXPECT_EQ(r.events, lines.size() - 2);  // all but the unreadable and the blank line
}

TEST_F(TamperTest, AnEditedDocumentIsNamed) {
  const std::string name = "documents/" + Sha256Hex(net_.strategy_v1);
  ASSERT_TRUE(files_.count(name));
  files_[name] = "WMIN Strategy, quietly improved\n";
  auto r1 = Verify(Repack(files_, false));
  const auto* m = Failure(r1, "manifest");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->file, name);
  // With a new manifest: the content is not its name's, nor the one signed.
  auto r2 = Verify(Repack(files_, true));
  EXPECT_FALSE(r2.valid);
  EXPECT_EQ(Checks(r2), (std::set<std::string>{"document", "statement"})) << FormatVerifyReport(r2);
  EXPECT_EQ(Failure(r2, "document")->file, name);
  EXPECT_EQ(Failure(r2, "statement")->file, name);
}

TEST_F(TamperTest, ARemovedEventIsNamed) {
  auto lines = Lines(files_[kEventsFile]);
  std::size_t i = LineWith(lines, "Trainee posts unfunded");
  const std::uint64_t position = ParseEventLine(lines[i])->position;
  lines.erase(lines.begin() + static_cast<long>(i));
  files_[kEventsFile] = Join(lines);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  const auto* f = Failure(r, "coverage");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->position, position);
  EXPECT_NE(f->message.find("missing from events.jsonl"), std::string::npos);
  // And what it changes: d1 folds back to blue, unlike pack.json.
  const auto* d = Failure(r, "derivation");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->statement, "IN-601");
}

TEST_F(TamperTest, AForgedCheckpointIsNamed) {
  auto proofs = json::parse(files_[kProofsFile]);
  proofs["checkpoint"]["tree_size"] = proofs["checkpoint"]["tree_size"].get<std::uint64_t>() + 5;
  files_[kProofsFile] = proofs.dump() + "\n";
  auto r1 = Verify(Repack(files_, true));
  EXPECT_FALSE(r1.valid);
  const auto* s = Failure(r1, "signature");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->file, "proofs.json");
  // A changed root: the signature and the inclusion proof both fail.
  proofs = json::parse(ReadZip(pack_.zip)->at(kProofsFile));
  std::string root = proofs["checkpoint"]["root_hash"];
  root[0] = root[0] == 'a' ? 'b' : 'a';
  proofs["checkpoint"]["root_hash"] = root;
  files_[kProofsFile] = proofs.dump() + "\n";
  auto r2 = Verify(Repack(files_, true));
  EXPECT_NE(Failure(r2, "signature"), nullptr);
  EXPECT_NE(Failure(r2, "inclusion"), nullptr);
}

TEST_F(TamperTest, APackSignedWithAnotherKeyIsNamed) {
  ScriptedNetwork impostor;  // the same history, another signing key
  impostor.Script();
  Pack forged = impostor.BuildPack();
  EXPECT_TRUE(VerifyEvidencePack(forged.zip).valid);  // consistent in itself
  auto r = Verify(forged.zip);  // with the network's real key
  EXPECT_FALSE(r.valid);
  ASSERT_FALSE(r.failures.empty());
  EXPECT_EQ(r.failures[0].check, "signature");
  for (const auto& f : r.failures) {
    // Besides the checkpoint, only what the same impostor signed is refused:
    // the earlier checkpoints the pack carries and its statement (so what
    // it must hold is not known).
    EXPECT_TRUE(f.check == "signature" || f.check == "consistency" || f.check == "statement" ||
                f.check == "completeness")
        << FormatVerifyReport(r);
  }
  EXPECT_NE(r.failures[0].message.find("another key"), std::string::npos);
  EXPECT_NE(r.failures[0].message.find(ToHex(impostor.signer().public_key_raw())), std::string::npos);
}

TEST_F(TamperTest, ABackDatedEventInsertedIsNamed) {
  auto lines = Lines(files_[kEventsFile]);
  std::size_t i = LineWith(lines, "Trainee posts unfunded");
  auto real = *ParseEventLine(lines[i]);
  // A RAGB change to green "recorded" in January, slotted in before the real one.
  storage::RecordedEvent fake = real;
  fake.position = real.position - 1;  // a position the pack does not hold
  while (EventsJsonl(pack_).find("{\"position\":" + std::to_string(fake.position) + ",") !=
         std::string::npos) {
    --fake.position;
  }
  fake.stream_version = real.stream_version;
  fake.recorded_at_us = testing::k20230524 - 31 * testing::kDay;  // before the log began
  fake.data = R"({"id":"d1","occurred_at":"2024-01-09T00:00:00.000000Z","previous_ragb":"blue","ragb":"green"})";
  fake.metadata.reason = "Completed early";
  fake.event_id.bytes[0] ^= 0xff;
  i = 0;
  while (ParseEventLine(lines[i])->position < fake.position) ++i;
  lines.insert(lines.begin() + static_cast<long>(i), RenderEventLine(fake));
  files_[kEventsFile] = Join(lines);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  const auto* c = Failure(r, "coverage");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->position, fake.position);
  EXPECT_EQ(c->line, i + 1);
  EXPECT_NE(c->message.find("inserted"), std::string::npos);
  const auto* o = Failure(r, "order");  // and its time goes back
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->position, fake.position);
  EXPECT_NE(o->message.find("back-dated"), std::string::npos);

  // Also claiming a proof for it: the inclusion proof fails.
  auto proofs = json::parse(files_[kProofsFile]);
  auto& positions = proofs["inclusion"]["positions"];
  std::vector<std::uint64_t> ps = positions.get<std::vector<std::uint64_t>>();
  ps.push_back(fake.position);
  std::sort(ps.begin(), ps.end());
  positions = ps;
  files_[kProofsFile] = proofs.dump() + "\n";
  auto r2 = Verify(Repack(files_, true));
  EXPECT_FALSE(r2.valid);
  EXPECT_NE(Failure(r2, "inclusion"), nullptr);
}

TEST_F(TamperTest, AnEditedPackJsonIsNamedByStatement) {
  auto j = json::parse(files_[kPackFile]);
  for (auto& st : j["statements"]) {
    if (st["code"] == "IN-601") st["self_assessment"]["outcome"] = "met";
  }
  files_[kPackFile] = j.dump(1) + "\n";
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), (std::set<std::string>{"derivation", "statement"})) << FormatVerifyReport(r);
  const auto* d = Failure(r, "derivation");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->statement, "IN-601");
  EXPECT_NE(d->message.find("self_assessment.outcome"), std::string::npos);
  EXPECT_EQ(Failure(r, "statement")->file, kPackFile);
}

TEST_F(TamperTest, AnEditedEntityIsNamedByTheStatementsShowingIt) {
  auto j = json::parse(files_[kPackFile]);
  auto& d1 = j["entities"]["deliverables"]["d1"];
  ASSERT_TRUE(d1.is_object());
  d1["state"]["owner"] = "Someone Else";
  files_[kPackFile] = j.dump(1) + "\n";
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  const auto* f = Failure(r, "derivation");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->statement, "IN-601");
  EXPECT_NE(f->message.find("deliverables.d1"), std::string::npos) << f->message;
}

// The same content in other bytes still follows from the events, but it is
// not the pack.json the server signed (its identity is another).
TEST_F(TamperTest, AReSerialisedPackJsonIsNotTheSignedOne) {
  files_[kPackFile] = json::parse(files_[kPackFile]).dump(4);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(Checks(r), std::set<std::string>{"statement"}) << FormatVerifyReport(r);
  EXPECT_EQ(Failure(r, "statement")->file, kPackFile);
}

TEST_F(TamperTest, ValuesOfTheWrongTypeAreReportedNotThrown) {
  auto j = json::parse(files_[kPackFile]);
  j["as_of"] = "yesterday";
  files_[kPackFile] = j.dump();
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  EXPECT_NE(Failure(r, "format"), nullptr);
  auto p = json::parse(files_[kProofsFile]);
  p["format"] = 7;
  files_[kProofsFile] = p.dump();
  EXPECT_FALSE(Verify(Repack(files_, true)).valid);
}

TEST_F(TamperTest, ReSerialisedLinesWithTheSameValuesAreNotTheSignedFile) {
  auto lines = Lines(files_[kEventsFile]);
  for (auto& l : lines) l = json::parse(l).dump();  // keys sorted, same values
  files_[kEventsFile] = Join(lines);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  // Every line is still read and proven: only the file's signed hash differs.
  EXPECT_EQ(Checks(r), std::set<std::string>{"statement"}) << FormatVerifyReport(r);
  EXPECT_EQ(Failure(r, "statement")->file, kEventsFile);
}

// Regression (issue 15): the verifier re-serialises each event's data; a
// line, pack.json or proofs.json nested 100,000 deep overflowed its stack.
// Now each is an unreadable file or line, reported.
TEST_F(TamperTest, DeeplyNestedJsonIsReportedNotACrash) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  auto lines = Lines(files_[kEventsFile]);
  auto at = lines[1].find("\"data\":{");
  ASSERT_NE(at, std::string::npos) << lines[1];
  lines[1].insert(at + 8, "\"z\":" + deep + ",");
  files_[kEventsFile] = Join(lines);
  auto r = Verify(Repack(files_, true));
  EXPECT_FALSE(r.valid);
  const auto* e = Failure(r, "event");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 2u);
  for (const char* file : {kPackFile, kProofsFile}) {
    auto copy = files_;
    copy[file] = "{\"z\":" + deep + "}";
    EXPECT_FALSE(Verify(Repack(copy, true)).valid) << file;
  }
}

TEST_F(TamperTest, NotAZipIsInvalid) {
  auto r = Verify("certainly not a zip");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.failures.at(0).check, "format");
}

}  // namespace
}  // namespace assure::api
