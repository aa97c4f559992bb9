// Meeting: given/when/then for every command; quorum recorded at close.
#include <gtest/gtest.h>

#include "domain/meeting.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

Fixture<MeetingAggregate> Scheduled() {
  Fixture<MeetingAggregate> f("exec-2023-05-24");
  f.One("schedule", {{"group_id", "exec"}, {"title", "Executive Board"}, {"scheduled_for", "2023-05-24T14:00"}},
        "MeetingScheduled");
  return f;
}

const json kCloseBody = {
    {"quorum_rule", {{"min_present", 2}, {"min_percent", 50}, {"chair_required", true}}},
    {"members", {{{"person_id", "chair"}, {"role", "chair"}},
                 {{"person_id", "p2"}, {"role", "member"}},
                 {{"person_id", "p3"}, {"role", "member"}},
                 {{"person_id", "sec"}, {"role", "secretary"}}}}};

TEST(Meeting, ScheduleOpenCancel) {
  Fixture<MeetingAggregate> g("m");
  EXPECT_EQ(g.Refused("schedule", {{"group_id", "exec"}, {"title", "t"}, {"scheduled_for", "24/5/23"}}).field,
            "scheduled_for");
  EXPECT_EQ(g.Refused("open", json::object()).code, ErrorCode::kNotFound);
  auto f = Scheduled();
  EXPECT_EQ(f.View()["status"], "scheduled");
  EXPECT_EQ(f.Refused("schedule", {{"group_id", "exec"}, {"title", "t"}, {"scheduled_for", "2023-05-24"}}).code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(f.Refused("record-decision", {{"text", "Approved strategy"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("raise-action", {{"text", "t"}, {"owner_person_id", "p2"}, {"due_date", "2023-06-30"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("close", kCloseBody).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("cancel", json::object()).field, "reason");

  auto c = Scheduled();
  c.One("cancel", {{"reason", "chair unavailable"}}, "MeetingCancelled");
  EXPECT_EQ(c.View()["status"], "cancelled");
  EXPECT_EQ(c.Refused("open", json::object()).code, ErrorCode::kRuleViolation);

  f.One("open", json::object(), "MeetingOpened");
  EXPECT_EQ(f.View()["status"], "open");
  EXPECT_EQ(f.Refused("open", json::object()).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("cancel", {{"reason", "r"}}).code, ErrorCode::kRuleViolation);
}

TEST(Meeting, AttendanceDecisionsActionsAndQuorum) {
  auto f = Scheduled();
  // Apologies can be sent before the meeting opens.
  f.One("record-attendance", {{"person_id", "p3"}, {"attendance", "apologies"}, {"organisation_id", "uhb"}},
        "MeetingAttendanceRecorded");
  EXPECT_EQ(f.Refused("record-attendance", {{"person_id", "p3"}, {"attendance", "apologies"}, {"organisation_id", "uhb"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("record-attendance", {{"person_id", "p3"}, {"attendance", "late"}}).field, "attendance");
  f.One("open", json::object(), "MeetingOpened");
  f.One("record-attendance", {{"person_id", "chair"}, {"attendance", "present"}}, "MeetingAttendanceRecorded");
  f.One("record-attendance", {{"person_id", "p2"}, {"attendance", "present"}}, "MeetingAttendanceRecorded");
  f.One("record-attendance", {{"person_id", "sec"}, {"attendance", "present"}}, "MeetingAttendanceRecorded");

  EXPECT_EQ(f.Refused("record-decision", {{"text", "x"}, {"links", {{{"kind", "document-version"}, {"id", "strategy"}}}}}).field,
            "links");
  EXPECT_EQ(f.Refused("record-decision", {{"text", "x"}, {"links", {{{"kind", "budget"}, {"id", "b"}}}}}).field,
            "links[0].kind");
  auto d = f.One("record-decision",
                 {{"text", "Approved WMIN Strategy v1"},
                  {"links", {{{"kind", "document-version"}, {"id", "strategy"}, {"version_id", "v3"}}}}},
                 "MeetingDecisionRecorded");
  EXPECT_EQ(d["decision_id"], "d1");
  EXPECT_EQ(f.View()["decisions"][0]["links"][0]["version_id"], "v3");

  EXPECT_EQ(f.Refused("raise-action", {{"text", "t"}, {"owner_person_id", "p2"}, {"due_date", "June"}}).field, "due_date");
  d = f.One("raise-action", {{"text", "Circulate strategy to trusts"}, {"owner_person_id", "p2"}, {"due_date", "2023-06-30"}},
            "MeetingActionRaised");
  EXPECT_EQ(d["action_id"], "a1");
  EXPECT_EQ(f.Refused("update-action", {{"action_id", "a1"}, {"due_date", "2023-06-30"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("update-action", {{"action_id", "a9"}, {"note", "x"}}).field, "action_id");
  f.One("update-action", {{"action_id", "a1"}, {"due_date", "2023-07-14"}, {"note", "comms lead on leave"}},
        "MeetingActionUpdated");
  EXPECT_EQ(f.View()["actions"][0]["due_date"], "2023-07-14");
  EXPECT_EQ(f.View()["actions"][0]["notes"], json({"comms lead on leave"}));

  EXPECT_EQ(f.Refused("close", {{"quorum_rule", {{"min_present", 2}}}}).field, "members");
  EXPECT_EQ(f.Refused("close", {{"members", json::array()}}).field, "quorum_rule");
  d = f.One("close", kCloseBody, "MeetingClosed");
  EXPECT_EQ(d["quorum"]["counted_members"], 3);  // the secretary does not count
  EXPECT_EQ(d["quorum"]["present_members"], 2);
  EXPECT_EQ(d["quorum"]["required"], 2);
  EXPECT_EQ(f.View()["quorum"]["quorate"], true);
  EXPECT_EQ(f.View()["status"], "closed");
  EXPECT_EQ(f.Refused("record-attendance", {{"person_id", "p3"}, {"attendance", "present"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("record-decision", {{"text", "late"}}).code, ErrorCode::kRuleViolation);

  // Actions are closed between meetings, with evidence, once.
  EXPECT_EQ(f.Refused("close-action", {{"action_id", "a1"}}).field, "closure_evidence");
  f.One("close-action", {{"action_id", "a1"}, {"closure_evidence", "sent 10/7, see email log"}}, "MeetingActionClosed");
  EXPECT_EQ(f.View()["actions"][0]["status"], "closed");
  EXPECT_EQ(f.Refused("close-action", {{"action_id", "a1"}, {"closure_evidence", "again"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("update-action", {{"action_id", "a1"}, {"note", "x"}}).code, ErrorCode::kRuleViolation);
}

// Issue 22: a decision may link to risks, issues and escalations (accepting,
// returning or closing one); the older kinds read as before.
TEST(Meeting, DecisionsLinkToRisksIssuesAndEscalations) {
  auto f = Scheduled();
  f.One("open", json::object(), "MeetingOpened");
  EXPECT_EQ(f.Refused("record-decision", {{"text", "x"}, {"links", {{{"kind", "risk"}, {"id", " "}}}}}).field,
            "links[0].id");
  auto d = f.One("record-decision",
                 {{"text", "Accept the escalated vacancies risk onto the corporate register"},
                  {"links", {{{"kind", "risk"}, {"id", "r1"}},
                             {{"kind", "issue"}, {"id", "i1"}},
                             {{"kind", "escalation"}, {"id", "e1"}},
                             {{"kind", "deliverable"}, {"id", "d1"}}}}},
                 "MeetingDecisionRecorded");
  EXPECT_EQ(d["links"][0], (json{{"kind", "risk"}, {"id", "r1"}, {"version_id", ""}}));
  const json links = f.View()["decisions"][0]["links"];
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[1]["kind"], "issue");
  EXPECT_EQ(links[2]["kind"], "escalation");
  ASSERT_EQ(f.state.decisions[0].links.size(), 4u);
  EXPECT_EQ(f.state.decisions[0].links[0].kind, DecisionLinkKind::kRisk);
  EXPECT_EQ(f.state.decisions[0].links[1].kind, DecisionLinkKind::kIssue);
  EXPECT_EQ(f.state.decisions[0].links[2].kind, DecisionLinkKind::kEscalation);
  EXPECT_EQ(f.described.back().summary, "Decision d1 recorded: Accept the escalated vacancies risk onto the corporate register");
  EXPECT_EQ(f.described.back().changes.at(0).to["links"], links);
  // Every kind has its wire name, and the names are the ones stored (on-disk).
  for (const auto& [kind, name] : std::vector<std::pair<DecisionLinkKind, std::string>>{
           {DecisionLinkKind::kDeliverable, "deliverable"}, {DecisionLinkKind::kDocument, "document"},
           {DecisionLinkKind::kDocumentVersion, "document-version"}, {DecisionLinkKind::kRisk, "risk"},
           {DecisionLinkKind::kIssue, "issue"}, {DecisionLinkKind::kEscalation, "escalation"}}) {
    EXPECT_EQ(NameOf(kDecisionLinkKindNames, kind), name);
  }
}

TEST(Meeting, InquorateWithoutChair) {
  auto f = Scheduled();
  f.One("open", json::object(), "MeetingOpened");
  f.Ok("record-attendance", {{"person_id", "p2"}, {"attendance", "present"}});
  f.Ok("record-attendance", {{"person_id", "p3"}, {"attendance", "present"}});
  f.Ok("record-attendance", {{"person_id", "chair"}, {"attendance", "absent"}});
  auto d = f.One("close", kCloseBody, "MeetingClosed");
  EXPECT_EQ(d["quorum"]["quorate"], false);
  EXPECT_EQ(d["quorum"]["chair_present"], false);
  EXPECT_EQ(d["members"].size(), 4u);
  EXPECT_EQ(f.View()["quorum"]["quorate"], false);
}

}  // namespace
}  // namespace assure::domain
