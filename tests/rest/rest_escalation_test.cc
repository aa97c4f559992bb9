// Issue 22: the issue log, escalation up the group hierarchy (a SIG to the
// Operational Board to the Executive Board) decided at the receiving board's
// meetings, the boards' agendas of escalations, and the decision log across
// groups with recommendations tracked to endorsement.
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class EscalationRestTest : public RestWorldTest {
 protected:
  void SetUp() override {
    RestWorldTest::SetUp();
    eb_ = Create("groups", {{"name", "Network Executive Board"}, {"kind", "executive-board"}}, tok().admin);
    ob_ = Create("groups", {{"name", "Operational Board"}, {"kind", "operational-board"}, {"parent_group_id", eb_}},
                 tok().admin);
    Must("/api/v1/groups/" + w_.group_in + "/change-parent", {{"parent_group_id", ob_}}, tok().admin);
    risk_ = Create("risks",
                   {{"reference", "R7"}, {"title", "Reporting backlog"}, {"group_id", w_.group_in},
                    {"inherent", {{"likelihood", 4}, {"impact", 5}}}},
                   tok().editor);
  }
  // A meeting of `group` with one decision; returns "<meeting>/d1".
  std::string Decision(const std::string& group, const std::string& text, json links = json::array()) {
    const std::string m = Create("meetings", {{"group_id", group}, {"title", "Board"}, {"scheduled_for", "2024-06-01"}},
                                 tok().secretary);
    Must("/api/v1/meetings/" + m + "/open", json::object(), tok().secretary);
    Must("/api/v1/meetings/" + m + "/record-decision", {{"text", text}, {"links", links}}, tok().secretary);
    return m + "/d1";
  }
  json Agenda(const std::string& group, const std::string& query = {}) {
    HttpReply r = Get("/api/v1/groups/" + group + "/escalations" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["items"];
  }
  std::string eb_, ob_, risk_;
};

TEST_F(EscalationRestTest, ARiskGoesUpOneStepAtATimeAndIsAcceptedByADecisionOfTheBoard) {
  // Given a SIG's risk, when it is escalated with only a reason, then the
  // server fills the hop (the SIG to its parent) and the subject's words.
  json raised = Must("/api/v1/escalations",
                     {{"subject_kind", "risk"}, {"subject_id", risk_}, {"reason", "beyond the SIG's control"}},
                     tok().editor, 201);
  const std::string esc = raised["id"];
  json e = Get("/api/v1/escalations/" + esc).Json();
  EXPECT_EQ(e["from_group_id"], w_.group_in);
  EXPECT_EQ(e["to_group_id"], ob_);
  EXPECT_EQ(e["to_group_name"], "Operational Board");
  EXPECT_EQ(e["subject_title"], "R7 Reporting backlog");
  EXPECT_EQ(e["rating"], "4 x 5 = 20 (extreme)");
  EXPECT_EQ(e["status"], "pending");
  // It is on the Operational Board's agenda, and in the SIG's outgoing list.
  json agenda = Agenda(ob_);
  ASSERT_EQ(agenda.size(), 1u);
  EXPECT_EQ(agenda[0]["id"], esc);
  EXPECT_EQ(Agenda(w_.group_in, "?direction=outgoing").size(), 1u);
  EXPECT_TRUE(Agenda(eb_).empty());
  // A second escalation of the same risk while the first waits is refused.
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations", {{"subject_kind", "risk"}, {"subject_id", risk_}, {"reason", "again"}},
                             tok().editor),
                        409, "subject_id"));  // a rule, not a bad field

  // When the board accepts it by a decision of one of its meetings, the
  // escalation is accepted and leaves the pending agenda.
  const std::string sig_decision = Decision(w_.group_in, "Noted");
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations/" + esc + "/accept", {{"decision", sig_decision}}, tok().secretary),
                        422, "decision"));  // the SIG's own meeting cannot decide for the board
  const std::string ob_decision = Decision(ob_, "Accept the backlog risk onto the board's register",
                                           {{{"kind", "risk"}, {"id", risk_}}});
  Must("/api/v1/escalations/" + esc + "/accept", {{"decision", ob_decision}}, tok().secretary);
  EXPECT_EQ(Get("/api/v1/escalations/" + esc).Json()["status"], "accepted");
  EXPECT_TRUE(Agenda(ob_).empty());
  EXPECT_EQ(Agenda(ob_, "?status=accepted").size(), 1u);

  // Then it can go on to the Executive Board, naming the hop below; the
  // chain shows on the receiving agenda.
  json further = Must("/api/v1/escalations",
                      {{"subject_kind", "risk"}, {"subject_id", risk_}, {"previous_escalation_id", esc},
                       {"reason", "needs investment"}},
                      tok().editor, 201);
  json top = Agenda(eb_);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0]["from_group_id"], ob_);
  ASSERT_EQ(top[0]["chain"].size(), 1u);
  EXPECT_EQ(top[0]["chain"][0]["from_group_name"], "Imaging SIG");
  EXPECT_EQ(top[0]["chain"][0]["accepted_decision"], ob_decision);
  EXPECT_EQ(further["id"], top[0]["id"]);
}

