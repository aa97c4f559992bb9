// Issue log (issue 22): given/when/then for every command and rule of an
// issue - a risk that has happened, or a problem raised at a board.
#include <gtest/gtest.h>

#include "domain/issue_log.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using nlohmann::json;
using testing::Fixture;

json IssueRaiseBody() {
  return {{"reference", "OB-I03"},
          {"title", "Reporting backlog past 4 weeks"},
          {"description", "Two trusts report a backlog"},
          {"owner_person_id", "p1"},
          {"group_id", "ob"},
          {"priority", "high"},
          {"risk_id", "r1"},
          {"deliverable_ids", {"d1", "d2"}}};
}

TEST(Issue, RaiseNeedsATitleAGroupAndAPriority) {
  Fixture<IssueAggregate> f("i1");
  EXPECT_EQ(f.Refused("prioritise", {{"priority", "low"}, {"reason", "r"}}).code, ErrorCode::kNotFound);
  for (const char* field : {"title", "group_id", "priority"}) {
    json bad = IssueRaiseBody();
    bad.erase(field);
    EXPECT_EQ(f.Refused("raise", bad).field, field);
  }
  json bad = IssueRaiseBody();
  bad["priority"] = "urgent";
  EXPECT_EQ(f.Refused("raise", bad).field, "priority");
  bad = IssueRaiseBody();
  bad["title"] = "   ";
  EXPECT_EQ(f.Refused("raise", bad).field, "title");
  auto d = f.One("raise", IssueRaiseBody(), "IssueRaised");
  EXPECT_EQ(d["priority"], "high");
  EXPECT_EQ(d["risk_id"], "r1") << "the risk that happened";
  const json v = f.View();
  EXPECT_EQ(v["status"], "open");
  EXPECT_EQ(v["deliverable_ids"], (json{"d1", "d2"}));
  EXPECT_EQ(v["raised_at"], d["occurred_at"]);
  EXPECT_EQ(v["resolved_at"], "");
  EXPECT_EQ(f.described.back().summary, "Issue raised (high priority): Reporting backlog past 4 weeks, owner p1");
  EXPECT_EQ(f.Refused("raise", IssueRaiseBody()).code, ErrorCode::kAlreadyExists);
  // A problem raised at a board needs no risk, owner nor reference.
  Fixture<IssueAggregate> g("i2");
  g.One("raise", {{"title", "Minutes late"}, {"group_id", "ob"}, {"priority", "low"}}, "IssueRaised");
  EXPECT_EQ(g.View()["risk_id"], "");
  EXPECT_EQ(g.described.back().summary, "Issue raised (low priority): Minutes late");
}

TEST(Issue, APriorityChangeNeedsAReasonAndMustDiffer) {
  Fixture<IssueAggregate> f("i1");
  f.One("raise", IssueRaiseBody(), "IssueRaised");
  EXPECT_EQ(f.Refused("prioritise", {{"priority", "critical"}}).field, "reason");
  EXPECT_EQ(f.Refused("prioritise", {{"reason", "r"}}).field, "priority");
  EXPECT_EQ(f.Refused("prioritise", {{"priority", "high"}, {"reason", "same"}}).code, ErrorCode::kRuleViolation);
  auto d = f.One("prioritise", {{"priority", "critical"}, {"reason", "patients harmed"}}, "IssuePrioritised");
  EXPECT_EQ(d["previous_priority"], "high");
  EXPECT_EQ(f.reasons.back(), "patients harmed");
  EXPECT_EQ(f.View()["priority"], "critical");
  EXPECT_EQ(f.described.back().summary, "Priority high → critical");
  EXPECT_EQ(f.described.back().changes.at(0).field, "priority");
}

TEST(Issue, AssigningNamesANewOwnerAndTheReasonIsOptional) {
  Fixture<IssueAggregate> f("i1");
  f.One("raise", IssueRaiseBody(), "IssueRaised");
  EXPECT_EQ(f.Refused("assign", json::object()).field, "owner_person_id");
  EXPECT_EQ(f.Refused("assign", {{"owner_person_id", "p1"}}).code, ErrorCode::kRuleViolation);
  auto d = f.One("assign", {{"owner_person_id", "p2"}}, "IssueAssigned");
  EXPECT_EQ(d["previous_owner_person_id"], "p1");
  EXPECT_EQ(f.reasons.back(), "");
  EXPECT_EQ(f.described.back().summary, "Assigned to p2 (was p1)");
  ASSERT_EQ(f.described.back().refs.size(), 2u);
  EXPECT_EQ(f.described.back().refs[0].kind, "person");
  f.One("assign", {{"owner_person_id", "p3"}, {"reason", "p2 on leave"}}, "IssueAssigned");
  EXPECT_EQ(f.reasons.back(), "p2 on leave");
  EXPECT_EQ(f.View()["owner_person_id"], "p3");
}

