// The happy path of every REST resource, over real loopback sockets against
// the routes `assure serve` installs.
#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include "api/core/history.h"
#include "api/audit/checkpoint.h"
#include "storage/codec.h"
#include "storage/types.h"
#include "storage/merkle.h"
#include "tests/rest/rest_harness.h"
#include "domain/calendar.h"

namespace assure::rest_test {
namespace {

std::string TodayOf(RestServer& s) { return domain::FormatTimestampUs(s.clock().NowMicros()).substr(0, 10); }

std::set<std::string> Ids(const json& items, const char* key = "id") {
  std::set<std::string> out;
  for (const auto& i : items) out.insert(i.at(key).get<std::string>());
  return out;
}

TEST_F(RestTest, OrganisationsPeopleAndGroupsWithMembersOnADate) {
  World w = BuildWorld(*this);
  // Read with an ETag equal to the version.
  HttpReply org = Get("/api/v1/organisations/" + w.org);
  ASSERT_EQ(org.status, 200) << org.body;
  EXPECT_EQ(org.Json()["name"], "North Trust");
  EXPECT_EQ(org.Json()["kind"], "trust");
  EXPECT_EQ(org.Header("ETag"), "\"" + std::to_string(org.Json()["version"].get<int>()) + "\"");
  Must("/api/v1/organisations/" + w.org + "/rename", {{"name", "North Trust FT"}}, tok().admin);
  EXPECT_EQ(Get("/api/v1/organisations/" + w.org).Json()["name"], "North Trust FT");

  json people = Get("/api/v1/people").Json();
  EXPECT_EQ(people["total"], 3);
  EXPECT_EQ(Ids(people["items"]), (std::set<std::string>{w.chair, w.member, w.outsider}));
  EXPECT_EQ(Get("/api/v1/people/" + w.chair).Json()["organisation_id"], w.org);
  EXPECT_EQ(Get("/api/v1/organisations").Json()["total"], 1);

  json group = Get("/api/v1/groups/" + w.group_in).Json();
  EXPECT_EQ(group["name"], "Imaging SIG");
  ASSERT_EQ(group["memberships"].size(), 2u);
  EXPECT_EQ(Get("/api/v1/groups").Json()["total"], 2);

  // Members on a date: both were appointed from 2020-01-01; one more from 2024-06-01.
  Must("/api/v1/groups/" + w.group_in + "/appoint-member",
       {{"person_id", w.outsider}, {"role", "observer"}, {"start_date", "2024-06-01"}}, tok().editor);
  json before = Get("/api/v1/groups/" + w.group_in + "/members?date=2024-05-31").Json();
  EXPECT_EQ(before["date"], "2024-05-31");
  EXPECT_EQ(Ids(before["items"], "person_id"), (std::set<std::string>{w.chair, w.member}));
  json after = Get("/api/v1/groups/" + w.group_in + "/members?date=2024-06-01").Json();
  EXPECT_EQ(Ids(after["items"], "person_id"),
            (std::set<std::string>{w.chair, w.member, w.outsider}));
  EXPECT_EQ(Get("/api/v1/groups/" + w.group_in + "/members?date=2019-12-31").Json()["items"].size(), 0u);
  for (const auto& m : after["items"]) {
    if (m["person_id"] == w.chair) {
      EXPECT_EQ(m["role"], "chair");
      EXPECT_EQ(m["person"]["name"], "Ada Chair");
    }
  }
}

TEST_F(RestTest, ProgrammesAndDeliverablesWithEveryFilterAndHistory) {
  World w = BuildWorld(*this);
  json programme = Get("/api/v1/programmes/" + w.programme_in).Json();
  EXPECT_EQ(programme["group_id"], w.group_in);
  EXPECT_EQ(programme["year"], "2024-25");
  // Creating a deliverable lists it in its programme.
  EXPECT_EQ(programme["deliverable_ids"], json::array({w.deliverable_in}));
  EXPECT_EQ(Get("/api/v1/programmes").Json()["total"], 2);

  HttpReply read = Get("/api/v1/deliverables/" + w.deliverable_in);
  ASSERT_EQ(read.status, 200) << read.body;
  json d = read.Json();
  EXPECT_EQ(d["title"], "Reporting turnaround");
  EXPECT_EQ(d["ragb"], "blue");
  EXPECT_EQ(d["status"], "in-progress");
  EXPECT_EQ(read.Header("ETag"), "\"" + std::to_string(d["version"].get<int>()) + "\"");
  EXPECT_GT(d["position"].get<int>(), 0);

  // Every filter, each shown to include and exclude.
  auto list = [&](const std::string& q) {
    HttpReply r = Get("/api/v1/deliverables?" + q);
    EXPECT_EQ(r.status, 200) << q << " -> " << r.body;
    return Ids(r.Json()["items"]);
  };
  const std::set<std::string> both{w.deliverable_in, w.deliverable_out};
  const std::set<std::string> in{w.deliverable_in};
  const std::set<std::string> out{w.deliverable_out};
  EXPECT_EQ(list("limit=10"), both);
  EXPECT_EQ(list("programme_id=" + w.programme_in), in);
  EXPECT_EQ(list("programme_id=" + w.programme_out), out);
  EXPECT_EQ(list("group_id=" + w.group_in), in);
  EXPECT_EQ(list("group_id=" + w.group_out), out);
  EXPECT_EQ(list("ragb=blue"), in);
  EXPECT_EQ(list("ragb=amber"), out);
  EXPECT_EQ(list("ragb=red"), std::set<std::string>{});
  EXPECT_EQ(list("status=in-progress"), in);
  EXPECT_EQ(list("status=planned"), out);
  EXPECT_EQ(list("owner=ada"), in);  // case-insensitive substring
  EXPECT_EQ(list("owner=nobody"), std::set<std::string>{});
  EXPECT_EQ(list("qsin_code=IN-601"), in);
  EXPECT_EQ(list("qsin_code=IN-999"), std::set<std::string>{});
  EXPECT_EQ(list("qsin_code=in-601"), in);  // codes are case-insensitive (issue 16)
  EXPECT_EQ(list("sort=-planned_end"), both);
  EXPECT_EQ(list("overdue=true"), in);  // planned end 2025-03-31 has passed
  EXPECT_EQ(list("overdue=false"), both);
  EXPECT_EQ(list("group_id=" + w.group_in + "&ragb=amber"), std::set<std::string>{});
  json row = Get("/api/v1/deliverables?programme_id=" + w.programme_in).Json()["items"][0];
  EXPECT_EQ(row["group_id"], w.group_in);
  EXPECT_EQ(row["overdue"], true);

  // Change the rating with a reason, note progress, complete.
  const std::string base = "/api/v1/deliverables/" + w.deliverable_in;
  json changed = Must(base + "/change-ragb", {{"ragb", "red"}, {"reason", "radiologist vacancies"}},
                      tok().editor);
  EXPECT_EQ(changed["id"], w.deliverable_in);
  EXPECT_EQ(changed["version"], d["version"].get<int>() + 1);
  EXPECT_EQ(changed["events_written"], 1);
  EXPECT_EQ(changed["replayed"], false);
  EXPECT_EQ(changed["position"], Head());
  Must(base + "/add-progress-note", {{"note_date", "2024-09-01"}, {"text", "locum found"}}, tok().editor);
  Must(base + "/complete", {{"date_completed", "2025-02-01"}}, tok().editor);
  json done = Get(base).Json();
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["ragb"], "green");
  ASSERT_EQ(done["progress_notes"].size(), 1u);
  EXPECT_EQ(done["progress_notes"][0]["text"], "locum found");
  EXPECT_EQ(list("status=completed"), in);

