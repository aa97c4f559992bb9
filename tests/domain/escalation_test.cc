// Escalation (issue 22): given/when/then for every command and rule of one
// hop upward - raised by a group, accepted, returned or closed by the board
// above by a decision. (That the hop goes to the parent group and that the
// decision is the receiving board's are api checks, not domain rules.)
#include <gtest/gtest.h>

#include "domain/escalation.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using nlohmann::json;
using testing::Fixture;

json EscalationRaiseBody() {
  return {{"subject_kind", "risk"},
          {"subject_id", "r1"},
          {"subject_title", "Radiologist vacancies delay reporting"},
          {"from_group_id", "imaging-sig"},
          {"to_group_id", "ob"},
          {"reason", "score 16 and rising; beyond the SIG's authority"}};
}

Fixture<EscalationAggregate> Escalated(json body = EscalationRaiseBody()) {
  Fixture<EscalationAggregate> f("e1");
  f.One("raise", body, "EscalationRaised");
  return f;
}

TEST(Escalation, RaiseNeedsASubjectTwoDifferentGroupsAndAReason) {
  Fixture<EscalationAggregate> f("e1");
  for (const char* field : {"subject_kind", "subject_id", "subject_title", "from_group_id", "to_group_id", "reason"}) {
    json bad = EscalationRaiseBody();
    bad.erase(field);
    EXPECT_EQ(f.Refused("raise", bad).field, field);
  }
  json bad = EscalationRaiseBody();
  bad["subject_kind"] = "meeting";
  EXPECT_EQ(f.Refused("raise", bad).field, "subject_kind");
  bad = EscalationRaiseBody();
  bad["to_group_id"] = "imaging-sig";
  EXPECT_EQ(f.Refused("raise", bad).field, "to_group_id") << "an escalation goes to another group";
  bad = EscalationRaiseBody();
  bad["reason"] = "  ";
  EXPECT_EQ(f.Refused("raise", bad).field, "reason");
  bad = EscalationRaiseBody();
  bad["previous_escalation_id"] = "e1";
  EXPECT_EQ(f.Refused("raise", bad).field, "previous_escalation_id");

  auto d = f.One("raise", EscalationRaiseBody(), "EscalationRaised");
  EXPECT_EQ(d["subject_kind"], "risk");
  EXPECT_EQ(d["from_group_id"], "imaging-sig");
  EXPECT_EQ(f.reasons.back(), "score 16 and rising; beyond the SIG's authority");
  const json v = f.View();
  EXPECT_EQ(v["status"], "pending");
  EXPECT_EQ(v["outcome"], "pending");
  EXPECT_EQ(v["reason"], "score 16 and rising; beyond the SIG's authority");
  EXPECT_EQ(v["raised_at"], d["occurred_at"]);
  EXPECT_EQ(f.described.back().summary,
            "Risk 'Radiologist vacancies delay reporting' escalated from imaging-sig to ob: "
            "score 16 and rising; beyond the SIG's authority");
  ASSERT_EQ(f.described.back().refs.size(), 2u);
  EXPECT_EQ(f.described.back().refs[1].kind, "group");
  EXPECT_EQ(f.described.back().refs[1].id, "ob");
  EXPECT_EQ(f.Refused("raise", EscalationRaiseBody()).code, ErrorCode::kAlreadyExists);
}

