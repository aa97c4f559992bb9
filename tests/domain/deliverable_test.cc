// Deliverable: given/when/then for every command, on seed rows.
#include <gtest/gtest.h>

#include "domain/deliverable.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

// The seed's "Workforce - 01" row of the Medical Physics programme.
Fixture<DeliverableAggregate> Workforce01() {
  Fixture<DeliverableAggregate> f("d1");
  f.One("create",
        {{"programme_id", "mp-2023-24"},
         {"reference", "Workforce - 01"},
         {"title", "Refresh Regional Scientific Meetings"},
         {"owner", "MPSIG rep at WFSIG"},
         {"date_initiated", "Mar-23"},
         {"planned_end", "Sep-23"},
         {"interdependencies_risks", "Workforce SIG"},
         {"mm_qsin_reference", "Clinical Governance IN-501, 601, 701"},
         {"ragb", "blue"},
         {"status", "in-progress"}},
        "DeliverableCreated");
  return f;
}

TEST(Deliverable, CreateParsesSeedText) {
  auto f = Workforce01();
  EXPECT_EQ(f.history[0].schema_version, 2u);
  const json v = f.View();
  EXPECT_EQ(v["reference"], "Workforce - 01");
  EXPECT_EQ(v["date_initiated"], json({{"text", "Mar-23"}, {"date", "2023-03-01"}, {"precision", "month"}}));
  EXPECT_EQ(v["planned_end"]["date"], "2023-09-01");
  EXPECT_EQ(v["date_completed"]["precision"], "none");
  EXPECT_EQ(v["mm_qsin"]["domain"], "Clinical Governance");
  EXPECT_EQ(v["mm_qsin"]["codes"], json({"IN-501", "IN-601", "IN-701"}));
  EXPECT_EQ(v["mm_qsin"]["raw"], "Clinical Governance IN-501, 601, 701");
  EXPECT_EQ(v["ragb"], "blue");
  EXPECT_EQ(v["ragb_meaning"], "The network is on track to achieve the objective by the agreed end date.");
  EXPECT_EQ(v["status"], "in-progress");
  EXPECT_EQ(f.Refused("create", {{"programme_id", "p"}, {"title", "t"}}).code, ErrorCode::kAlreadyExists);
}

TEST(Deliverable, CreateRefusals) {
  Fixture<DeliverableAggregate> f("d2");
  EXPECT_EQ(f.Refused("create", {{"programme_id", "p"}}).field, "title");
  EXPECT_EQ(f.Refused("create", {{"title", "t"}}).field, "programme_id");
  EXPECT_EQ(f.Refused("create", {{"programme_id", "p"}, {"title", "t"}, {"ragb", "purple"}}).field, "ragb");
  EXPECT_EQ(f.Refused("create", {{"programme_id", "p"}, {"title", "t"}, {"planned_end", 2023}}).field,
            "planned_end");
  // Planned end before initiated.
  EXPECT_EQ(f.Refused("create", {{"programme_id", "p"}, {"title", "t"}, {"date_initiated", "Jun-23"},
                                 {"planned_end", "Mar-23"}}).code,
            ErrorCode::kRuleViolation);
  // Same month is fine; words are kept without a date.
  f.One("create", {{"programme_id", "p"}, {"title", "t"}, {"date_initiated", "Mar-23"},
                   {"planned_end", "ongoing"}},
        "DeliverableCreated");
  EXPECT_EQ(f.View()["planned_end"]["text"], "ongoing");
  EXPECT_TRUE(f.View()["planned_end"]["date"].is_null());
  EXPECT_TRUE(f.View()["ragb"].is_null());
  EXPECT_EQ(f.View()["status"], "planned");
}