  // History: who changed what, from -> to, and why.
  HttpReply h = Get(base + "/history");
  ASSERT_EQ(h.status, 200) << h.body;
  json items = h.Json()["items"];
  ASSERT_EQ(items.size(), 4u);
  const json& change = items[1];
  EXPECT_EQ(change["type"], "DeliverableRagbChanged");
  EXPECT_EQ(change["reason"], "radiologist vacancies");
  EXPECT_FALSE(change["actor"].get<std::string>().empty());
  bool saw_ragb = false;
  for (const auto& c : change["changes"]) {
    if (c["field"] != "ragb") continue;
    saw_ragb = true;
    EXPECT_EQ(c["from"], "blue");
    EXPECT_EQ(c["to"], "red");
  }
  EXPECT_TRUE(saw_ragb) << change.dump();
  // Each entry says in words what happened; a note is one item, not the list.
  EXPECT_EQ(change["summary"], "Rating Blue → Red");
  EXPECT_EQ(items[2]["summary"], "Note added (1 Sep 2024): locum found");
  ASSERT_EQ(items[2]["changes"].size(), 1u);
  EXPECT_EQ(items[2]["changes"][0]["field"], "progress_notes.n1");
  // The actor is the token's id, not anything from the body.
  EXPECT_NE(items[1]["actor"], items[0]["actor"]);  // editor vs admin
  EXPECT_EQ(h.Json()["total"], 4);

