// Issue 22, reading the Risks column over REST: an import reports the draft
// risks of its rows and raises none; GET /api/v1/risk-drafts lists them;
// POST /api/v1/risk-drafts/confirm raises the scored ones, linked to their
// deliverables, all or nothing, and only within a scoped token's groups.
#include <thread>

#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

const std::string kRisksCsv =
    "Medical Physics Work Programme (2023 - 2024)\r\n"
    "Network Reference,Deliverable,Owner,Interdependencies/ Risks,MM/QSIN Reference\r\n"
    "MP-01,Align protocols,Chair,Staff shortages. Locum cover is costly.,IN-501\r\n"
    "MP-02,Audit doses,Chair,none,\r\n"
    "MP-03,Buy phantoms,Chair,Supplier lead times,IN-601\r\n"
    "MP-04,Share reports,Chair,Trust IG sign-off,\r\n";

class RiskDraftRestTest : public RestWorldTest {
 protected:
  HttpReply Import(bool dry_run) {
    return Send(srv().port(), "POST",
                std::string("/api/v1/imports?file_name=mp.csv") + (dry_run ? "&dry_run=true" : ""), tok().editor,
                kRisksCsv, {{"Content-Type", "text/csv"}});
  }
  json Drafts(const std::string& query = {}) {
    HttpReply r = Get("/api/v1/risk-drafts" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  // (A vector: a json from {one} would be that one, not a list of it.)
  HttpReply Confirm(const std::vector<json>& drafts, const std::string& token, const Headers& headers = {}) {
    return Post("/api/v1/risk-drafts/confirm", {{"drafts", json(drafts)}}, token, headers);
  }
  static json Scored(const std::string& deliverable_id, int likelihood = 3, int impact = 4) {
    return {{"deliverable_id", deliverable_id}, {"inherent", {{"likelihood", likelihood}, {"impact", impact}}}};
  }
  std::size_t RisksRaised() {
    std::size_t n = 0;
    for (std::uint64_t from = 1;;) {
      auto page = srv().store().ReadAll(from, 1000);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) return n;
      for (const auto& e : page->events) n += e.type == "RiskRaised";
      if (page->end_of_log || page->events.empty()) return n;
      from = page->next_position;
    }
  }
  // Gives the World's deliverable Risks text (an edit).
  void SayRisk(const std::string& deliverable_id, const std::string& text) {
    Must("/api/v1/deliverables/" + deliverable_id + "/edit", {{"interdependencies_risks", text}}, tok().admin);
  }
};

TEST_F(RiskDraftRestTest, GivenAnImportWithRiskText_WhenConfirmingTwo_ThenTwoLinkedRisksAndTheListDropsThem) {
  // A dry run reports the drafts and writes nothing.
  const std::uint64_t before = Head();
  HttpReply dry = Import(/*dry_run=*/true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.Json()["counts"]["draft_risks"], 3);
  EXPECT_NE(dry.Json()["draft_risks_note"].get<std::string>().find("/api/v1/risk-drafts"), std::string::npos);
  EXPECT_EQ(Head(), before);

  // The import itself raises no risk.
  HttpReply real = Import(/*dry_run=*/false);
  ASSERT_EQ(real.status, 201) << real.body;
  const json report = real.Json();
  ASSERT_EQ(report["draft_risks"].size(), 3u);
  EXPECT_EQ(RisksRaised(), 0u);

  json drafts = Drafts("?min_position=" + std::to_string(Head()));
  ASSERT_EQ(drafts["count"], 3);
  const std::string mp01 = report["draft_risks"][0]["deliverable_id"];
  const std::string mp03 = report["draft_risks"][1]["deliverable_id"];
  const std::string mp04 = report["draft_risks"][2]["deliverable_id"];
  EXPECT_EQ(drafts["drafts"][0]["deliverable"]["id"], mp01);
  EXPECT_EQ(drafts["drafts"][0]["proposed"]["title"], "Staff shortages");

  json first = Scored(mp01, 4, 4);
  first["title"] = "Medical physics staffing";
  first["category"] = "workforce";
  HttpReply ok = Confirm({first, Scored(mp03, 2, 3)}, tok().editor);
  ASSERT_EQ(ok.status, 201) << ok.body;
  const json ids = ok.Json()["risk_ids"];
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(RisksRaised(), 2u);
  const std::string at = "?min_position=" + std::to_string(ok.Json()["position"].get<std::uint64_t>());

  json risk = Get("/api/v1/risks/" + ids[0].get<std::string>() + at).Json();
  EXPECT_EQ(risk["title"], "Medical physics staffing");
  EXPECT_EQ(risk["category"], "workforce");
  EXPECT_EQ(risk["event"], "Staff shortages. Locum cover is costly.");
  EXPECT_EQ(risk["deliverable_ids"], json::array({mp01}));
  EXPECT_EQ(risk["qsin_codes"], json::array({"IN-501"}));
  EXPECT_EQ(risk["inherent"]["score"], 16);
  EXPECT_EQ(risk["group_id"], drafts["drafts"][0]["deliverable"]["group_id"]);
  EXPECT_EQ(Get("/api/v1/risks/" + ids[1].get<std::string>() + at).Json()["deliverable_ids"], json::array({mp03}));

  // Its events say where it came from.
  auto events = srv().store().ReadStream("risk-" + ids[0].get<std::string>(), 0, storage::Direction::kForwards, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_NE((*events)[0].metadata.reason.find("Risks column of deliverable MP-01"), std::string::npos)
      << (*events)[0].metadata.reason;
  EXPECT_EQ((*events)[0].metadata.source, "risk-drafts");

  // The list no longer offers them; confirming again raises nothing and says why.
  drafts = Drafts(at);
  ASSERT_EQ(drafts["count"], 1);
  EXPECT_EQ(drafts["drafts"][0]["deliverable"]["id"], mp04);
  const std::uint64_t head = Head();
  HttpReply twice = Confirm({Scored(mp04), Scored(mp01)}, tok().editor);
  EXPECT_TRUE(IsProblem(twice, 422, "drafts[1].deliverable_id")) << twice.body;
  EXPECT_NE(twice.body.find("already links"), std::string::npos) << twice.body;
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(RisksRaised(), 2u);
}

TEST_F(RiskDraftRestTest, GivenAnyBadDraft_WhenConfirming_ThenNothingIsRaisedAnd422NamesIt) {
  SayRisk(w_.deliverable_in, "Scanner replacement delayed");
  const std::uint64_t head = Head();
  const std::string d = w_.deliverable_in;
  json no_score = {{"deliverable_id", d}};
  EXPECT_TRUE(IsProblem(Confirm({no_score}, tok().editor), 422, "drafts[0].inherent"));
  EXPECT_TRUE(IsProblem(Confirm({Scored(d), Scored(d)}, tok().editor), 422, "drafts[1].deliverable_id"));
  // The out group's deliverable has no text: no draft.
  EXPECT_TRUE(IsProblem(Confirm({Scored(d), Scored(w_.deliverable_out)}, tok().editor), 422,
                        "drafts[1].deliverable_id"));
  EXPECT_TRUE(IsProblem(Confirm({Scored("no-such")}, tok().editor), 422, "drafts[0].deliverable_id"));
  EXPECT_TRUE(IsProblem(Confirm({Scored(d, 7, 2)}, tok().editor), 422, "drafts[0].inherent.likelihood"));
  json bad_owner = Scored(d);
  bad_owner["owner_person_id"] = "nobody";
  EXPECT_TRUE(IsProblem(Confirm({bad_owner}, tok().editor), 422, "drafts[0].owner_person_id"));
  json bad_date = Scored(d);
  bad_date["review_date"] = "soon";
  EXPECT_TRUE(IsProblem(Confirm({bad_date}, tok().editor), 422, "drafts[0].review_date"));
  EXPECT_TRUE(IsProblem(Confirm({}, tok().editor), 422, "drafts"));
  EXPECT_EQ(Head(), head);

  // A placeholder is no draft.
  SayRisk(w_.deliverable_out, "N/A");
  EXPECT_TRUE(IsProblem(Confirm({Scored(w_.deliverable_out)}, tok().editor), 422, "drafts[0].deliverable_id"));
  // The linked owner is proposed.
  Must("/api/v1/deliverables/" + d + "/edit", {{"owner_person_id", w_.chair}}, tok().admin);
  json drafts = Drafts("?min_position=" + std::to_string(Head()));
  ASSERT_EQ(drafts["count"], 1);
  EXPECT_EQ(drafts["drafts"][0]["proposed"]["owner_person_id"], w_.chair);
  EXPECT_EQ(drafts["drafts"][0]["proposed"]["group_id"], w_.group_in);
}

TEST_F(RiskDraftRestTest, GivenAScopedToken_WhenADraftIsOutsideItsGroup_Then403AndNothingRaised) {
  SayRisk(w_.deliverable_in, "Scanner replacement delayed");
  SayRisk(w_.deliverable_out, "Radiographer vacancies");
  const std::uint64_t head = Head();
  HttpReply refused = Confirm({Scored(w_.deliverable_in), Scored(w_.deliverable_out)}, tok().scoped_editor);
  EXPECT_TRUE(IsProblem(refused, 403)) << refused.body;
  EXPECT_TRUE(IsProblem(Confirm({Scored(w_.deliverable_in)}, tok().viewer), 403));
  EXPECT_EQ(Head(), head);
  HttpReply ok = Confirm({Scored(w_.deliverable_in)}, tok().scoped_editor);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

// A confirmation whose answer was lost is retried with its Idempotency-Key:
// the retry answers as the first did (its drafts are linked by then, which
// without the key is a 422), and writes nothing; the key with another body,
// or on another kind of request, is 409.
TEST_F(RiskDraftRestTest, GivenAnIdempotencyKey_WhenTheConfirmationIsRetried_ThenItsFirstAnswerAndNothingWritten) {
  SayRisk(w_.deliverable_in, "Scanner replacement delayed");
  SayRisk(w_.deliverable_out, "Radiographer vacancies");
  const Headers key{{"Idempotency-Key", "confirm-1"}};
  HttpReply first = Confirm({Scored(w_.deliverable_in)}, tok().editor, key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.Json()["replayed"], false);
  EXPECT_GT(first.Json()["events_written"].get<int>(), 0);
  const std::uint64_t head = Head();

  HttpReply again = Confirm({Scored(w_.deliverable_in)}, tok().editor, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Json()["replayed"], true);
  EXPECT_EQ(again.Json()["risk_ids"], first.Json()["risk_ids"]);
  EXPECT_EQ(again.Json()["position"], first.Json()["position"]);
  EXPECT_EQ(again.Json()["events_written"], 0);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(RisksRaised(), 1u);

  // Without the key the same body is refused: the draft is linked now.
  EXPECT_TRUE(IsProblem(Confirm({Scored(w_.deliverable_in)}, tok().editor), 422, "drafts[0].deliverable_id"));
  // The key with another body, or for another kind of request: 409, nothing written.
  EXPECT_TRUE(IsProblem(Confirm({Scored(w_.deliverable_out)}, tok().editor, key), 409, "Idempotency-Key"));
  EXPECT_TRUE(IsProblem(Confirm({Scored(w_.deliverable_in, 1, 1)}, tok().editor, key), 409, "Idempotency-Key"));
  const Headers used{{"Idempotency-Key", "rated-1"}};
  ASSERT_EQ(Post("/api/v1/deliverables/" + w_.deliverable_in + "/change-ragb", {{"ragb", "red"}, {"reason", "r"}},
                 tok().editor, used).status, 200);
  const std::uint64_t rated = Head();
  EXPECT_TRUE(IsProblem(Confirm({Scored(w_.deliverable_out)}, tok().editor, used), 409, "Idempotency-Key"));
  EXPECT_EQ(Head(), rated);
  EXPECT_EQ(RisksRaised(), 1u);
  // Another caller's key is theirs alone.
  HttpReply admin = Confirm({Scored(w_.deliverable_out)}, tok().admin, key);
  EXPECT_EQ(admin.status, 201) << admin.body;
  EXPECT_EQ(admin.Json()["replayed"], false);
}

// Retries sent at once (a client that gave up waiting and sent again):
// whichever lands first raises the risks; every other answers as a retry
// does, whether it saw the first's events before deciding or raced it to
// the writer.
TEST_F(RiskDraftRestTest, GivenRetriesAtOnceWithOneKey_ThenOneRaisesAndEveryOtherReplaysIt) {
  SayRisk(w_.deliverable_in, "Scanner replacement delayed");
  SayRisk(w_.deliverable_out, "Radiographer vacancies");
  const json body = {{"drafts", json::array({Scored(w_.deliverable_in), Scored(w_.deliverable_out)})}};
  constexpr int kRetries = 6;
  std::vector<HttpReply> replies(kRetries);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRetries; ++i) {
    threads.emplace_back([&, i] {
      replies[i] = Send(srv().port(), "POST", "/api/v1/risk-drafts/confirm", tok().editor, body.dump(),
                        {{"Idempotency-Key", "at-once"}});
    });
  }
  for (auto& t : threads) t.join();
  int raised = 0;
  for (const HttpReply& r : replies) {
    ASSERT_EQ(r.status, 201) << r.body;
    raised += r.Json()["replayed"] == false;
    EXPECT_EQ(r.Json()["risk_ids"], replies[0].Json()["risk_ids"]);
  }
  EXPECT_EQ(raised, 1);
  EXPECT_EQ(RisksRaised(), 2u);
}

TEST_F(RiskDraftRestTest, GivenFilters_WhenListing_ThenOnlyTheirDraftsAndUnknownOnesAre404) {
  SayRisk(w_.deliverable_in, "Scanner replacement delayed");
  SayRisk(w_.deliverable_out, "Radiographer vacancies");
  const std::string at = "&min_position=" + std::to_string(Head());
  EXPECT_EQ(Drafts("?group_id=" + w_.group_in + at)["count"], 1);
  json out = Drafts("?programme_id=" + w_.programme_out + at);
  ASSERT_EQ(out["count"], 1);
  EXPECT_EQ(out["drafts"][0]["deliverable"]["id"], w_.deliverable_out);
  EXPECT_EQ(out["drafts"][0]["text"], "Radiographer vacancies");
  EXPECT_TRUE(IsProblem(Get("/api/v1/risk-drafts?group_id=nope"), 404, "group_id"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/risk-drafts?programme_id=nope"), 404, "programme_id"));
  // As at a position before the edits: no drafts then.
  EXPECT_EQ(Drafts("?at_position=1")["count"], 0);
}

}  // namespace
}  // namespace assure::rest_test