TEST(Deliverable, Edit) {
  auto f = Workforce01();
  auto d = f.One("edit", {{"planned_end", "Draft Dec-23"}, {"owner", "MPSIG rep at WFSIG"},
                          {"mm_qsin_reference", "Workforce IN-203"}},
                 "DeliverableEdited");
  EXPECT_FALSE(d.contains("owner"));  // unchanged
  EXPECT_EQ(f.View()["planned_end"]["date"], "2023-12-01");
  EXPECT_EQ(f.View()["mm_qsin"]["codes"], json({"IN-203"}));
  EXPECT_EQ(f.View()["title"], "Refresh Regional Scientific Meetings");
  EXPECT_EQ(f.Refused("edit", {{"owner", "MPSIG rep at WFSIG"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("edit", {{"planned_end", "Jan-23"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("edit", {{"title", ""}}).field, "title");
  Fixture<DeliverableAggregate> none("zz");
  EXPECT_EQ(none.Refused("edit", {{"title", "x"}}).code, ErrorCode::kNotFound);
}

// Issue 18: an owner who is a person is linked by id; the name is never
// copied into the deliverable's events, so erasing the person covers it.
TEST(Deliverable, LinkedOwnerCarriesTheIdAndNoText) {
  Fixture<DeliverableAggregate> f("d3");
  auto created = f.One("create", {{"programme_id", "p"}, {"title", "t"}, {"owner_person_id", "p-jane"}},
                       "DeliverableCreated");
  EXPECT_EQ(created["owner_person_id"], "p-jane");
  EXPECT_EQ(created["owner"], "");
  EXPECT_EQ(f.View()["owner_person_id"], "p-jane");
  EXPECT_EQ(f.View()["owner"], "");
  EXPECT_EQ(f.Refused("create", {{"programme_id", "p"}, {"title", "t"}}).code, ErrorCode::kAlreadyExists);
  // Free text unlinks; linking again empties the text.
  auto text = f.One("edit", {{"owner", "Network Director"}}, "DeliverableEdited");
  EXPECT_EQ(text, json({{"id", "d3"}, {"occurred_at", text["occurred_at"]}, {"owner", "Network Director"},
                        {"owner_person_id", ""}}));
  auto link = f.One("edit", {{"owner_person_id", "p-jane"}}, "DeliverableEdited");
  EXPECT_EQ(link["owner"], "");
  EXPECT_EQ(link["owner_person_id"], "p-jane");
  EXPECT_EQ(f.View()["owner"], "");
  EXPECT_EQ(f.Refused("edit", {{"owner_person_id", "p-jane"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("edit", {{"owner_person_id", "p-bob"}, {"owner", "Bob"}}).field, "owner");
  auto unlink = f.One("edit", {{"owner_person_id", ""}}, "DeliverableEdited");
  EXPECT_EQ(unlink["owner_person_id"], "");
  EXPECT_FALSE(unlink.contains("owner"));
  EXPECT_FALSE(f.View().contains("owner_person_id")) << "only a linked owner shows it";
  // A deliverable created with a text owner carries no owner_person_id (as before).
  Fixture<DeliverableAggregate> g("d4");
  EXPECT_FALSE(g.One("create", {{"programme_id", "p"}, {"title", "t"}, {"owner", "Chair"}}, "DeliverableCreated")
                   .contains("owner_person_id"));
}

// Issue 16: an edit (and a completion) could carry no reason, so an import's
// edits did not say where they came from. The reason is optional.
TEST(Deliverable, EditAndCompleteMayCarryAReason) {
  auto f = Workforce01();
  f.One("edit", {{"owner", "Head of Physics"}}, "DeliverableEdited");
  EXPECT_EQ(f.reasons.back(), "");
  f.One("edit", {{"owner", "Physics Lead"}, {"reason", " imported from mp.csv "}}, "DeliverableEdited");
  EXPECT_EQ(f.reasons.back(), "imported from mp.csv");
  f.One("complete", {{"date_completed", "19/09/2023"}, {"reason", "imported from mp.csv"}},
        "DeliverableCompleted");
  EXPECT_EQ(f.reasons.back(), "imported from mp.csv");
}

TEST(Deliverable, ChangeRagbNeedsReason) {
  auto f = Workforce01();
  EXPECT_EQ(f.Refused("change-ragb", {{"ragb", "amber"}}).field, "reason");
  EXPECT_EQ(f.Refused("change-ragb", {{"ragb", "blue"}, {"reason", "r"}}).code, ErrorCode::kRuleViolation);
  auto d = f.One("change-ragb", {{"ragb", "amber"}, {"reason", "venue not yet booked"}},
                 "DeliverableRagbChanged");
  EXPECT_EQ(d["previous_ragb"], "blue");
  EXPECT_EQ(f.reasons.back(), "venue not yet booked");
  EXPECT_EQ(f.View()["ragb"], "amber");
}

TEST(Deliverable, ChangeStatus) {
  auto f = Workforce01();
  EXPECT_EQ(f.Refused("change-status", {{"status", "in-progress"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("change-status", {{"status", "completed"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("change-status", {{"status", "on-hold"}}).field, "reason");
  EXPECT_EQ(f.Refused("change-status", {{"status", "paused"}}).field, "status");
  f.One("change-status", {{"status", "on-hold"}, {"reason", "awaiting HEE funding"}}, "DeliverableStatusChanged");
  EXPECT_EQ(f.View()["status"], "on-hold");
  auto d = f.One("change-status", {{"status", "in-progress"}}, "DeliverableStatusChanged");
  EXPECT_EQ(d["previous_status"], "on-hold");
}

TEST(Deliverable, CompleteAndReopen) {
  auto f = Workforce01();
  EXPECT_EQ(f.Refused("complete", {{"date_completed", "Ongoing"}}).field, "date_completed");
  EXPECT_EQ(f.Refused("complete", {{"date_completed", "Jan-23"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("reopen", {{"reason", "r"}}).code, ErrorCode::kRuleViolation);
  auto d = f.One("complete", {{"date_completed", "19/09/2023"}}, "DeliverableCompleted");
  EXPECT_EQ(d["ragb"], "green");  // Green unless given
  EXPECT_EQ(d["previous_ragb"], "blue");
  json v = f.View();
  EXPECT_EQ(v["status"], "completed");
  EXPECT_EQ(v["ragb"], "green");
  EXPECT_EQ(v["date_completed"]["date"], "2023-09-19");
  // Closed: no rating, status or completion change until reopened.
  EXPECT_EQ(f.Refused("change-ragb", {{"ragb", "amber"}, {"reason", "r"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("change-status", {{"status", "in-progress"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("complete", {{"date_completed", "Oct-23"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("reopen", json::object()).field, "reason");
  EXPECT_EQ(f.Refused("reopen", {{"reason", "r"}, {"status", "cancelled"}}).field, "status");
  d = f.One("reopen", {{"reason", "second meeting needed"}}, "DeliverableReopened");
  EXPECT_EQ(d["previous_status"], "completed");
  EXPECT_EQ(f.View()["status"], "in-progress");
  f.One("change-ragb", {{"ragb", "amber"}, {"reason", "second meeting needed"}}, "DeliverableRagbChanged");
  d = f.One("complete", {{"date_completed", "Nov-23"}, {"ragb", "amber"}}, "DeliverableCompleted");
  EXPECT_EQ(f.View()["ragb"], "amber");
  EXPECT_EQ(f.View()["date_completed"]["precision"], "month");
}

TEST(Deliverable, ProgressNotes) {
  auto f = Workforce01();
  EXPECT_EQ(f.Refused("add-progress-note", {{"note_date", "3/3"}, {"text", "x"}}).field, "note_date");
  EXPECT_EQ(f.Refused("add-progress-note", {{"note_date", "2023-03-03"}}).field, "text");
  auto d = f.One("add-progress-note",
                 {{"note_date", "2023-03-03"}, {"text", "Provisional date agreed for 19th Sept"}},
                 "DeliverableProgressNoteAdded");
  EXPECT_EQ(d["note_id"], "n1");
  f.One("add-progress-note", {{"note_date", "2023-04-01"}, {"text", "Venue booked"}},
        "DeliverableProgressNoteAdded");
  const json notes = f.View()["progress_notes"];
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0]["text"], "Provisional date agreed for 19th Sept");
  EXPECT_EQ(notes[1]["note_id"], "n2");
}

TEST(Deliverable, Evidence) {
  auto f = Workforce01();
  EXPECT_EQ(f.Refused("link-evidence", {{"kind", "meeting-decision"}, {"target_id", "mtg1"}}).field, "item_id");
  EXPECT_EQ(f.Refused("link-evidence", {{"kind", "photo"}, {"target_id", "x"}}).field, "kind");
  auto d = f.One("link-evidence", {{"kind", "document-version"}, {"target_id", "strategy"}, {"item_id", "v2"}},
                 "DeliverableEvidenceLinked");
  EXPECT_EQ(d["evidence_id"], "e1");
  f.One("link-evidence", {{"kind", "meeting-decision"}, {"target_id", "mtg1"}, {"item_id", "d1"}},
        "DeliverableEvidenceLinked");
  EXPECT_EQ(f.Refused("link-evidence", {{"kind", "document-version"}, {"target_id", "strategy"}, {"item_id", "v2"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("unlink-evidence", {{"evidence_id", "e1"}}).field, "reason");
  EXPECT_EQ(f.Refused("unlink-evidence", {{"evidence_id", "e7"}, {"reason", "r"}}).field, "evidence_id");
  f.One("unlink-evidence", {{"evidence_id", "e1"}, {"reason", "wrong version"}}, "DeliverableEvidenceUnlinked");
  ASSERT_EQ(f.View()["evidence"].size(), 1u);
  EXPECT_EQ(f.View()["evidence"][0]["evidence_id"], "e2");
  // Ids are never reused after an unlink.
  d = f.One("link-evidence", {{"kind", "document"}, {"target_id", "strategy"}}, "DeliverableEvidenceLinked");
  EXPECT_EQ(d["evidence_id"], "e3");
  EXPECT_EQ(f.View()["evidence"][1]["kind"], "document");
}

}  // namespace
}  // namespace assure::domain