  // Pages of the history, either way round, as at a position.
  json newest = Get(base + "/history?order=desc&limit=2").Json();
  EXPECT_EQ(newest["total"], 4);
  EXPECT_EQ(newest["order"], "desc");
  ASSERT_EQ(newest["items"].size(), 2u);
  EXPECT_EQ(newest["items"][0], items[3]);
  EXPECT_EQ(newest["items"][1], items[2]);
  json middle = Get(base + "/history?offset=1&limit=2").Json();
  ASSERT_EQ(middle["items"].size(), 2u);
  EXPECT_EQ(middle["items"][0], items[1]);
  EXPECT_EQ(middle["items"][1], items[2]);
  EXPECT_TRUE(Get(base + "/history?offset=9").Json()["items"].empty());
  json then = Get(base + "/history?at_position=" + std::to_string(items[1]["position"].get<std::uint64_t>())).Json();
  EXPECT_EQ(then["total"], 2);
  EXPECT_EQ(then["items"][1], items[1]);
  HttpReply bad_order = Get(base + "/history?order=sideways");
  EXPECT_TRUE(IsProblem(bad_order, 422, "order"));
  EXPECT_EQ(Get(base + "/history?limit=0").status, 422);
  EXPECT_EQ(Get(base + "/history?limit=1001").status, 422);
}

// A deliverable shows its newest 20 notes and the count; the notes route
// gives every note, newest first by default, a page at a time.
TEST_F(RestTest, EveryProgressNoteThroughTheNotesRoute) {
  World w = BuildWorld(*this);
  const std::string base = "/api/v1/deliverables/" + w.deliverable_in;
  for (int i = 1; i <= 25; ++i) {
    Must(base + "/add-progress-note", {{"note_date", "2024-09-01"}, {"text", "note " + std::to_string(i)}},
         tok().editor);
  }
  Must(base + "/change-ragb", {{"ragb", "red"}, {"reason", "between notes"}}, tok().editor);
  Must(base + "/add-progress-note", {{"note_date", "2024-09-02"}, {"text", "note 26"}}, tok().editor);
  json d = Get(base).Json();
  EXPECT_EQ(d["progress_note_count"], 26);
  ASSERT_EQ(d["progress_notes"].size(), 20u);
  EXPECT_EQ(d["progress_notes"][0]["note_id"], "n7");
  EXPECT_EQ(d["progress_notes"][19]["note_id"], "n26");

  json newest = Get(base + "/notes?limit=3").Json();
  EXPECT_EQ(newest["total"], 26);
  EXPECT_EQ(newest["order"], "desc");
  ASSERT_EQ(newest["items"].size(), 3u);
  EXPECT_EQ(newest["items"][0]["note_id"], "n26");
  EXPECT_EQ(newest["items"][0]["text"], "note 26");
  EXPECT_EQ(newest["items"][2]["note_id"], "n24");
  EXPECT_FALSE(newest["items"][0]["actor"].get<std::string>().empty());
  json oldest = Get(base + "/notes?order=asc&offset=1&limit=2").Json();
  ASSERT_EQ(oldest["items"].size(), 2u);
  EXPECT_EQ(oldest["items"][0]["note_id"], "n2");
  EXPECT_EQ(oldest["items"][1]["text"], "note 3");
  json all = Get(base + "/notes?limit=1000").Json();
  EXPECT_EQ(all["items"].size(), 26u);
  // As at a position: the notes written by then.
  const std::uint64_t at = newest["items"][1]["position"].get<std::uint64_t>();
  json then = Get(base + "/notes?at_position=" + std::to_string(at)).Json();
  EXPECT_EQ(then["total"], 25);
  EXPECT_EQ(then["items"][0]["note_id"], "n25");
  EXPECT_TRUE(IsProblem(Get(base + "/notes?order=sideways"), 422, "order"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/deliverables/nope/notes"), 404));

  // The newest history page asked again is the same bytes (answered from
  // memory); after a note it is the new page at once.
  const std::string page = Get(base + "/history?order=desc&limit=2").body;
  EXPECT_EQ(Get(base + "/history?order=desc&limit=2").body, page);
  Must(base + "/add-progress-note", {{"note_date", "2024-09-03"}, {"text", "note 27"}}, tok().editor);
  json after = Get(base + "/history?order=desc&limit=2").Json();
  EXPECT_EQ(after["total"], json::parse(page)["total"].get<int>() + 1);
  EXPECT_EQ(after["items"][1], json::parse(page)["items"][0]);
  EXPECT_NE(after["items"][0].dump().find("note 27"), std::string::npos) << after.dump();
}

TEST_F(RestTest, MeetingLifecycleRecordsQuorumAndPublishesACheckpoint) {
  World w = BuildWorld(*this);
  const std::string& sec = tok().secretary;
  const std::string today = TodayOf(srv());
  std::string meeting = Create("meetings",
                               {{"group_id", w.group_in}, {"title", "Imaging SIG"}, {"scheduled_for", today},
                                {"location", "Room 1"}},
                               sec);
  const std::string base = "/api/v1/meetings/" + meeting;
  Must(base + "/open", json::object(), sec);
  Must(base + "/record-attendance", {{"person_id", w.chair}, {"attendance", "present"}}, sec);
  Must(base + "/record-attendance", {{"person_id", w.member}, {"attendance", "present"}}, sec);
  Must(base + "/record-attendance", {{"person_id", w.outsider}, {"attendance", "apologies"}}, sec);
  Must(base + "/record-decision",
       {{"text", "Accept the turnaround plan"}, {"links", {{{"kind", "deliverable"}, {"id", w.deliverable_in}}}}},
       sec);
  Must(base + "/raise-action",
       {{"text", "Report back"}, {"owner_person_id", w.member}, {"due_date", "2030-01-31"}}, sec);
  EXPECT_EQ(Get("/api/v1/audit/checkpoint").status, 404);
  Must(base + "/close", json::object(), sec);

  json m = Get(base).Json();
  EXPECT_EQ(m["status"], "closed");
  ASSERT_TRUE(m["quorum"].is_object()) << m.dump();
  EXPECT_EQ(m["quorum"]["quorate"], true);
  EXPECT_EQ(m["quorum"]["chair_present"], true);
  EXPECT_EQ(m["quorum"]["present_members"], 2);
  ASSERT_EQ(m["decisions"].size(), 1u);
  ASSERT_EQ(m["actions"].size(), 1u);

  // Closing the meeting published a checkpoint covering the close.
  HttpReply cp = Get("/api/v1/audit/checkpoint");
  ASSERT_EQ(cp.status, 200) << cp.body;
  EXPECT_EQ(cp.Json()["tree_size"], Head());

  // Actions and attendance.
  json actions = Get("/api/v1/actions").Json()["items"];
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["meeting_id"], meeting);
  EXPECT_EQ(actions[0]["group_id"], w.group_in);
  EXPECT_EQ(actions[0]["text"], "Report back");
  EXPECT_EQ(Get("/api/v1/actions?owner=" + w.chair).Json()["items"].size(), 0u);
  EXPECT_EQ(Get("/api/v1/actions?owner=" + w.member).Json()["items"].size(), 1u);
  EXPECT_EQ(Get("/api/v1/actions?due_before=2029-01-01").Json()["items"].size(), 0u);
  json att = Get("/api/v1/people/" + w.outsider + "/attendance").Json()["items"];
  ASSERT_EQ(att.size(), 1u);
  EXPECT_EQ(att[0]["meeting_id"], meeting);
  EXPECT_EQ(att[0]["attendance"], "apologies");
  EXPECT_EQ(Get("/api/v1/people/" + w.chair + "/attendance").Json()["items"][0]["attendance"], "present");
  // A page at a time, in words.
  json page = Get("/api/v1/people/" + w.outsider + "/attendance?limit=1").Json();
  EXPECT_EQ(page["total"], 1);
  EXPECT_EQ(page["limit"], 1);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["group_name"], "Imaging SIG");
  EXPECT_TRUE(page["items"][0]["meeting"].get<std::string>().starts_with("the Imaging SIG meeting of ")) << page.dump();
  EXPECT_EQ(Get("/api/v1/people/" + w.outsider + "/attendance?offset=1").Json()["items"].size(), 0u);
  EXPECT_EQ(Get("/api/v1/people/" + w.outsider + "/attendance?limit=1001").status, 422);
}

TEST_F(RestTest, DocumentUploadApproveDownloadAndReviewDue) {
  World w = BuildWorld(*this);
  std::string doc = Create("documents",
                           {{"title", "Imaging protocol"}, {"document_numbers", {"IN-601"}}, {"owner", "Ada"},
                            {"review_interval_months", 12}},
                           tok().editor);
  // Content that is not JSON (NULs and high bytes), sent as a PDF.
  std::string content = "%PDF-1.7\n";
  for (int i = 0; i < 3000; ++i) content.push_back(static_cast<char>(i * 7 % 256));
  HttpReply up = Send(srv().port(), "POST",
                      "/api/v1/documents/" + doc + "/versions?version_label=1.0&summary=first%20issue",
                      tok().editor, content, {{"Content-Type", "application/pdf"}});
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.Header("X-Content-SHA256"), storage::HexEncode(storage::Sha256(content)));
  EXPECT_EQ(up.Header("Location"), "/api/v1/documents/" + doc);