TEST(Issue, ActionsAreClosedOnceWithEvidenceAndAReason) {
  Fixture<IssueAggregate> f("i1");
  EXPECT_EQ(f.Refused("add-action", {{"description", "x"}}).code, ErrorCode::kNotFound);
  f.One("raise", IssueRaiseBody(), "IssueRaised");
  EXPECT_EQ(f.Refused("add-action", json::object()).field, "description");
  EXPECT_EQ(f.Refused("add-action", {{"description", "x"}, {"due_date", "31/12/2024"}}).field, "due_date");
  auto d = f.One("add-action", {{"description", "Locum cover"}, {"owner_person_id", "p2"}, {"due_date", "2024-09-30"}},
                 "IssueActionAdded");
  EXPECT_EQ(d["action_id"], "a1");
  EXPECT_EQ(f.described.back().summary, "Action added: Locum cover, due 30 Sep 2024, owner p2");
  EXPECT_EQ(f.Refused("close-action", {{"action_id", "a9"}, {"evidence", "e"}, {"reason", "r"}}).field, "action_id");
  EXPECT_EQ(f.Refused("close-action", {{"action_id", "a1"}, {"reason", "r"}}).field, "evidence");
  EXPECT_EQ(f.Refused("close-action", {{"action_id", "a1"}, {"evidence", "rota"}}).field, "reason");
  f.One("close-action", {{"action_id", "a1"}, {"evidence", "rota signed"}, {"reason", "in place"}}, "IssueActionClosed");
  EXPECT_EQ(f.View()["actions"][0]["closed"], true);
  EXPECT_EQ(f.View()["actions"][0]["evidence"], "rota signed");
  EXPECT_EQ(f.described.back().summary, "Action closed: Locum cover (evidence: rota signed)");
  EXPECT_EQ(f.Refused("close-action", {{"action_id", "a1"}, {"evidence", "e"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.One("add-action", {{"description", "Second"}}, "IssueActionAdded")["action_id"], "a2");
}

TEST(Issue, AResolvedIssueTakesNothingButReopen) {
  Fixture<IssueAggregate> f("i1");
  f.One("raise", IssueRaiseBody(), "IssueRaised");
  f.One("add-action", {{"description", "Locum cover"}}, "IssueActionAdded");
  EXPECT_EQ(f.Refused("reopen", {{"reason", "r"}}).code, ErrorCode::kRuleViolation) << "it is open";
  EXPECT_EQ(f.Refused("resolve", {{"reason", "done"}}).field, "resolution");
  f.One("resolve", {{"resolution", "Backlog cleared by insourcing"}}, "IssueResolved");
  EXPECT_EQ(f.View()["status"], "resolved");
  EXPECT_EQ(f.View()["resolution"], "Backlog cleared by insourcing");
  EXPECT_EQ(f.View()["resolved_at"], f.history.back().data["occurred_at"]);
  EXPECT_EQ(f.described.back().summary, "Resolved: Backlog cleared by insourcing");
  for (const auto& [name, body] : std::vector<std::pair<std::string, json>>{
           {"prioritise", {{"priority", "low"}, {"reason", "r"}}},
           {"assign", {{"owner_person_id", "p9"}}},
           {"add-action", {{"description", "x"}}},
           {"close-action", {{"action_id", "a1"}, {"evidence", "e"}, {"reason", "r"}}},
           {"resolve", {{"resolution", "again"}}}}) {
    EXPECT_EQ(f.Refused(name, body).code, ErrorCode::kRuleViolation) << name;
  }
  EXPECT_EQ(f.Refused("reopen", json::object()).field, "reason");
  f.One("reopen", {{"reason", "backlog back"}}, "IssueReopened");
  EXPECT_EQ(f.View()["status"], "open");
  EXPECT_EQ(f.View()["status_reason"], "backlog back");
  EXPECT_EQ(f.View()["resolved_at"], "");
  EXPECT_EQ(f.described.back().summary, "Reopened: backlog back");
  f.One("resolve", {{"resolution", "Cleared again"}, {"reason", "second insourcing"}}, "IssueResolved");
  EXPECT_EQ(f.View()["status_reason"], "second insourcing");
  EXPECT_EQ(f.Refused("escalate", json::object()).code, ErrorCode::kNotFound);
}

TEST(Issue, EveryEventIsDescribedInWords) {
  Fixture<IssueAggregate> f("i1");
  f.Ok("raise", IssueRaiseBody());
  f.Ok("prioritise", {{"priority", "medium"}, {"reason", "contained"}});
  f.Ok("assign", {{"owner_person_id", "p2"}});
  f.Ok("add-action", {{"description", "Audit"}});
  f.Ok("close-action", {{"action_id", "a1"}, {"evidence", "report"}, {"reason", "done"}});
  f.Ok("resolve", {{"resolution", "Closed out"}});
  f.Ok("reopen", {{"reason", "recurred"}});
  EXPECT_EQ(f.types_seen, (std::set<std::string>{"IssueRaised", "IssuePrioritised", "IssueAssigned", "IssueActionAdded",
                                                 "IssueActionClosed", "IssueResolved", "IssueReopened"}));
  for (std::size_t i = 0; i < f.history.size(); ++i) {
    EXPECT_NE(f.described[i].summary, f.history[i].type);
    EXPECT_FALSE(f.described[i].changes.empty()) << f.history[i].type;
  }
  // Snapshot: every state above round-tripped (Fixture::Apply); the counter too.
  EXPECT_EQ(IssueAggregate::SnapshotJson(f.state)["next_action"], 2);
  EXPECT_FALSE(IssueAggregate::ToJson(f.state).contains("next_action"));
}

}  // namespace
}  // namespace assure::domain
