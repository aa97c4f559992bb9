// Issue 16, "Domain rules": whole appends at a position, dates adopted,
// business dates beside recorded time, checked references and scopes, and a
// meeting's quorum so far with its non-member attendees.
#include "api/core/history.h"
#include "storage/codec.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class DomainRulesTest : public RestTest {
 protected:
  // A registered document with `versions` drafts uploaded ("1", "2", ...).
  std::string DocumentWithDrafts(int versions) {
    std::string doc = Create("documents", {{"title", "WMIN Strategy"}, {"document_numbers", {"IN-601"}}},
                             tok().editor);
    for (int i = 1; i <= versions; ++i) {
      HttpReply up = Send(srv().port(), "POST",
                          "/api/v1/documents/" + doc + "/versions?version_label=" + std::to_string(i),
                          tok().editor, "content of version " + std::to_string(i), {{"Content-Type", "text/plain"}});
      EXPECT_EQ(up.status, 201) << up.body;
    }
    return doc;
  }
  json Approve(const std::string& doc, const std::string& version, const std::string& group,
               const std::string& adopted, int status = 200) {
    return Must("/api/v1/documents/" + doc + "/approve-version",
                {{"version_id", version}, {"approving_group_id", group}, {"date_adopted", adopted}},
                tok().editor, status);
  }
};

int InForceCount(const json& doc) {
  int n = 0;
  for (const auto& v : doc["versions"]) n += v["status"] == "in-force" ? 1 : 0;
  return n;
}

// An approval appends VersionApproved and VersionSuperseded in one append; a
// read at the position between them showed two versions in force.
TEST_F(DomainRulesTest, ReadAtAPositionInsideAnAppendSnapsToTheWholeAppend) {
  World w = BuildWorld(*this);
  const std::string doc = DocumentWithDrafts(2);
  Approve(doc, "v1", w.group_in, "2023-05-24");
  const std::uint64_t before = Head();
  json r = Approve(doc, "v2", w.group_in, "2024-05-24");
  ASSERT_EQ(r["events_written"], 2);
  ASSERT_EQ(Head(), before + 2);
  const std::string middle = std::to_string(before + 1);  // VersionApproved of v2 only

  json d = Get("/api/v1/documents/" + doc + "?at_position=" + middle).Json();
  EXPECT_EQ(InForceCount(d), 1) << d.dump();
  EXPECT_EQ(d["in_force_version_id"], "v1");  // the log before the approval
  EXPECT_EQ(d["position"], before);
  // The list (the network model folded to the position) says the same.
  json list = Get("/api/v1/documents?at_position=" + middle).Json();
  EXPECT_EQ(list["position"], before);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(InForceCount(list["items"][0]), 1);
  // The end of the append is whole.
  d = Get("/api/v1/documents/" + doc + "?at_position=" + std::to_string(before + 2)).Json();
  EXPECT_EQ(InForceCount(d), 1);
  EXPECT_EQ(d["in_force_version_id"], "v2");
  // The events say where the append began.
  json events = Get("/api/v1/events?from=" + std::to_string(before + 1) + "&limit=2", tok().admin).Json();
  ASSERT_EQ(events["items"].size(), 2u) << events.dump();
  EXPECT_EQ(events["items"][0]["metadata"]["causation_id"], "");
  EXPECT_EQ(events["items"][1]["metadata"]["causation_id"],
            "controlled_document-" + doc + "@" + events["items"][0]["stream_version"].dump());
}

// A new deliverable and its programme's listing are one append too.
TEST_F(DomainRulesTest, NewDeliverableAndItsListingAreSeenTogether) {
  World w = BuildWorld(*this);
  const std::uint64_t before = Head();
  const std::string id = Create("deliverables", {{"programme_id", w.programme_in}, {"title", "Audit"}}, tok().editor);
  ASSERT_EQ(Head(), before + 2);
  EXPECT_EQ(Get("/api/v1/deliverables/" + id + "?at_position=" + std::to_string(before + 1)).status, 404);
  json p = Get("/api/v1/programmes/" + w.programme_in + "?at_position=" + std::to_string(before + 2)).Json();
  EXPECT_NE(p.dump().find(id), std::string::npos);
}