  json d = Get("/api/v1/documents/" + doc).Json();
  ASSERT_EQ(d["versions"].size(), 1u);
  const std::string version = d["versions"][0]["version_id"];
  EXPECT_EQ(d["versions"][0]["status"], "draft");
  EXPECT_EQ(d["versions"][0]["media_type"], "application/pdf");
  EXPECT_EQ(d["versions"][0]["size_bytes"], content.size());
  EXPECT_EQ(d["versions"][0]["summary"], "first issue");

  const std::string today = TodayOf(srv());
  Must("/api/v1/documents/" + doc + "/approve-version",
       {{"version_id", version}, {"approving_group_id", w.group_in}, {"date_adopted", today},
        {"review_date", today}},
       tok().editor);
  d = Get("/api/v1/documents/" + doc).Json();
  EXPECT_EQ(d["in_force_version_id"], version);
  EXPECT_EQ(d["versions"][0]["status"], "in-force");

  HttpReply down = Get("/api/v1/documents/" + doc + "/versions/" + version + "/content");
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, content);  // byte-identical
  EXPECT_EQ(down.Header("Content-Type"), "application/pdf");
  EXPECT_EQ(down.Header("X-Content-SHA256"), storage::HexEncode(storage::Sha256(content)));
  EXPECT_EQ(down.Header("Content-Disposition"),
            "attachment; filename=\"IN-601 Imaging protocol v1.0.pdf\"; "
            "filename*=UTF-8''IN-601%20Imaging%20protocol%20v1.0.pdf")
      << "named by number, title and version, with the extension of its type";

  json due = Get("/api/v1/documents/review-due").Json()["items"];
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]["id"], doc);
  EXPECT_EQ(due[0]["review_state"], "due");
  EXPECT_EQ(Get("/api/v1/documents/review-due?limit=1").Json()["total"], 1);
  EXPECT_EQ(Get("/api/v1/documents/review-due?offset=1").Json()["items"].size(), 0u);
  EXPECT_EQ(Get("/api/v1/documents/review-due?limit=0").status, 422);
  EXPECT_EQ(Get("/api/v1/documents").Json()["total"], 1);

  // A second draft by JSON naming the uploaded content's hash.
  Must("/api/v1/documents/" + doc + "/add-draft-version",
       {{"version_label", "1.1"}, {"content_sha256", storage::HexEncode(storage::Sha256(content))},
        {"media_type", "application/pdf"}},
       tok().editor);
  EXPECT_EQ(Get("/api/v1/documents/" + doc).Json()["versions"].size(), 2u);
}

