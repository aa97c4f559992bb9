// Describe: every event type of every aggregate gets a history entry in words
// with its fields (from -> to) or its item, never a whole collection.
#include <gtest/gtest.h>

#include <string>

#include "domain/aggregate.h"
#include "domain/controlled_document.h"
#include "domain/deliverable.h"
#include "domain/escalation.h"
#include "domain/group.h"
#include "domain/issue_log.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/qsin_statement.h"
#include "domain/risk.h"
#include "domain/work_programme.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

// The summary of the event `index` back from the newest (0 = newest).
template <class A>
std::string Said(const Fixture<A>& f, std::size_t back = 0) {
  return f.described.at(f.described.size() - 1 - back).summary;
}

template <class A>
const FieldChange* Field(const Fixture<A>& f, const std::string& field, std::size_t back = 0) {
  for (const auto& c : f.described.at(f.described.size() - 1 - back).changes) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

// Every event type the header lists was seen and described in words (not
// just its type name), and no change carries a whole collection.
template <class A>
void ExpectAllDescribed(const Fixture<A>& f, std::initializer_list<const char*> types) {
  for (const char* t : types) EXPECT_TRUE(f.types_seen.count(t)) << t << " not covered";
  ASSERT_EQ(f.described.size(), f.history.size());
  for (std::size_t i = 0; i < f.history.size(); ++i) {
    EXPECT_FALSE(f.described[i].summary.empty()) << f.history[i].type;
    EXPECT_NE(f.described[i].summary, f.history[i].type);
  }
}

TEST(Describe, Deliverable) {
  Fixture<DeliverableAggregate> f("d1");
  f.Ok("create", {{"programme_id", "wf"}, {"title", "Refresh meetings"}, {"owner", "MPSIG"},
                  {"planned_end", "Mar-24"}, {"mm_qsin_reference", "IN-501"}, {"status", "in-progress"}});
  EXPECT_EQ(Said(f), "Created: Refresh meetings (In progress)");
  ASSERT_NE(Field(f, "planned_end"), nullptr);
  EXPECT_EQ(Field(f, "planned_end")->to, "Mar-24");
  EXPECT_EQ(Field(f, "mm_qsin")->to, "IN-501");
  f.Ok("edit", {{"title", "Refresh the meetings"}});
  EXPECT_EQ(Said(f), "Title changed");
  EXPECT_EQ(Field(f, "title")->from, "Refresh meetings");
  f.Ok("edit", {{"owner", "Ops"}, {"planned_end", "Jun-24"}});
  EXPECT_EQ(Said(f), "Owner, planned end changed");
  EXPECT_EQ(Field(f, "planned_end")->from, "Mar-24");
  f.Ok("change-ragb", {{"ragb", "amber"}, {"reason", "slipping"}});
  EXPECT_EQ(Said(f), "Rating none → Amber");
  f.Ok("change-ragb", {{"ragb", "red"}, {"reason", "supplier delay"}});
  EXPECT_EQ(Said(f), "Rating Amber → Red");
  EXPECT_EQ(Field(f, "ragb")->from, "amber");
  EXPECT_EQ(Field(f, "ragb")->to, "red");
  f.Ok("change-status", {{"status", "on-hold"}, {"reason", "paused"}});
  EXPECT_EQ(Said(f), "Status In progress → On hold");
  f.Ok("add-progress-note", {{"note_date", "2024-02-01"}, {"text", "Venue booked"}});
  EXPECT_EQ(Said(f), "Note added (1 Feb 2024): Venue booked");
  ASSERT_EQ(f.described.back().changes.size(), 1u);
  EXPECT_EQ(f.described.back().changes[0].field, "progress_notes.n1");
  EXPECT_TRUE(f.described.back().changes[0].from.is_null());
  EXPECT_EQ(f.described.back().changes[0].to,
            (json{{"note_id", "n1"}, {"note_date", "2024-02-01"}, {"text", "Venue booked"}}));
  f.Ok("add-progress-note", {{"note_date", "2024-02-02"}, {"text", std::string(300, 'x')}});
  EXPECT_EQ(Said(f), "Note added (2 Feb 2024): " + std::string(200, 'x') + "…");
  f.Ok("link-evidence", {{"kind", "meeting-decision"}, {"target_id", "mtg1"}, {"item_id", "d3"}});
  EXPECT_EQ(Said(f), "Evidence linked: decision 3 of mtg1");
  // The meeting is named by reads that know names (NamedRef).
  ASSERT_EQ(f.described.back().refs.size(), 1u);
  EXPECT_EQ(f.described.back().refs[0].kind, "meeting");
  EXPECT_EQ(f.described.back().refs[0].id, "mtg1");
  EXPECT_EQ(Field(f, "evidence.e1")->to["target_id"], "mtg1");
  f.Ok("link-evidence", {{"kind", "document-version"}, {"target_id", "strategy"}, {"item_id", "v2"}});
  EXPECT_EQ(Said(f), "Evidence linked: strategy#v2");
  EXPECT_EQ(f.described.back().refs.at(0).kind, "document-version");
  f.Ok("link-evidence", {{"kind", "document"}, {"target_id", "tor"}});
  EXPECT_EQ(Said(f), "Evidence linked: document tor");
  EXPECT_EQ(f.described.back().refs.at(0).kind, "document");
  f.Ok("unlink-evidence", {{"evidence_id", "e2"}, {"reason", "wrong version"}});
  EXPECT_EQ(Said(f), "Evidence unlinked: strategy#v2") << "what was unlinked, not the link's id";
  EXPECT_EQ(Field(f, "evidence.e2")->from["item_id"], "v2");
  EXPECT_TRUE(Field(f, "evidence.e2")->to.is_null());
  f.Ok("complete", {{"date_completed", "2024-03-01"}});
  EXPECT_EQ(Said(f), "Completed 1 Mar 2024, rating Green");
  EXPECT_EQ(Field(f, "status")->from, "on-hold");
  f.Ok("reopen", {{"reason", "more to do"}});
  EXPECT_EQ(Said(f), "Reopened: status Completed → In progress");
  ExpectAllDescribed(f, {"DeliverableCreated", "DeliverableEdited", "DeliverableRagbChanged",
                         "DeliverableStatusChanged", "DeliverableCompleted", "DeliverableReopened",
                         "DeliverableProgressNoteAdded", "DeliverableEvidenceLinked",
                         "DeliverableEvidenceUnlinked"});
}

TEST(Describe, Organisation) {
  Fixture<OrganisationAggregate> f("uhb");
  f.Ok("register", {{"name", "UHB"}, {"kind", "trust"}, {"ods_code", "RRK"}});
  EXPECT_EQ(Said(f), "Registered: UHB (Trust)");
  EXPECT_EQ(Field(f, "ods_code")->to, "RRK");
  f.Ok("rename", {{"name", "University Hospitals Birmingham"}});
  EXPECT_EQ(Said(f), "Renamed UHB → University Hospitals Birmingham");
  f.Ok("retire", {{"reason", "merged"}});
  EXPECT_EQ(Said(f), "Retired");
  EXPECT_EQ(Field(f, "retired")->to, true);
  ExpectAllDescribed(f, {"OrganisationRegistered", "OrganisationRenamed", "OrganisationRetired"});
}

TEST(Describe, Person) {
  Fixture<PersonAggregate> f("alice");
  f.Ok("register", {{"name", "Alice"}, {"email", "alice@nhs.net"}, {"job_title", "Chair"}});
  EXPECT_EQ(Said(f), "Registered: Alice");
  f.Ok("update-details", {{"job_title", "Vice chair"}, {"organisation_id", "rwh"}});
  EXPECT_EQ(Said(f), "Job title, organisation id changed");
  EXPECT_EQ(Field(f, "job_title")->from, "Chair");
  f.Ok("erase", {{"reason", "request"}});
  EXPECT_EQ(Said(f), "Personal data erased");
  // The erasure entry repeats none of the erased values.
  EXPECT_EQ(f.described.back().changes.size(), 1u);
  ExpectAllDescribed(f, {"PersonRegistered", "PersonDetailsUpdated", "PersonalDataErased"});
}

TEST(Describe, Group) {
  Fixture<GroupAggregate> f("ops");
  f.Ok("create", {{"name", "Ops"}, {"kind", "operational-board"},
                  {"quorum_rule", {{"min_present", 3}, {"min_percent", 0}, {"chair_required", false}}}});
  EXPECT_EQ(Said(f), "Created: Ops (Operational board)");
  f.Ok("rename", {{"name", "Operational Board"}});
  EXPECT_EQ(Said(f), "Renamed Ops → Operational Board");
  f.Ok("change-parent", {{"parent_group_id", "exec"}});
  EXPECT_EQ(Said(f), "Parent group none → exec");
  EXPECT_EQ(f.described.back().refs.at(0).kind, "group");
  f.Ok("set-terms-of-reference", {{"document_id", "tor"}});
  EXPECT_EQ(Said(f), "Terms of reference: tor");
  f.Ok("set-quorum-rule", {{"quorum_rule", {{"min_present", 4}, {"min_percent", 50}, {"chair_required", true}}}});
  EXPECT_EQ(Said(f), "Quorum rule: at least 4 present and 50% of members, chair required");
  f.Ok("appoint-member", {{"person_id", "p1"}, {"role", "member"}, {"start_date", "2023-01-01"}});
  EXPECT_EQ(Said(f), "Member joined: p1 as Member, from 1 Jan 2023");
  EXPECT_EQ(Field(f, "memberships.m1")->to["person_id"], "p1");
  f.Ok("change-member-role", {{"membership_id", "m1"}, {"role", "chair"}, {"reason", "elected"}});
  EXPECT_EQ(Said(f), "Role changed: p1 Member → Chair");
  f.Ok("end-membership", {{"membership_id", "m1"}, {"end_date", "2023-06-30"}, {"reason", "stood down"}});
  EXPECT_EQ(Said(f), "Member left: p1 on 30 Jun 2023");
  f.Ok("change-lifecycle", {{"lifecycle", "dormant"}, {"reason", "quiet year"}});
  EXPECT_EQ(Said(f), "Lifecycle Active → Dormant");
  ExpectAllDescribed(f, {"GroupCreated", "GroupRenamed", "GroupParentChanged", "GroupTermsOfReferenceSet",
                         "GroupQuorumRuleSet", "GroupLifecycleChanged", "GroupMemberAppointed",
                         "GroupMemberRoleChanged", "GroupMembershipEnded"});
}

TEST(Describe, WorkProgramme) {
  Fixture<WorkProgrammeAggregate> f("wf");
  f.Ok("create", {{"group_id", "ops"}, {"year", "2023-24"}, {"title", "Workforce 2023-24"}});
  EXPECT_EQ(Said(f), "Created: Workforce 2023-24 (2023-24)");
  f.Ok("add-deliverable", {{"deliverable_id", "d1"}});
  EXPECT_EQ(Said(f), "Deliverable added: d1");
  EXPECT_EQ(Field(f, "deliverable_ids.d1")->to, "d1");
  f.Ok("remove-deliverable", {{"deliverable_id", "d1"}, {"reason", "moved"}});
  EXPECT_EQ(Said(f), "Deliverable removed: d1");
  ExpectAllDescribed(f, {"WorkProgrammeCreated", "WorkProgrammeDeliverableAdded",
                         "WorkProgrammeDeliverableRemoved"});
}

TEST(Describe, Meeting) {
  Fixture<MeetingAggregate> f("m1");
  f.Ok("schedule", {{"group_id", "ops"}, {"title", "Ops Board"}, {"scheduled_for", "2023-05-24T14:00"}});
  EXPECT_EQ(Said(f), "Scheduled: Ops Board on 24 May 2023");
  f.Ok("record-attendance", {{"person_id", "p1"}, {"attendance", "apologies"}});
  EXPECT_EQ(Said(f), "Attendance: p1 Apologies");
  f.Ok("open", json::object());
  EXPECT_EQ(Said(f), "Meeting opened");
  f.Ok("record-attendance", {{"person_id", "p1"}, {"attendance", "present"}});
  EXPECT_EQ(Field(f, "attendance.p1")->from["attendance"], "apologies");
  f.Ok("record-decision", {{"text", "Approve strategy"}, {"links", {{{"kind", "deliverable"}, {"id", "d1"}}}}});
  EXPECT_EQ(Said(f), "Decision d1 recorded: Approve strategy");
  f.Ok("raise-action", {{"text", "Circulate"}, {"owner_person_id", "p1"}, {"due_date", "2023-06-30"}});
  EXPECT_EQ(Said(f), "Action a1 raised for p1, due 30 Jun 2023: Circulate");
  f.Ok("update-action", {{"action_id", "a1"}, {"due_date", "2023-07-31"}, {"note", "delayed"}});
  EXPECT_EQ(Said(f), "Action a1 updated (Due date): delayed");
  EXPECT_EQ(Field(f, "actions.a1.due_date")->from, "2023-06-30");
  f.Ok("close-action", {{"action_id", "a1"}, {"closure_evidence", "sent"}});
  EXPECT_EQ(Said(f), "Action a1 closed: sent");
  f.Ok("close", {{"quorum_rule", {{"min_present", 1}, {"min_percent", 0}, {"chair_required", false}}},
                 {"members", {{{"person_id", "p1"}, {"role", "chair"}}}}});
  EXPECT_EQ(Said(f), "Meeting closed, quorate (1 of 1 members present, 1 needed)");
  Fixture<MeetingAggregate> g("m2");
  g.Ok("schedule", {{"group_id", "ops"}, {"title", "Spare"}, {"scheduled_for", "2023-06-01"}});
  g.Ok("cancel", {{"reason", "no business"}});
  EXPECT_EQ(Said(g), "Meeting cancelled");
  EXPECT_EQ(Field(g, "status")->from, "scheduled");
  for (const auto& t : g.types_seen) f.types_seen.insert(t);
  ExpectAllDescribed(f, {"MeetingScheduled", "MeetingOpened", "MeetingCancelled", "MeetingAttendanceRecorded",
                         "MeetingDecisionRecorded", "MeetingActionRaised", "MeetingActionUpdated",
                         "MeetingActionClosed", "MeetingClosed"});
}

TEST(Describe, ControlledDocument) {
  Fixture<ControlledDocumentAggregate> f("strategy");
  const std::string sha(64, 'a');
  f.Ok("register", {{"title", "Strategy"}, {"owner", "Ops"}, {"review_interval_months", 12}});
  EXPECT_EQ(Said(f), "Registered: Strategy");
  for (const char* label : {"1.0", "2.1"}) {
    f.Ok("add-draft-version", {{"version_label", label}, {"summary", "s"}, {"author", "a"},
                               {"content_sha256", sha}, {"media_type", "application/pdf"}, {"size_bytes", 10}});
  }
  EXPECT_EQ(Said(f), "Draft added: version 2.1 (v2)");
  f.Ok("approve-version", {{"version_id", "v1"}, {"approving_group_id", "ops"}, {"date_adopted", "2023-04-10"}});
  f.Ok("publish", {{"version_id", "v1"}});
  EXPECT_EQ(Said(f), "Version 1.0 published");
  f.Ok("approve-version", {{"version_id", "v2"}, {"approving_group_id", "exec"}, {"date_adopted", "2024-04-01"}});
  // Approval and the supersession it causes: two events, two entries.
  EXPECT_EQ(Said(f, 1), "Version 2.1 approved by exec, in force from 1 Apr 2024, review by 1 Apr 2025");
  EXPECT_EQ(Field(f, "versions.v2.status", 1)->from, "draft");
  EXPECT_EQ(Said(f, 0), "Version 1.0 superseded by 2.1");
  f.Ok("set-review-date", {{"review_date", "2025-03-31"}, {"reason", "annual cycle"}});
  EXPECT_EQ(Said(f), "Review date of version 2.1 1 Apr 2025 → 31 Mar 2025");
  f.Ok("withdraw", {{"reason", "replaced"}});
  EXPECT_EQ(Said(f), "Withdrawn");
  EXPECT_EQ(Field(f, "withdrawn_reason")->to, "replaced");
  ExpectAllDescribed(f, {"ControlledDocumentRegistered", "ControlledDocumentDraftAdded",
                         "ControlledDocumentVersionApproved", "ControlledDocumentVersionSuperseded",
                         "ControlledDocumentVersionPublished", "ControlledDocumentReviewDateSet",
                         "ControlledDocumentWithdrawn"});
}

TEST(Describe, QsinStatement) {
  Fixture<QsinStatementAggregate> f("IN-601");
  f.Ok("define", {{"code", "IN-601"}, {"title", "Programmes reviewed"}, {"edition", "2022"}});
  EXPECT_EQ(Said(f), "Defined: IN-601 Programmes reviewed");
  f.Ok("edit", {{"section", "Governance"}});
  EXPECT_EQ(Said(f), "Section changed");
  f.Ok("record-self-assessment", {{"outcome", "partly-met"}, {"comment", "two left"},
                                  {"assessor_person_id", "p1"}, {"assessed_on", "2024-01-10"}});
  EXPECT_EQ(Said(f), "Self-assessment (10 Jan 2024): Partly met - two left");
  EXPECT_EQ(Field(f, "assessments.s1")->to["outcome"], "partly-met");
  ExpectAllDescribed(f, {"QsinStatementDefined", "QsinStatementEdited", "QsinSelfAssessmentRecorded"});
}

TEST(Describe, Risk) {
  Fixture<RiskAggregate> f("r1");
  f.Ok("raise", {{"title", "Vacancies"}, {"group_id", "ob"}, {"inherent", {{"likelihood", 2}, {"impact", 3}}}});
  EXPECT_EQ(Said(f), "Risk raised: Vacancies, current score 2 x 3 = 6 (moderate)");
  EXPECT_EQ(Field(f, "title")->to, "Vacancies");
  f.Ok("score", {{"score", "target"}, {"likelihood", 1}, {"impact", 3}, {"reason", "appetite"}});
  EXPECT_EQ(Said(f), "Target score not scored → 1 x 3 = 3 (low)");
  f.Ok("add-control", {{"description", "Locums"}});
  f.Ok("close-control", {{"control_id", "c1"}, {"evidence", "rota"}, {"reason", "done"}});
  f.Ok("review", {{"reviewed_on", "2024-06-28"}, {"next_review_date", "2024-09-30"}});
  EXPECT_EQ(Said(f), "Reviewed on 2024-06-28; next review 2024-09-30");
  f.Ok("close", {{"reason", "gone"}});
  EXPECT_EQ(Said(f), "Status open → closed");
  ExpectAllDescribed(f, {"RiskRaised", "RiskScored", "RiskControlAdded", "RiskControlClosed", "RiskReviewed",
                         "RiskStatusChanged"});
}

TEST(Describe, Issue) {
  Fixture<IssueAggregate> f("i1");
  f.Ok("raise", {{"title", "Backlog"}, {"group_id", "ob"}, {"priority", "medium"}, {"owner_person_id", "p1"}});
  EXPECT_EQ(Said(f), "Issue raised (medium priority): Backlog, owner p1");
  EXPECT_EQ(Field(f, "priority")->to, "medium");
  f.Ok("prioritise", {{"priority", "high"}, {"reason", "worse"}});
  EXPECT_EQ(Said(f), "Priority medium → high");
  f.Ok("assign", {{"owner_person_id", "p2"}});
  EXPECT_EQ(Said(f), "Assigned to p2 (was p1)");
  f.Ok("add-action", {{"description", "Audit"}, {"due_date", "2024-02-01"}});
  EXPECT_EQ(Said(f), "Action added: Audit, due 1 Feb 2024");
  EXPECT_EQ(Field(f, "actions.a1")->to["description"], "Audit");
  f.Ok("close-action", {{"action_id", "a1"}, {"evidence", "report"}, {"reason", "done"}});
  EXPECT_EQ(Said(f), "Action closed: Audit (evidence: report)");
  f.Ok("resolve", {{"resolution", "Cleared"}});
  EXPECT_EQ(Said(f), "Resolved: Cleared");
  EXPECT_EQ(Field(f, "status")->from, "open");
  f.Ok("reopen", {{"reason", "recurred"}});
  EXPECT_EQ(Said(f), "Reopened: recurred");
  ExpectAllDescribed(f, {"IssueRaised", "IssuePrioritised", "IssueAssigned", "IssueActionAdded", "IssueActionClosed",
                         "IssueResolved", "IssueReopened"});
}

TEST(Describe, Escalation) {
  const json raise = {{"subject_kind", "issue"}, {"subject_id", "i1"}, {"subject_title", "Backlog"},
                      {"from_group_id", "sig"}, {"to_group_id", "ob"}, {"reason", "needs funding"}};
  Fixture<EscalationAggregate> f("e1");
  f.Ok("raise", raise);
  EXPECT_EQ(Said(f), "Issue 'Backlog' escalated from sig to ob: needs funding");
  EXPECT_EQ(Field(f, "to_group_id")->to, "ob");
  f.Ok("accept", {{"decision", "m1/d2"}});
  EXPECT_EQ(Said(f), "Accepted by decision 2 of m1");
  EXPECT_EQ(Field(f, "status")->to, "accepted");
  f.Ok("close", {{"decision", "m2/d1"}, {"reason", "funded"}});
  EXPECT_EQ(Said(f), "Closed by decision 1 of m2: funded");
  Fixture<EscalationAggregate> g("e2");
  g.Ok("raise", raise);
  g.Ok("return", {{"reason", "the SIG can fund it"}});
  EXPECT_EQ(Said(g), "Returned to sig: the SIG can fund it");
  ExpectAllDescribed(f, {"EscalationRaised", "EscalationAccepted", "EscalationClosed"});
  ExpectAllDescribed(g, {"EscalationRaised", "EscalationReturned"});
}

// An entry is about the event: the one for the 2,000th note is no bigger than
// the one for the first (but for its own text), whatever the state holds.
TEST(Describe, AnEntryDoesNotGrowWithTheState) {
  Fixture<DeliverableAggregate> f("d1");
  f.Ok("create", {{"programme_id", "wf"}, {"title", "Notes"}});
  auto size_of = [](const Change& c) {
    std::size_t n = c.summary.size();
    for (const auto& fc : c.changes) n += fc.field.size() + fc.from.dump().size() + fc.to.dump().size();
    return n;
  };
  std::size_t first = 0;
  for (int i = 1; i <= 2000; ++i) {
    f.Ok("add-progress-note", {{"note_date", "2024-02-01"}, {"text", "note " + std::to_string(i)}});
    if (i == 1) first = size_of(f.described.back());
  }
  const std::size_t last = size_of(f.described.back());
  // "n1" -> "n2000" and "note 1" -> "note 2000", in the field, the item and the summary.
  EXPECT_LE(last, first + 3 * 6);
  EXPECT_EQ(f.state.progress_note_count, 2000u);
  EXPECT_EQ(f.state.progress_notes.size(), kRecentProgressNotes);
  EXPECT_EQ(f.state.progress_notes.front().note_id, "n1981");
  EXPECT_EQ(f.state.progress_notes.back().note_id, "n2000");
  f.Ok("add-progress-note", {{"note_date", "2024-02-01"}, {"text", "next"}});
  EXPECT_EQ(f.history.back().data["note_id"], "n2001");
  EXPECT_EQ(f.View()["progress_note_count"], 2001);
  EXPECT_EQ(f.View()["progress_notes"].size(), kRecentProgressNotes);
}

TEST(Describe, HelpersSpeakTheBoardsLanguage) {
  EXPECT_EQ(HumanDate("2024-02-01"), "1 Feb 2024");
  EXPECT_EQ(HumanDate("2023-05-24T14:00"), "24 May 2023");
  EXPECT_EQ(HumanDate("Mar-23"), "Mar-23");
  EXPECT_EQ(HumanDate("2024-02-30"), "2024-02-30");
  EXPECT_EQ(Words("on-hold"), "On hold");
  EXPECT_EQ(Words("planned_end"), "Planned end");
  // Cut at a character boundary: "é" is two bytes.
  EXPECT_EQ(Excerpt("aé", 2), "a…");
  EXPECT_EQ(Excerpt("abc", 3), "abc");
}

}  // namespace
}  // namespace assure::domain
