// State snapshots: for every aggregate, FromSnapshotJson(SnapshotJson(s)) == s
// on rich states built by Decide/Evolve (the Fixture also checks this after
// every event of every scenario in the other aggregate tests), a restored
// state decides exactly as the original, and damaged snapshots are refused.
#include <gtest/gtest.h>

#include <set>
#include <string>

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

template <class A>
typename A::State RoundTrip(const typename A::State& s) {
  auto restored = A::FromSnapshotJson(json::parse(A::SnapshotJson(s).dump()));
  EXPECT_TRUE(restored.ok()) << restored.error().message;
  return restored.ok() ? *restored : typename A::State{};
}

// The next command decided on the original and on the restored state gives
// the same events (ids such as "e3" come from state that ToJson may not show).
template <class A>
void ExpectSameDecision(const Fixture<A>& f, std::string_view name, const json& body) {
  auto command = A::ParseCommand(name, body);
  ASSERT_TRUE(command.ok()) << command.error().message;
  const CommandContext ctx{"actor-1", f.now, f.id};
  auto original = A::Decide(f.state, *command, ctx);
  auto restored = A::Decide(RoundTrip<A>(f.state), *command, ctx);
  ASSERT_EQ(original.ok(), restored.ok()) << name;
  if (!original.ok()) {
    EXPECT_EQ(original.error().message, restored.error().message);
    return;
  }
  ASSERT_EQ(original->size(), restored->size());
  for (std::size_t i = 0; i < original->size(); ++i) {
    EXPECT_EQ((*original)[i].type, (*restored)[i].type);
    EXPECT_EQ((*original)[i].data, (*restored)[i].data);
  }
}

// Damage every member the reader needs, one at a time: removing it or giving
// it a value of no expected type must be refused as kCorruption naming it.
template <class A>
void ExpectDamageRefused(const typename A::State& s, const std::set<std::string>& derived) {
  const json good = A::SnapshotJson(s);
  ASSERT_TRUE(A::FromSnapshotJson(good).ok());
  for (const auto& [member, value] : good.items()) {
    if (derived.count(member)) continue;
    json missing = good;
    missing.erase(member);
    auto r = A::FromSnapshotJson(missing);
    ASSERT_FALSE(r.ok()) << A::kKind << ": missing '" << member << "' accepted";
    EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
    EXPECT_EQ(r.error().field, member);
    EXPECT_NE(r.error().message.find(member), std::string::npos) << r.error().message;
    json mistyped = good;
    mistyped[member] = 3.5;
    r = A::FromSnapshotJson(mistyped);
    ASSERT_FALSE(r.ok()) << A::kKind << ": '" << member << "': 3.5 accepted";
    EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
    EXPECT_EQ(r.error().field, member);
  }
  // Derived members are not read: dropping them changes nothing.
  json without_derived = good;
  for (const auto& member : derived) {
    ASSERT_TRUE(without_derived.contains(member)) << member;
    without_derived.erase(member);
  }
  auto r = A::FromSnapshotJson(without_derived);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(*r == s);
  for (const json& not_an_object : {json(nullptr), json::array(), json("x"), json(1)}) {
    auto bad = A::FromSnapshotJson(not_an_object);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kCorruption);
  }
}

// ---- rich histories, one per aggregate ----

Fixture<OrganisationAggregate> Organisation() {
  Fixture<OrganisationAggregate> f("uhb");
  f.Ok("register", {{"name", "UHB"}, {"kind", "trust"}, {"ods_code", "RRK"}});
  f.Ok("rename", {{"name", "University Hospitals Birmingham"}});
  f.Ok("retire", {{"reason", "merged"}});
  return f;
}

Fixture<PersonAggregate> Person() {
  Fixture<PersonAggregate> f("alice");
  f.Ok("register", {{"name", "Alice"}, {"email", "alice@nhs.net"}, {"job_title", "Chair"}, {"organisation_id", "uhb"}});
  f.Ok("update-details", {{"job_title", "Vice chair"}, {"organisation_id", "rwh"}});
  return f;
}