TEST_F(RestTest, QsinStatementsSelfAssessmentAndCoverage) {
  World w = BuildWorld(*this);
  json s = Get("/api/v1/qsin/statements/" + w.qsin_code).Json();
  EXPECT_EQ(s["code"], w.qsin_code);
  EXPECT_EQ(s["title"], "Governance");
  Create("qsin/statements", {{"code", "IN-701"}, {"title", "Training"}, {"edition", "2023"}}, tok().editor);
  Must("/api/v1/qsin/statements/" + w.qsin_code + "/record-self-assessment",
       {{"outcome", "partly-met"}, {"assessor_person_id", w.chair}, {"assessed_on", "2024-10-01"},
        {"comment", "most in place"}},
       tok().editor);
  s = Get("/api/v1/qsin/statements/" + w.qsin_code).Json();
  ASSERT_EQ(s["assessments"].size(), 1u);
  EXPECT_EQ(s["latest_assessment"]["outcome"], "partly-met");
  EXPECT_EQ(Get("/api/v1/qsin/statements").Json()["total"], 2);

  json cov = Get("/api/v1/qsin/coverage").Json();
  EXPECT_EQ(cov["gaps"], json::array({"IN-701"}));
  bool saw = false;
  for (const auto& st : cov["statements"]) {
    if (st["code"] != w.qsin_code) continue;
    saw = true;
    EXPECT_EQ(st["deliverables"], json::array({w.deliverable_in}));
    EXPECT_EQ(st["self_assessment"]["outcome"], "partly-met");
    EXPECT_EQ(st["has_evidence"], true);
  }
  EXPECT_TRUE(saw) << cov.dump();
  json only = Get("/api/v1/qsin/coverage?codes=IN-701").Json();
  ASSERT_EQ(only["statements"].size(), 1u);
  EXPECT_EQ(only["statements"][0]["code"], "IN-701");
}