TEST_F(EscalationRestTest, EscalationOnlyGoesUpTheHierarchy) {
  const std::uint64_t head = Head();
  auto raise = [&](json body) { return Post("/api/v1/escalations", body, tok().editor); };
  json base = {{"subject_kind", "risk"}, {"subject_id", risk_}, {"reason", "r"}};
  json skip = base;
  skip["to_group_id"] = eb_;  // past the Operational Board
  EXPECT_TRUE(IsProblem(raise(skip), 409, "to_group_id"));
  json down = base;
  down["to_group_id"] = w_.group_out;
  EXPECT_TRUE(IsProblem(raise(down), 409, "to_group_id"));
  json wrong_from = base;
  wrong_from["from_group_id"] = ob_;  // the risk is on the SIG's register
  EXPECT_TRUE(IsProblem(raise(wrong_from), 422, "from_group_id"));
  // The Executive Board has no board above it.
  const std::string top_risk = Create("risks", {{"title", "Funding"}, {"group_id", eb_}, {"inherent", {{"likelihood", 3}, {"impact", 5}}}},
                                      tok().admin);
  const std::uint64_t after_risk = Head();
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations", {{"subject_kind", "risk"}, {"subject_id", top_risk}, {"reason", "r"}},
                             tok().admin),
                        409, "to_group_id"));
  json no_reason = base;
  no_reason.erase("reason");
  EXPECT_TRUE(IsProblem(raise(no_reason), 422, "reason"));
  EXPECT_TRUE(IsProblem(raise({{"subject_kind", "risk"}, {"subject_id", "nosuch"}, {"reason", "r"}}), 422, "subject_id"));
  EXPECT_EQ(Head(), after_risk);
  EXPECT_EQ(after_risk, head + 1);
}

TEST_F(EscalationRestTest, AReturnedEscalationGoesBackWithAReasonAndIsFinal) {
  const std::string esc = Must("/api/v1/escalations",
                               {{"subject_kind", "deliverable"}, {"subject_id", w_.deliverable_in}, {"reason", "slipping"}},
                               tok().editor, 201)["id"];
  EXPECT_EQ(Get("/api/v1/escalations/" + esc).Json()["rating"], "blue");
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations/" + esc + "/return", json::object(), tok().secretary), 422, "reason"));
  Must("/api/v1/escalations/" + esc + "/return", {{"reason", "the SIG holds the remedy"}}, tok().secretary);
  json e = Get("/api/v1/escalations/" + esc).Json();
  EXPECT_EQ(e["status"], "returned");
  EXPECT_EQ(e["returned_reason"], "the SIG holds the remedy");
  const std::string d = Decision(ob_, "Accept after all");
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations/" + esc + "/accept", {{"decision", d}}, tok().secretary), 409));
  // It shows in the history of the escalation, in words.
  json h = Get("/api/v1/escalations/" + esc + "/history").Json();
  EXPECT_EQ(h["items"].size(), 2u);
  // And may be escalated afresh.
  EXPECT_EQ(Post("/api/v1/escalations", {{"subject_kind", "deliverable"}, {"subject_id", w_.deliverable_in}, {"reason", "worse"}},
                 tok().editor)
                .status,
            201);
}

TEST_F(EscalationRestTest, WhoMayRaiseAndWhoMayDecide) {
  json body = {{"subject_kind", "risk"}, {"subject_id", risk_}, {"reason", "r"}};
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations", body, tok().viewer), 403));
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations", body, tok().secretary), 403));
  const std::string esc = Must("/api/v1/escalations", body, tok().scoped_editor, 201)["id"];  // the SIG's editor
  const std::string d = Decision(ob_, "Accepted");
  // Deciding is the receiving board's meeting business: not an editor's, not the SIG's.
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations/" + esc + "/accept", {{"decision", d}}, tok().editor), 403));
  EXPECT_TRUE(IsProblem(Post("/api/v1/escalations/" + esc + "/accept", {{"decision", d}}, tok().scoped_editor), 403));
  EXPECT_EQ(Post("/api/v1/escalations/" + esc + "/accept", {{"decision", d}}, tok().secretary).status, 200);
}