Fixture<GroupAggregate> Group() {
  Fixture<GroupAggregate> f("ops");
  f.Ok("create", {{"name", "Ops"}, {"kind", "operational-board"}, {"parent_group_id", "exec"},
                  {"quorum_rule", {{"min_present", 3}, {"min_percent", 50}, {"chair_required", true}}}});
  f.Ok("set-terms-of-reference", {{"document_id", "tor"}});
  f.Ok("appoint-member", {{"person_id", "p1"}, {"role", "chair"}, {"organisation_id", "uhb"}, {"start_date", "2023-01-01"}});
  f.Ok("appoint-member", {{"person_id", "p2"}, {"role", "member"}, {"start_date", "2023-02-01"}});
  f.Ok("appoint-member", {{"person_id", "p3"}, {"role", "observer"}, {"start_date", "2023-03-01"}});
  f.Ok("end-membership", {{"membership_id", "m1"}, {"end_date", "2023-06-30"}, {"reason", "stood down"}});
  f.Ok("change-member-role", {{"membership_id", "m2"}, {"role", "chair"}, {"reason", "elected"}});
  f.Ok("change-lifecycle", {{"lifecycle", "dormant"}, {"reason", "quiet year"}});
  return f;
}

Fixture<WorkProgrammeAggregate> Programme() {
  Fixture<WorkProgrammeAggregate> f("wf");
  f.Ok("create", {{"group_id", "ops"}, {"year", "2023-24"}, {"title", "Workforce 2023-24"}});
  for (const char* d : {"d1", "d2", "d3"}) f.Ok("add-deliverable", {{"deliverable_id", d}});
  f.Ok("remove-deliverable", {{"deliverable_id", "d2"}, {"reason", "moved"}});
  return f;
}

Fixture<DeliverableAggregate> Deliverable() {
  Fixture<DeliverableAggregate> f("d1");
  f.Ok("create", {{"programme_id", "wf"}, {"reference", "Workforce - 01"}, {"title", "Refresh meetings"},
                  {"owner", "MPSIG"}, {"date_initiated", "Mar-23"}, {"planned_end", " ongoing "},
                  {"mm_qsin_reference", "Clinical Governance IN-501, 601"}, {"status", "in-progress"}});
  f.Ok("change-ragb", {{"ragb", "amber"}, {"reason", "slipping"}});
  f.Ok("add-progress-note", {{"note_date", "2023-07-01"}, {"text", "first meeting held"}});
  f.Ok("link-evidence", {{"kind", "document"}, {"target_id", "doc1"}});
  f.Ok("link-evidence", {{"kind", "meeting-decision"}, {"target_id", "m1"}, {"item_id", "d1"}});
  f.Ok("unlink-evidence", {{"evidence_id", "e2"}, {"reason", "wrong meeting"}});
  f.Ok("complete", {{"date_completed", "Jun-24"}});
  f.Ok("reopen", {{"reason", "more to do"}});
  return f;
}