TEST(Escalation, EverySubjectKindAndItsRating) {
  json issue = EscalationRaiseBody();
  issue["subject_kind"] = "issue";
  issue["subject_id"] = "i1";
  EXPECT_EQ(Escalated(issue).View()["subject_kind"], "issue");

  json deliverable = EscalationRaiseBody();
  deliverable["subject_kind"] = "deliverable";
  deliverable["subject_id"] = "d1";
  deliverable["subject_title"] = "Gov-01 Network governance framework";
  deliverable["rating"] = "purple";
  Fixture<EscalationAggregate> f("e1");
  EXPECT_EQ(f.Refused("raise", deliverable).field, "rating");
  deliverable["rating"] = "red";
  f.One("raise", deliverable, "EscalationRaised");
  EXPECT_EQ(f.View()["rating"], "red");
  EXPECT_EQ(f.described.back().summary.rfind("Deliverable 'Gov-01 Network governance framework' (red) escalated", 0), 0u)
      << f.described.back().summary;

  // A recommendation: a decision of the board below, "<meeting id>/<decision id>".
  json recommendation = EscalationRaiseBody();
  recommendation["subject_kind"] = "decision";
  recommendation["subject_title"] = "Adopt the regional imaging strategy";
  recommendation["from_group_id"] = "ob";
  recommendation["to_group_id"] = "exec";
  Fixture<EscalationAggregate> g("e2");
  for (const char* id : {"r1", "m1/", "/d1", "m1/d1/x"}) {
    recommendation["subject_id"] = id;
    EXPECT_EQ(g.Refused("raise", recommendation).field, "subject_id") << id;
  }
  recommendation["subject_id"] = "m7/d2";
  recommendation["previous_escalation_id"] = "e1";
  g.One("raise", recommendation, "EscalationRaised");
  EXPECT_EQ(g.View()["previous_escalation_id"], "e1") << "the hop below";
  EXPECT_EQ(g.described.back().summary.rfind("Recommendation 'Adopt the regional imaging strategy' recommended by ob to exec", 0),
            0u)
      << g.described.back().summary;
}