TEST_F(RestTest, SessionSaysWhoTheCallerIsAndWhatTheyMayDo) {
  json viewer = Get("/api/v1/session", tok().viewer).Json();
  EXPECT_EQ(viewer["role"], "viewer");
  EXPECT_EQ(viewer["permissions"]["read"], true);
  EXPECT_EQ(viewer["permissions"]["edit_programme_content"], false);
  EXPECT_EQ(viewer["permissions"]["run_meeting"], false);
  EXPECT_TRUE(viewer["group_scope"].is_null());
  json secretary = Get("/api/v1/session", tok().secretary).Json();
  EXPECT_EQ(secretary["permissions"]["run_meeting"], true);
  EXPECT_EQ(secretary["permissions"]["edit_programme_content"], false);
  json admin = Get("/api/v1/session", tok().admin).Json();
  EXPECT_EQ(admin["role"], "admin");
  EXPECT_EQ(admin["permissions"]["manage_tokens"], true);
  EXPECT_EQ(admin.dump().find("secret"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/session", "").status, 401);
}

TEST_F(RestTest, TokenEventsAreRedactedForAllButAdmins) {
  json as_admin = Get("/api/v1/events?stream_prefix=token-&limit=100", tok().admin).Json();
  ASSERT_FALSE(as_admin["items"].empty());
  for (const auto& e : as_admin["items"]) {
    EXPECT_TRUE(e.contains("data")) << e.dump();
    EXPECT_FALSE(e.contains("redacted"));
  }
  const std::string stream = as_admin["items"][0]["stream_id"];
  for (const std::string& who : {tok().viewer, tok().editor, tok().assessor}) {
    json page = Get("/api/v1/events?stream_prefix=token-&limit=100", who).Json();
    ASSERT_EQ(page["items"].size(), as_admin["items"].size());
    for (std::size_t i = 0; i < page["items"].size(); ++i) {
      const json& e = page["items"][i];
      EXPECT_FALSE(e.contains("data")) << e.dump();
      EXPECT_FALSE(e.contains("metadata")) << e.dump();
      EXPECT_TRUE(e.contains("redacted"));
      EXPECT_EQ(e["position"], as_admin["items"][i]["position"]);
      EXPECT_EQ(e["hash"], as_admin["items"][i]["hash"]);
    }
    json one = Get("/api/v1/streams/" + stream, who).Json();
    ASSERT_FALSE(one["items"].empty());
    EXPECT_FALSE(one["items"][0].contains("data"));
    EXPECT_FALSE(Get("/api/v1/events?from=1&limit=1000", who).body.find("secret_sha256") != std::string::npos);
  }
  EXPECT_TRUE(Get("/api/v1/streams/" + stream, tok().admin).Json()["items"][0].contains("data"));
}

TEST_F(RestTest, EventsStreamsAndChainVerification) {
  World w = BuildWorld(*this);
  HttpReply all = Get("/api/v1/events?from=1&limit=5");
  ASSERT_EQ(all.status, 200) << all.body;
  json page = all.Json();
  ASSERT_EQ(page["items"].size(), 5u);
  EXPECT_EQ(page["items"][0]["position"], 1);
  EXPECT_EQ(page["next"], 6);
  EXPECT_EQ(page["end_of_log"], false);
  EXPECT_EQ(page["head"], Head());
  json rest = Get("/api/v1/events?from=6&limit=1000").Json();
  EXPECT_EQ(rest["end_of_log"], true);
  EXPECT_EQ(rest["items"].size() + 5, Head());
  json typed = Get("/api/v1/events?type=DeliverableCreated&limit=100").Json();
  ASSERT_EQ(typed["items"].size(), 2u);
  for (const auto& e : typed["items"]) EXPECT_EQ(e["type"], "DeliverableCreated");
  json prefixed = Get("/api/v1/events?stream_prefix=deliverable-&limit=100").Json();
  for (const auto& e : prefixed["items"]) {
    EXPECT_EQ(e["stream_id"].get<std::string>().rfind("deliverable-", 0), 0u);
  }

  const std::string stream = "deliverable-" + w.deliverable_in;
  HttpReply st = Get("/api/v1/streams/" + stream);
  ASSERT_EQ(st.status, 200) << st.body;
  json events = st.Json()["items"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "DeliverableCreated");
  EXPECT_EQ(events[0]["data"]["title"], "Reporting turnaround");
  EXPECT_FALSE(events[0]["metadata"]["actor"].get<std::string>().empty());
  Must("/api/v1/deliverables/" + w.deliverable_in + "/change-ragb", {{"ragb", "amber"}, {"reason", "r"}},
       tok().editor);
  json back = Get("/api/v1/streams/" + stream + "?direction=backwards&limit=1").Json()["items"];
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]["type"], "DeliverableRagbChanged");

  json v = Get("/api/v1/audit/verify").Json();
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["checked"], Head());
  EXPECT_TRUE(v["first_bad_position"].is_null());
}