Fixture<MeetingAggregate> Meeting() {
  Fixture<MeetingAggregate> f("m1");
  f.Ok("schedule", {{"group_id", "ops"}, {"title", "Ops Board"}, {"scheduled_for", "2023-05-24T14:00"}, {"location", "Teams"}});
  f.Ok("record-attendance", {{"person_id", "p3"}, {"attendance", "apologies"}, {"organisation_id", "uhb"}});
  f.Ok("open", json::object());
  f.Ok("record-attendance", {{"person_id", "p1"}, {"attendance", "present"}});
  f.Ok("record-attendance", {{"person_id", "p2"}, {"attendance", "present"}});
  f.Ok("record-decision", {{"text", "Approve strategy"},
                           {"links", {{{"kind", "document-version"}, {"id", "doc1"}, {"version_id", "v2"}},
                                      {{"kind", "deliverable"}, {"id", "d1"}}}}});
  f.Ok("raise-action", {{"text", "Circulate"}, {"owner_person_id", "p2"}, {"due_date", "2023-06-30"}});
  f.Ok("raise-action", {{"text", "Book room"}, {"owner_person_id", "p1"}, {"due_date", "2023-06-01"}});
  f.Ok("update-action", {{"action_id", "a1"}, {"due_date", "2023-07-31"}, {"note", "delayed"}});
  f.Ok("close-action", {{"action_id", "a2"}, {"closure_evidence", "booked"}});
  f.Ok("close", {{"quorum_rule", {{"min_present", 2}, {"min_percent", 0}, {"chair_required", true}}},
                 {"members", {{{"person_id", "p1"}, {"role", "chair"}}, {{"person_id", "p2"}, {"role", "member"}}}}});
  return f;
}

const std::string kSha(64, 'a');