TEST(Escalation, AcceptingNeedsTheReceivingBoardsDecision) {
  auto f = Escalated();
  EXPECT_EQ(f.Refused("accept", json::object()).field, "decision");
  EXPECT_EQ(f.Refused("accept", {{"decision", "d3"}}).field, "decision");
  auto d = f.One("accept", {{"decision", "m9/d3"}, {"note", "added to the corporate register"}}, "EscalationAccepted");
  EXPECT_EQ(d["decision"], "m9/d3");
  const json v = f.View();
  EXPECT_EQ(v["status"], "accepted");
  EXPECT_EQ(v["outcome"], "accepted");
  EXPECT_EQ(v["accepted_decision"], "m9/d3");
  EXPECT_EQ(v["note"], "added to the corporate register");
  EXPECT_EQ(v["decided_at"], d["occurred_at"]);
  EXPECT_EQ(f.described.back().summary, "Accepted by decision 3 of m9: added to the corporate register");
  EXPECT_EQ(f.described.back().changes.at(0).from, "pending");
  EXPECT_EQ(f.Refused("accept", {{"decision", "m9/d4"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("return", {{"reason", "r"}}).code, ErrorCode::kRuleViolation) << "accepted: close it instead";
}

TEST(Escalation, AnAcceptedRecommendationIsEndorsed) {
  json recommendation = EscalationRaiseBody();
  recommendation["subject_kind"] = "decision";
  recommendation["subject_id"] = "m7/d2";
  auto f = Escalated(recommendation);
  f.One("accept", {{"decision", "m10/d1"}}, "EscalationAccepted");
  EXPECT_EQ(f.View()["status"], "accepted");
  EXPECT_EQ(f.View()["outcome"], "endorsed");
  EXPECT_EQ(f.described.back().summary, "Endorsed by decision 1 of m10");
  f.One("close", {{"decision", "m11/d4"}, {"reason", "strategy published"}}, "EscalationClosed");
  EXPECT_EQ(f.View()["outcome"], "closed");
  EXPECT_EQ(f.View()["accepted_decision"], "m10/d1") << "the endorsement stays on record";
}

TEST(Escalation, AReturnedEscalationCarriesItsReasonAndIsFinal) {
  auto f = Escalated();
  EXPECT_EQ(f.Refused("return", json::object()).field, "reason");
  EXPECT_EQ(f.Refused("return", {{"reason", "r"}, {"decision", "nope"}}).field, "decision");
  auto d = f.One("return", {{"reason", "the SIG holds the controls; review in a month"}}, "EscalationReturned");
  EXPECT_EQ(d["decision"], "") << "a return may have no decision";
  EXPECT_EQ(f.reasons.back(), "the SIG holds the controls; review in a month");
  const json v = f.View();
  EXPECT_EQ(v["status"], "returned");
  EXPECT_EQ(v["outcome"], "returned");
  EXPECT_EQ(v["returned_reason"], "the SIG holds the controls; review in a month");
  EXPECT_EQ(f.described.back().summary, "Returned to imaging-sig: the SIG holds the controls; review in a month");
  for (const auto& [name, body] : std::vector<std::pair<std::string, json>>{
           {"accept", {{"decision", "m9/d3"}}},
           {"return", {{"reason", "again"}}},
           {"close", {{"decision", "m9/d3"}, {"reason", "r"}}}}) {
    EXPECT_EQ(f.Refused(name, body).code, ErrorCode::kRuleViolation) << name;
  }
  auto g = Escalated();
  g.One("return", {{"reason", "not ours"}, {"decision", "m9/d5"}}, "EscalationReturned");
  EXPECT_EQ(g.View()["returned_decision"], "m9/d5");
  EXPECT_EQ(g.described.back().summary, "Returned to imaging-sig by decision 5 of m9: not ours");
}

TEST(Escalation, ClosingNeedsADecisionAndAReasonAndIsFinal) {
  auto f = Escalated();
  EXPECT_EQ(f.Refused("close", {{"reason", "resolved"}}).field, "decision");
  EXPECT_EQ(f.Refused("close", {{"decision", "m9/d3"}}).field, "reason");
  auto d = f.One("close", {{"decision", "m9/d3"}, {"reason", "vacancies filled before the board met"}}, "EscalationClosed");
  EXPECT_EQ(d["previous_status"], "pending") << "a pending escalation may be closed outright";
  EXPECT_EQ(f.View()["closed_decision"], "m9/d3");
  EXPECT_EQ(f.View()["closed_reason"], "vacancies filled before the board met");
  EXPECT_EQ(f.described.back().summary, "Closed by decision 3 of m9: vacancies filled before the board met");
  for (const auto& [name, body] : std::vector<std::pair<std::string, json>>{
           {"accept", {{"decision", "m9/d4"}}},
           {"return", {{"reason", "r"}}},
           {"close", {{"decision", "m9/d4"}, {"reason", "r"}}}}) {
    EXPECT_EQ(f.Refused(name, body).code, ErrorCode::kRuleViolation) << name;
  }

  auto g = Escalated();
  g.One("accept", {{"decision", "m9/d3"}}, "EscalationAccepted");
  EXPECT_EQ(g.One("close", {{"decision", "m12/d1"}, {"reason", "risk tolerated"}}, "EscalationClosed")["previous_status"],
            "accepted");
  EXPECT_EQ(g.View()["status"], "closed");
}

TEST(Escalation, UnknownCommandsAndMissingEscalations) {
  Fixture<EscalationAggregate> f("e1");
  EXPECT_EQ(f.Refused("accept", {{"decision", "m1/d1"}}).code, ErrorCode::kNotFound);
  EXPECT_EQ(f.Refused("close", {{"decision", "m1/d1"}, {"reason", "r"}}).code, ErrorCode::kNotFound);
  EXPECT_EQ(f.Refused("escalate", EscalationRaiseBody()).code, ErrorCode::kNotFound);
  // Snapshots: the derived outcome is ignored on reading.
  auto g = Escalated();
  json snapshot = EscalationAggregate::SnapshotJson(g.state);
  snapshot["outcome"] = "endorsed";
  auto read = EscalationAggregate::FromSnapshotJson(snapshot);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(*read == g.state);
}

}  // namespace
}  // namespace assure::domain