TEST_F(RestTest, CheckpointsAndMerkleProofsVerify) {
  BuildWorld(*this);
  HttpReply key = Send(srv().port(), "GET", "/api/v1/audit/public-key", "");  // public
  ASSERT_EQ(key.status, 200) << key.body;
  EXPECT_EQ(key.Json()["algorithm"], "Ed25519");
  EXPECT_EQ(key.Json()["public_key"].get<std::string>().size(), 64u);

  EXPECT_EQ(Get("/api/v1/audit/checkpoint").status, 404);
  const std::uint64_t first_size = Head();
  HttpReply posted = Post("/api/v1/audit/checkpoint", json::object(), tok().editor);
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_EQ(posted.Json()["tree_size"], first_size);
  EXPECT_EQ(Head(), first_size);  // a checkpoint is not an event
  HttpReply got = Get("/api/v1/audit/checkpoint");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Json(), posted.Json());
  // Signed by the key the server publishes.
  EXPECT_EQ(got.Json()["public_key"], key.Json()["public_key"]);
  auto checkpoint = api::CheckpointFromJson(got.Json());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
  EXPECT_TRUE(api::VerifyCheckpointSignature(*checkpoint));
  checkpoint->tree_size += 1;
  EXPECT_FALSE(api::VerifyCheckpointSignature(*checkpoint));

  Create("people", {{"name", "Dee Later"}}, tok().editor);
  const std::uint64_t n = Head();
  ASSERT_GT(n, first_size);
  for (std::uint64_t pos : {std::uint64_t{1}, first_size, n}) {
    HttpReply r = Get("/api/v1/audit/proof/inclusion?position=" + std::to_string(pos));
    ASSERT_EQ(r.status, 200) << r.body;
    json p = r.Json();
    EXPECT_EQ(p["tree_size"], n);
    EXPECT_EQ(p["leaf_index"], pos - 1);
    std::vector<storage::Hash256> path;
    for (const auto& h : p["audit_path"]) path.push_back(*storage::HexDecodeHash(h.get<std::string>()));
    auto leaf = *storage::HexDecodeHash(p["leaf_hash"].get<std::string>());
    auto root = *storage::HexDecodeHash(p["root_hash"].get<std::string>());
    EXPECT_TRUE(storage::VerifyMerkleInclusion(pos - 1, n, leaf, path, root)) << p.dump();
    // A tampered leaf does not verify.
    leaf[0] ^= 1;
    EXPECT_FALSE(storage::VerifyMerkleInclusion(pos - 1, n, leaf, path, root));
  }
  HttpReply c = Get("/api/v1/audit/proof/consistency?from=" + std::to_string(first_size));
  ASSERT_EQ(c.status, 200) << c.body;
  json p = c.Json();
  EXPECT_EQ(p["to"], n);
  std::vector<storage::Hash256> proof;
  for (const auto& h : p["proof"]) proof.push_back(*storage::HexDecodeHash(h.get<std::string>()));
  auto r1 = *storage::HexDecodeHash(p["from_root"].get<std::string>());
  auto r2 = *storage::HexDecodeHash(p["to_root"].get<std::string>());
  EXPECT_TRUE(storage::VerifyMerkleConsistency(first_size, n, r1, r2, proof));
  // The earlier root is the one the checkpoint signed.
  EXPECT_EQ(posted.Json()["root_hash"], p["from_root"]);
  r2[0] ^= 1;
  EXPECT_FALSE(storage::VerifyMerkleConsistency(first_size, n, r1, r2, proof));
}