// v1 adopted 2023-05-24, then v2 approved as adopted 2023-01-01: refused.
TEST_F(DomainRulesTest, BackdatedApprovalIsRefusedNamingTheDate) {
  World w = BuildWorld(*this);
  const std::string doc = DocumentWithDrafts(2);
  Approve(doc, "v1", w.group_in, "2023-05-24");
  const std::uint64_t head = Head();
  HttpReply r = Post("/api/v1/documents/" + doc + "/approve-version",
                     {{"version_id", "v2"}, {"approving_group_id", w.group_in}, {"date_adopted", "2023-01-01"}},
                     tok().editor);
  EXPECT_TRUE(IsProblem(r, 422, "date_adopted")) << r.body;
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Get("/api/v1/documents/" + doc).Json()["in_force_version_id"], "v1");
}

// Approvals back-filled today for years past: "in force on" a date asks the
// dates adopted; as_of asks what the record said then (it was empty).
TEST_F(DomainRulesTest, InForceOnABusinessDateBesideTheRecordAsOf) {
  World w = BuildWorld(*this);
  const std::string doc = DocumentWithDrafts(2);
  Approve(doc, "v1", w.group_in, "2021-03-01");
  Approve(doc, "v2", w.group_in, "2023-05-24");
  const std::string base = "/api/v1/documents/" + doc;

  HttpReply r = Get(base + "/in-force?on=2022-06-30");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["version"]["version_id"], "v1");
  EXPECT_EQ(r.Json()["version"]["status"], "superseded");  // now; in force then
  EXPECT_EQ(Get(base + "/in-force?on=2023-05-24").Json()["version"]["version_id"], "v2");
  EXPECT_TRUE(IsProblem(Get(base + "/in-force?on=2021-02-28"), 404, "on"));
  EXPECT_TRUE(IsProblem(Get(base + "/in-force?on=last%20year"), 422, "on"));
  // The recorded axis: nothing was recorded by 2022.
  EXPECT_TRUE(IsProblem(Get(base + "?as_of=2022-06-30"), 404, "id"));
  EXPECT_TRUE(IsProblem(Get(base + "/in-force?on=2022-06-30&as_of=2022-06-30"), 404, "id"));
}

// A decision's links, a self-assessment's assessor and a programme's listed
// deliverable name existing entities; a scoped editor lists only its own.
TEST_F(DomainRulesTest, ReferencesAndScopesAreChecked) {
  World w = BuildWorld(*this);
  const std::string meeting = Create("meetings",
                                     {{"group_id", w.group_in}, {"title", "SIG"}, {"scheduled_for", "2024-06-01"}},
                                     tok().secretary);
  Must("/api/v1/meetings/" + meeting + "/open", json::object(), tok().secretary);
  const std::uint64_t head = Head();
  EXPECT_TRUE(IsProblem(Post("/api/v1/meetings/" + meeting + "/record-decision",
                             {{"text", "Approved"}, {"links", {{{"kind", "deliverable"}, {"id", "nonesuch"}}}}},
                             tok().secretary),
                        422, "links[0].id"));
  const std::string doc = DocumentWithDrafts(1);
  const std::uint64_t after_doc = Head();
  EXPECT_TRUE(IsProblem(Post("/api/v1/meetings/" + meeting + "/record-decision",
                             {{"text", "Approved"},
                              {"links", {{{"kind", "deliverable"}, {"id", w.deliverable_in}},
                                         {{"kind", "document-version"}, {"id", doc}, {"version_id", "v9"}}}}},
                             tok().secretary),
                        422, "links[1].version_id"));
  EXPECT_TRUE(IsProblem(Post("/api/v1/qsin/statements/" + w.qsin_code + "/record-self-assessment",
                             {{"outcome", "met"}, {"assessor_person_id", "nobody"}, {"assessed_on", "2024-10-01"}},
                             tok().editor),
                        422, "assessor_person_id"));
  EXPECT_TRUE(IsProblem(Post("/api/v1/programmes/" + w.programme_in + "/add-deliverable",
                             {{"deliverable_id", "nonesuch"}}, tok().editor),
                        422, "deliverable_id"));
  EXPECT_TRUE(IsProblem(Post("/api/v1/programmes/" + w.programme_in + "/add-deliverable",
                             {{"deliverable_id", w.deliverable_out}}, tok().scoped_editor),
                        403));
  EXPECT_TRUE(IsProblem(Post("/api/v1/groups/" + w.group_in + "/set-terms-of-reference",
                             {{"document_id", "nonesuch"}}, tok().editor),
                        422, "document_id"));
  EXPECT_TRUE(IsProblem(Post("/api/v1/documents/" + doc + "/approve-version",
                             {{"version_id", "v1"}, {"approving_group_id", w.group_in}, {"date_adopted", "2024-06-01"},
                              {"meeting_decision_id", meeting + "/d7"}},
                             tok().editor),
                        422, "meeting_decision_id"));
  EXPECT_EQ(Head(), after_doc);
  EXPECT_GT(after_doc, head);
  // The same with real references is accepted.
  Must("/api/v1/meetings/" + meeting + "/record-decision",
       {{"text", "Approved"},
        {"links", {{{"kind", "deliverable"}, {"id", w.deliverable_in}},
                   {{"kind", "document-version"}, {"id", doc}, {"version_id", "v1"}}}}},
       tok().secretary);
  Must("/api/v1/qsin/statements/" + w.qsin_code + "/record-self-assessment",
       {{"outcome", "met"}, {"assessor_person_id", w.chair}, {"assessed_on", "2024-10-01"}}, tok().editor);
  Must("/api/v1/documents/" + doc + "/approve-version",
       {{"version_id", "v1"}, {"approving_group_id", w.group_in}, {"date_adopted", "2024-06-01"},
        {"meeting_decision_id", meeting + "/d1"}},
       tok().editor);
  Must("/api/v1/groups/" + w.group_in + "/set-terms-of-reference", {{"document_id", doc}}, tok().editor);
}