Fixture<ControlledDocumentAggregate> Document() {
  Fixture<ControlledDocumentAggregate> f("strategy");
  f.Ok("register", {{"title", "Strategy"}, {"document_numbers", "IN-201, IN-601"}, {"owner", "Ops"},
                    {"target_audience", "All"}, {"review_interval_months", 12}});
  for (const char* label : {"1.0", "2.0"}) {
    f.Ok("add-draft-version", {{"version_label", label}, {"summary", "s"}, {"author", "a"},
                               {"content_sha256", kSha}, {"media_type", "application/pdf"}, {"size_bytes", 200'000'000}});
  }
  f.Ok("approve-version", {{"version_id", "v1"}, {"approving_group_id", "ops"}, {"date_adopted", "2023-04-10"}});
  f.Ok("publish", {{"version_id", "v1"}});
  f.Ok("approve-version", {{"version_id", "v2"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-05-24"},
                           {"meeting_decision_id", "m1/d1"}});
  f.Ok("set-review-date", {{"review_date", "2024-03-31"}, {"reason", "annual cycle"}});
  return f;
}

Fixture<QsinStatementAggregate> Qsin() {
  Fixture<QsinStatementAggregate> f("IN-601");
  f.Ok("define", {{"code", "IN-601"}, {"title", "Programmes reviewed"}, {"text", "The network..."}, {"edition", "2022"}});
  f.Ok("edit", {{"section", "Governance"}});
  f.Ok("record-self-assessment", {{"outcome", "partly-met"}, {"comment", "two left"}, {"assessor_person_id", "p1"}, {"assessed_on", "2024-01-10"}});
  f.Ok("record-self-assessment", {{"outcome", "met"}, {"assessor_person_id", "p1"}, {"assessed_on", "2024-06-10"}});
  return f;
}

Fixture<RiskAggregate> Risk() {
  Fixture<RiskAggregate> f("r1");
  f.Ok("raise", {{"reference", "R7"}, {"title", "Vacancies"}, {"cause", "c"}, {"event", "e"}, {"effect", "x"},
                 {"category", "workforce"}, {"owner_person_id", "p1"}, {"group_id", "ob"},
                 {"inherent", {{"likelihood", 4}, {"impact", 4}}}, {"target", {{"likelihood", 2}, {"impact", 2}}},
                 {"review_date", "2024-06-30"}, {"deliverable_ids", {"d1"}}, {"qsin_codes", {"IN-601"}}});
  f.Ok("score", {{"score", "current"}, {"likelihood", 3}, {"impact", 4}, {"reason", "posts filled"}});
  f.Ok("add-control", {{"description", "Insourcing"}, {"due_date", "2024-09-30"}});
  f.Ok("add-control", {{"description", "Locums"}});
  f.Ok("close-control", {{"control_id", "c1"}, {"evidence", "signed"}, {"reason", "done"}});
  f.Ok("review", {{"reviewed_on", "2024-06-28"}, {"next_review_date", "2024-09-30"}});
  f.Ok("tolerate", {{"reason", "within appetite"}});
  return f;
}

Fixture<IssueAggregate> Issue() {
  Fixture<IssueAggregate> f("i1");
  f.Ok("raise", {{"reference", "I3"}, {"title", "Backlog"}, {"description", "d"}, {"owner_person_id", "p1"},
                 {"group_id", "ob"}, {"priority", "high"}, {"risk_id", "r1"}, {"deliverable_ids", {"d1"}}});
  f.Ok("prioritise", {{"priority", "critical"}, {"reason", "harm"}});
  f.Ok("add-action", {{"description", "Locums"}, {"owner_person_id", "p2"}, {"due_date", "2024-09-30"}});
  f.Ok("add-action", {{"description", "Audit"}});
  f.Ok("close-action", {{"action_id", "a1"}, {"evidence", "rota"}, {"reason", "done"}});
  f.Ok("resolve", {{"resolution", "cleared"}, {"reason", "insourced"}});
  return f;
}

Fixture<EscalationAggregate> Escalation() {
  Fixture<EscalationAggregate> f("e2");
  f.Ok("raise", {{"subject_kind", "decision"}, {"subject_id", "m7/d2"}, {"subject_title", "Adopt the strategy"},
                 {"from_group_id", "ob"}, {"to_group_id", "exec"}, {"reason", "for endorsement"},
                 {"rating", "n/a"}, {"previous_escalation_id", "e1"}});
  f.Ok("accept", {{"decision", "m10/d1"}, {"note", "endorsed"}});
  return f;
}

TEST(Snapshot, EveryAggregateRoundTripsRichAndEmptyStates) {
  EXPECT_TRUE(RoundTrip<RiskAggregate>(Risk().state) == Risk().state);
  EXPECT_TRUE(RoundTrip<IssueAggregate>(Issue().state) == Issue().state);
  EXPECT_TRUE(RoundTrip<EscalationAggregate>(Escalation().state) == Escalation().state);
  EXPECT_TRUE(RoundTrip<RiskAggregate>({}) == RiskState{});
  EXPECT_TRUE(RoundTrip<IssueAggregate>({}) == IssueState{});
  EXPECT_TRUE(RoundTrip<EscalationAggregate>({}) == EscalationState{});
  // Fixture::Apply has already checked every intermediate state.
  EXPECT_TRUE(RoundTrip<OrganisationAggregate>(Organisation().state) == Organisation().state);
  EXPECT_TRUE(RoundTrip<PersonAggregate>(Person().state) == Person().state);
  EXPECT_TRUE(RoundTrip<GroupAggregate>(Group().state) == Group().state);
  EXPECT_TRUE(RoundTrip<WorkProgrammeAggregate>(Programme().state) == Programme().state);
  EXPECT_TRUE(RoundTrip<DeliverableAggregate>(Deliverable().state) == Deliverable().state);
  EXPECT_TRUE(RoundTrip<MeetingAggregate>(Meeting().state) == Meeting().state);
  EXPECT_TRUE(RoundTrip<ControlledDocumentAggregate>(Document().state) == Document().state);
  EXPECT_TRUE(RoundTrip<QsinStatementAggregate>(Qsin().state) == Qsin().state);
  // A state no event has touched (exists == false) is a state too.
  EXPECT_TRUE(RoundTrip<OrganisationAggregate>({}) == OrganisationState{});
  EXPECT_TRUE(RoundTrip<PersonAggregate>({}) == PersonState{});
  EXPECT_TRUE(RoundTrip<GroupAggregate>({}) == GroupState{});
  EXPECT_TRUE(RoundTrip<WorkProgrammeAggregate>({}) == WorkProgrammeState{});
  EXPECT_TRUE(RoundTrip<DeliverableAggregate>({}) == DeliverableState{});
  EXPECT_TRUE(RoundTrip<MeetingAggregate>({}) == MeetingState{});
  EXPECT_TRUE(RoundTrip<ControlledDocumentAggregate>({}) == ControlledDocumentState{});
  EXPECT_TRUE(RoundTrip<QsinStatementAggregate>({}) == QsinStatementState{});
}

TEST(Snapshot, EqualityNoticesEveryKindOfDifference) {
  // The round trip means something only if == is not vacuous.
  auto d = Deliverable().state;
  auto other = d;
  other.evidence_seq += 1;
  EXPECT_FALSE(other == d);
  other = d;
  other.exists = false;
  EXPECT_FALSE(other == d);
  other = d;
  other.progress_notes[0].text += "!";
  EXPECT_FALSE(other == d);
  auto m = Meeting().state;
  auto m2 = m;
  m2.actions[0].notes.clear();
  EXPECT_FALSE(m2 == m);
  m2 = m;
  m2.quorum->required += 1;
  EXPECT_FALSE(m2 == m);
  auto g = Group().state;
  auto g2 = g;
  g2.memberships[1].end_date = "";  // "" is not "still open"
  EXPECT_FALSE(g2 == g);
}

TEST(Snapshot, CarriesWhatToJsonLeavesOut) {
  const auto d = Deliverable().state;
  EXPECT_EQ(d.evidence_seq, 2u);
  EXPECT_EQ(d.evidence.size(), 1u);
  EXPECT_FALSE(DeliverableAggregate::ToJson(d).contains("evidence_seq"));
  EXPECT_EQ(DeliverableAggregate::SnapshotJson(d)["evidence_seq"], 2);
  EXPECT_EQ(DeliverableAggregate::SnapshotJson(d)["exists"], true);
  // The snapshot is ToJson plus members; ToJson's own members are untouched.
  json snapshot = DeliverableAggregate::SnapshotJson(d);
  snapshot.erase("exists");
  snapshot.erase("evidence_seq");
  EXPECT_EQ(snapshot, DeliverableAggregate::ToJson(d));
}

TEST(Snapshot, HandBuiltEdgeStatesRoundTrip) {
  GroupState g;
  g.exists = true;
  g.id = " padded ";  // taken exactly, never trimmed
  g.memberships.push_back({"m1", "p1", MemberRole::kSecretary, "", "2023-01-01", std::string(), "", });
  g.memberships.push_back({"m2", "p2", MemberRole::kChair, "o", "2023-01-01", std::nullopt, "x"});
  EXPECT_TRUE(RoundTrip<GroupAggregate>(g) == g);
  DeliverableState d;
  d.planned_end = SeedDate{"", std::string("2024-01-01"), DatePrecision::kNone};
  d.ragb = Ragb::kRed;
  d.evidence_seq = 4'000'000'000u;
  EXPECT_TRUE(RoundTrip<DeliverableAggregate>(d) == d);
  MeetingState m;
  m.quorum = read::QuorumOutcome{};
  m.attendance["z"] = {Attendance::kAbsent, ""};
  m.attendance["a"] = {Attendance::kPresent, "o"};
  EXPECT_TRUE(RoundTrip<MeetingAggregate>(m) == m);
  ControlledDocumentState doc;
  doc.versions.push_back(DocumentVersion{});
  doc.versions[0].size_bytes = 5'000'000'000LL;  // past 32 bits
  doc.versions[0].status = VersionStatus::kWithdrawn;
  doc.review_interval_months = -1;
  EXPECT_TRUE(RoundTrip<ControlledDocumentAggregate>(doc) == doc);
}

TEST(Snapshot, RestoredStatesDecideLikeTheOriginals) {
  // The next evidence id is e3 although only e1 is still linked.
  ExpectSameDecision(Deliverable(), "link-evidence", {{"kind", "document"}, {"target_id", "doc9"}});
  ExpectSameDecision(Deliverable(), "complete", {{"date_completed", "2024-07-01"}});
  ExpectSameDecision(Group(), "appoint-member", {{"person_id", "p4"}, {"role", "chair"}, {"start_date", "2023-07-01"}});
  ExpectSameDecision(Group(), "change-lifecycle", {{"lifecycle", "closed"}, {"reason", "done"}});
  ExpectSameDecision(Meeting(), "close-action", {{"action_id", "a1"}, {"closure_evidence", "sent"}});
  ExpectSameDecision(Document(), "add-draft-version", {{"version_label", "3.0"}, {"content_sha256", kSha}, {"media_type", "text/plain"}, {"size_bytes", 1}});
  ExpectSameDecision(Qsin(), "record-self-assessment", {{"outcome", "met"}, {"assessor_person_id", "p2"}, {"assessed_on", "2024-07-01"}});
  ExpectSameDecision(Person(), "erase", {{"reason", "request"}});
  ExpectSameDecision(Organisation(), "rename", {{"name", "Other"}});
  ExpectSameDecision(Programme(), "add-deliverable", {{"deliverable_id", "d2"}});
  // The next control and action ids come from counters ToJson leaves out.
  ExpectSameDecision(Risk(), "add-control", {{"description", "Third"}});
  ExpectSameDecision(Issue(), "reopen", {{"reason", "recurred"}});
  ExpectSameDecision(Escalation(), "close", {{"decision", "m11/d2"}, {"reason", "published"}});
}

TEST(Snapshot, DamagedSnapshotsAreRefused) {
  ExpectDamageRefused<OrganisationAggregate>(Organisation().state, {});
  ExpectDamageRefused<PersonAggregate>(Person().state, {});
  ExpectDamageRefused<GroupAggregate>(Group().state, {});
  ExpectDamageRefused<WorkProgrammeAggregate>(Programme().state, {});
  // An older snapshot has no progress_note_count (see the test below).
  ExpectDamageRefused<DeliverableAggregate>(Deliverable().state, {"ragb_meaning", "progress_note_count"});
  ExpectDamageRefused<MeetingAggregate>(Meeting().state, {});
  ExpectDamageRefused<ControlledDocumentAggregate>(Document().state, {"in_force_version_id", "review_date"});
  ExpectDamageRefused<QsinStatementAggregate>(Qsin().state, {"latest_assessment"});
  ExpectDamageRefused<RiskAggregate>(Risk().state, {});
  ExpectDamageRefused<IssueAggregate>(Issue().state, {});
  ExpectDamageRefused<EscalationAggregate>(Escalation().state, {"outcome"});
}

// A deliverable keeps its newest notes and their count. A snapshot written
// before that lists every note and no count: it still reads, the count being
// the notes listed, and the next note gets the next id.
TEST(Snapshot, AnOlderDeliverableSnapshotWithEveryNoteStillReads) {
  Fixture<DeliverableAggregate> f("d1");
  f.Ok("create", {{"programme_id", "wf"}, {"title", "Notes"}});
  json every = json::array();
  for (int i = 1; i <= 25; ++i) {
    const std::string text = "note " + std::to_string(i);
    f.Ok("add-progress-note", {{"note_date", "2024-01-01"}, {"text", text}});
    every.push_back({{"note_id", "n" + std::to_string(i)}, {"note_date", "2024-01-01"}, {"text", text}});
  }
  json old = DeliverableAggregate::SnapshotJson(f.state);
  EXPECT_EQ(old["progress_note_count"], 25);
  EXPECT_EQ(old["progress_notes"].size(), kRecentProgressNotes);
  old.erase("progress_note_count");
  old["progress_notes"] = every;
  auto read = DeliverableAggregate::FromSnapshotJson(old);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(*read == f.state);
  EXPECT_EQ(read->progress_note_count, 25u);
  EXPECT_EQ(read->progress_notes.front().note_id, "n6");
  auto next = DeliverableAggregate::Decide(*read, AddDeliverableProgressNote{"2024-01-02", "more"},
                                           CommandContext{"a", testing::kT0, ""});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)[0].data["note_id"], "n26");
  // A count of the wrong type is damage, not an older snapshot.
  json bad = DeliverableAggregate::SnapshotJson(f.state);
  bad["progress_note_count"] = "25";
  auto refused = DeliverableAggregate::FromSnapshotJson(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "progress_note_count");
}