TEST_F(RestTest, OpenApiListsEveryRegisteredRoute) {
  HttpReply r = Send(srv().port(), "GET", "/api/v1/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  json doc = r.Json();
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.1", 0), 0u);
  std::size_t routes = 0;
  for (const auto& route : srv().app().router().routes()) {
    ++routes;
    std::string method = route->method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(doc["paths"].contains(route->path_template)) << route->path_template;
    EXPECT_TRUE(doc["paths"][route->path_template].contains(method))
        << route->method << " " << route->path_template;
  }
  EXPECT_GT(routes, 40u);  // the REST routes are installed, not only the built-in ones
}

// The open actions come a page at a time, soonest due first, with the
// meeting, group and owner named in words and the number in all.
TEST_F(RestTest, OpenActionsComeAPageAtATimeSoonestFirstInWords) {
  World w = BuildWorld(*this);
  const std::string& sec = tok().secretary;
  const std::string meeting = Create(
      "meetings", {{"group_id", w.group_in}, {"title", "Board"}, {"scheduled_for", TodayOf(srv())}}, sec);
  const std::string base = "/api/v1/meetings/" + meeting;
  Must(base + "/open", json::object(), sec);
  for (const auto& [owner, due] : std::vector<std::pair<std::string, std::string>>{
           {w.member, "2030-03-01"}, {w.chair, "2030-01-15"}, {w.member, "2030-02-01"}, {w.chair, "2030-01-20"}}) {
    Must(base + "/raise-action", {{"text", "Due " + due}, {"owner_person_id", owner}, {"due_date", due}}, sec);
  }
  Must(base + "/close-action", {{"action_id", "a4"}, {"closure_evidence", "done"}}, sec);
  Must(base + "/close", json::object(), sec);

  json first = Get("/api/v1/actions?limit=2").Json();
  EXPECT_EQ(first["total"], 3);
  EXPECT_EQ(first["offset"], 0);
  EXPECT_EQ(first["limit"], 2);
  ASSERT_EQ(first["items"].size(), 2u) << first.dump();
  EXPECT_EQ(first["items"][0]["due_date"], "2030-01-15");
  EXPECT_EQ(first["items"][1]["due_date"], "2030-02-01");
  const json& a = first["items"][0];
  EXPECT_EQ(a["action_id"], "a2");
  EXPECT_EQ(a["text"], "Due 2030-01-15");
  EXPECT_EQ(a["meeting_id"], meeting);
  EXPECT_TRUE(a["meeting"].get<std::string>().starts_with("the Board meeting of ")) << a.dump();
  EXPECT_EQ(a["group_name"], "Imaging SIG");
  EXPECT_EQ(a["owner"], "Ada Chair (North Trust)");
  EXPECT_EQ(a["overdue"], false);
  json rest = Get("/api/v1/actions?limit=2&offset=2").Json();
  EXPECT_EQ(rest["total"], 3);
  ASSERT_EQ(rest["items"].size(), 1u);
  EXPECT_EQ(rest["items"][0]["due_date"], "2030-03-01");
  EXPECT_EQ(Get("/api/v1/actions?offset=3").Json()["items"].size(), 0u);
  json mine = Get("/api/v1/actions?owner=" + w.member + "&due_before=2030-02-15").Json();
  EXPECT_EQ(mine["total"], 1);
  EXPECT_EQ(mine["items"][0]["owner"], "Ben Member (North Trust)");
  for (const char* bad : {"limit=0", "limit=1001", "offset=-1", "limit=x"}) {
    EXPECT_EQ(Get(std::string("/api/v1/actions?") + bad).status, 422) << bad;
  }
}

}  // namespace
}  // namespace assure::rest_test