TEST_F(EscalationRestTest, TheIssueLogAndItsRules) {
  const std::string issue = Create("issues",
                                   {{"title", "Backlog breached 6 weeks"}, {"group_id", w_.group_in}, {"priority", "high"},
                                    {"risk_id", risk_}, {"owner_person_id", w_.chair}},
                                   tok().editor);
  json i = Get("/api/v1/issues/" + issue).Json();
  EXPECT_EQ(i["owner_name"], "Ada Chair (North Trust)");
  EXPECT_EQ(i["group_name"], "Imaging SIG");
  EXPECT_TRUE(IsProblem(Post("/api/v1/issues", {{"title", "x"}, {"group_id", w_.group_in}, {"priority", "high"}, {"risk_id", "nosuch"}},
                             tok().editor),
                        422, "risk_id"));
  EXPECT_TRUE(IsProblem(Post("/api/v1/issues/" + issue + "/prioritise", {{"priority", "critical"}}, tok().editor), 422, "reason"));
  Must("/api/v1/issues/" + issue + "/prioritise", {{"priority", "critical"}, {"reason", "breach widened"}}, tok().editor);
  Must("/api/v1/issues/" + issue + "/add-action", {{"description", "Outsource 500 reports"}, {"owner_person_id", w_.member}},
       tok().editor);
  Must("/api/v1/issues/" + issue + "/resolve", {{"resolution", "Backlog cleared by outsourcing"}}, tok().editor);
  EXPECT_TRUE(IsProblem(Post("/api/v1/issues/" + issue + "/prioritise", {{"priority", "low"}, {"reason", "r"}}, tok().editor), 409));
  // An issue can be escalated like a risk.
  Must("/api/v1/issues/" + issue + "/reopen", {{"reason", "backlog back"}}, tok().editor);
  json esc = Must("/api/v1/escalations", {{"subject_kind", "issue"}, {"subject_id", issue}, {"reason", "recurring"}},
                  tok().editor, 201);
  EXPECT_EQ(Get("/api/v1/escalations/" + esc["id"].get<std::string>()).Json()["rating"], "critical priority");
}

TEST_F(EscalationRestTest, TheDecisionLogSearchesEveryGroupAndTracksRecommendationsToEndorsement) {
  const std::string sig = Decision(w_.group_in, "Adopt the reporting standard", {{{"kind", "risk"}, {"id", risk_}}});
  const std::string recommendation = Decision(ob_, "Recommend a network PACS procurement");
  json rec = Must("/api/v1/escalations",
                  {{"subject_kind", "decision"}, {"subject_id", recommendation}, {"reason", "needs the Executive's approval"}},
                  tok().editor, 201);
  auto log = [&](const std::string& q) {
    HttpReply r = Get("/api/v1/decisions" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["items"];
  };
  EXPECT_EQ(log("").size(), 2u);
  json found = log("?q=reporting%20STANDARD");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["ref"], sig);
  EXPECT_EQ(found[0]["group_name"], "Imaging SIG");
  EXPECT_EQ(found[0]["links"][0]["name"], "risk R7 Reporting backlog");
  EXPECT_EQ(log("?link_kind=risk&link_id=" + risk_).size(), 1u);
  EXPECT_EQ(log("?group_id=" + ob_).size(), 1u);
  json recs = log("?recommendations=true");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0]["recommendation"]["outcome"], "pending");
  EXPECT_EQ(recs[0]["recommendation"]["to_group_name"], "Network Executive Board");
  // The Executive Board endorses it at its meeting.
  const std::string endorsement = Decision(eb_, "Endorsed: procure");
  Must("/api/v1/escalations/" + rec["id"].get<std::string>() + "/accept", {{"decision", endorsement}}, tok().secretary);
  recs = log("?recommendations=true");
  EXPECT_EQ(recs[0]["recommendation"]["outcome"], "endorsed");
  EXPECT_EQ(recs[0]["recommendation"]["decision"], endorsement);
  json eb_rows = log("?group_id=" + eb_);
  ASSERT_EQ(eb_rows.size(), 1u);
  ASSERT_EQ(eb_rows[0]["escalations"].size(), 1u);
  EXPECT_EQ(eb_rows[0]["escalations"][0]["outcome"], "endorsed");
  EXPECT_TRUE(IsProblem(Get("/api/v1/decisions?link_kind=spreadsheet"), 422, "link_kind"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/decisions?from=June"), 422, "from"));
  // A decision linking an unknown risk is refused.
  const std::string m = sig.substr(0, sig.find('/'));
  EXPECT_TRUE(IsProblem(Post("/api/v1/meetings/" + m + "/record-decision",
                             {{"text", "x"}, {"links", {{{"kind", "risk"}, {"id", "nosuch"}}}}}, tok().secretary),
                        422, "links[0].id"));
}

}  // namespace
}  // namespace assure::rest_test