// Quorum as it stands while the meeting is open; an attendee whose
// membership has ended is accepted, flagged and not counted.
TEST_F(DomainRulesTest, QuorumSoFarAndAttendeesWhoAreNotMembers) {
  World w = BuildWorld(*this);
  json g = Get("/api/v1/groups/" + w.group_in).Json();
  std::string member_ship;
  for (const auto& m : g["memberships"]) {
    if (m["person_id"] == w.member) member_ship = m["membership_id"];
  }
  ASSERT_FALSE(member_ship.empty()) << g.dump();
  Must("/api/v1/groups/" + w.group_in + "/end-membership",
       {{"membership_id", member_ship}, {"end_date", "2023-12-31"}, {"reason", "left the trust"}}, tok().admin);
  const std::string meeting = Create("meetings",
                                     {{"group_id", w.group_in}, {"title", "SIG"}, {"scheduled_for", "2024-06-01"}},
                                     tok().secretary);
  const std::string path = "/api/v1/meetings/" + meeting;
  Must(path + "/open", json::object(), tok().secretary);
  json chair = Must(path + "/record-attendance", {{"person_id", w.chair}, {"attendance", "present"}}, tok().secretary);
  EXPECT_FALSE(chair.contains("warnings")) << chair.dump();
  json ended = Must(path + "/record-attendance", {{"person_id", w.member}, {"attendance", "present"}},
                    tok().secretary);
  ASSERT_TRUE(ended.contains("warnings")) << ended.dump();
  EXPECT_NE(ended["warnings"][0].get<std::string>().find("Ben Member is not a member of Imaging SIG on 2024-06-01"),
            std::string::npos)
      << ended.dump();

  json m = Get(path).Json();
  EXPECT_TRUE(m["quorum"].is_null());  // recorded only at close
  ASSERT_TRUE(m["quorum_so_far"].is_object()) << m.dump();
  EXPECT_EQ(m["quorum_so_far"]["counted_members"], 1);  // the chair alone is a member on the day
  EXPECT_EQ(m["quorum_so_far"]["present_members"], 1);
  EXPECT_EQ(m["quorum_so_far"]["required"], 2);          // min_present 2
  EXPECT_EQ(m["quorum_so_far"]["quorate"], false);
  EXPECT_EQ(m["non_member_attendees"], json::array({w.member}));
  for (const auto& a : m["attendance"]) EXPECT_EQ(a["member_on_date"], a["person_id"] == w.chair) << a.dump();
  // The list says the same.
  json list = Get("/api/v1/meetings").Json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["quorum_so_far"], m["quorum_so_far"]);
  // And the close records what the reads showed.
  Must(path + "/close", json::object(), tok().secretary);
  EXPECT_EQ(Get(path).Json()["quorum"]["present_members"], 1);
}

}  // namespace
}  // namespace assure::rest_test