TEST(Snapshot, DamageInsideNestedMembersIsNamedByPath) {
  auto check = [](auto result, const std::string& field) {
    ASSERT_FALSE(result.ok()) << field;
    EXPECT_EQ(result.error().code, ErrorCode::kCorruption);
    EXPECT_EQ(result.error().field, field) << result.error().message;
  };
  json g = GroupAggregate::SnapshotJson(Group().state);
  g["memberships"][1]["role"] = "president";
  check(GroupAggregate::FromSnapshotJson(g), "memberships[1].role");
  g = GroupAggregate::SnapshotJson(Group().state);
  g["memberships"][2] = "m3";
  check(GroupAggregate::FromSnapshotJson(g), "memberships[2]");
  g = GroupAggregate::SnapshotJson(Group().state);
  g["quorum_rule"].erase("chair_required");
  check(GroupAggregate::FromSnapshotJson(g), "quorum_rule.chair_required");
  g = GroupAggregate::SnapshotJson(Group().state);
  g["quorum_rule"]["min_present"] = 1LL << 40;
  check(GroupAggregate::FromSnapshotJson(g), "quorum_rule.min_present");

  json d = DeliverableAggregate::SnapshotJson(Deliverable().state);
  d["planned_end"]["precision"] = "week";
  check(DeliverableAggregate::FromSnapshotJson(d), "planned_end.precision");
  d = DeliverableAggregate::SnapshotJson(Deliverable().state);
  d["mm_qsin"]["codes"] = {"IN-501", 601};
  check(DeliverableAggregate::FromSnapshotJson(d), "mm_qsin.codes");
  d = DeliverableAggregate::SnapshotJson(Deliverable().state);
  d["ragb"] = "purple";
  check(DeliverableAggregate::FromSnapshotJson(d), "ragb");
  d = DeliverableAggregate::SnapshotJson(Deliverable().state);
  d["evidence_seq"] = -1;
  check(DeliverableAggregate::FromSnapshotJson(d), "evidence_seq");
  d = DeliverableAggregate::SnapshotJson(Deliverable().state);
  d["evidence"][0].erase("kind");
  check(DeliverableAggregate::FromSnapshotJson(d), "evidence[0].kind");

  json m = MeetingAggregate::SnapshotJson(Meeting().state);
  m["actions"][1]["status"] = "done";
  check(MeetingAggregate::FromSnapshotJson(m), "actions[1].status");
  m = MeetingAggregate::SnapshotJson(Meeting().state);
  m["decisions"][0]["links"][1]["kind"] = "meeting";
  check(MeetingAggregate::FromSnapshotJson(m), "decisions[0].links[1].kind");
  m = MeetingAggregate::SnapshotJson(Meeting().state);
  m["attendance"][1] = m["attendance"][0];
  check(MeetingAggregate::FromSnapshotJson(m), "attendance");
  m = MeetingAggregate::SnapshotJson(Meeting().state);
  m["quorum"]["quorate"] = "yes";
  check(MeetingAggregate::FromSnapshotJson(m), "quorum.quorate");

  json doc = ControlledDocumentAggregate::SnapshotJson(Document().state);
  doc["versions"][1]["size_bytes"] = "5GB";
  check(ControlledDocumentAggregate::FromSnapshotJson(doc), "versions[1].size_bytes");
  json q = QsinStatementAggregate::SnapshotJson(Qsin().state);
  q["assessments"][0]["outcome"] = nullptr;
  check(QsinStatementAggregate::FromSnapshotJson(q), "assessments[0].outcome");
}

}  // namespace
}  // namespace assure::domain
