// A token names the person who holds it: the events it causes record that
// person ("person-<id>") as the actor, and history shows their name and
// organisation — the new name after a change, "erased person" after an
// erasure. Tokens issued before (no person) are shown by their label.
#include <chrono>
#include <thread>

#include "api/rest/subject_access.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class RestActorNamesTest : public RestWorldTest {
 protected:
  // A token of `person_id` with `role`; its secret.
  std::string TokenOf(const std::string& person_id, const std::string& role) {
    json issued = Must("/api/v1/tokens", {{"person_id", person_id}, {"role", role}}, tok().admin, 201);
    EXPECT_EQ(issued["person_id"], person_id);
    EXPECT_EQ(issued["name"], "");
    return issued["token"].get<std::string>();
  }
  json NewestChange(const std::string& deliverable) {
    json page = Get("/api/v1/deliverables/" + deliverable + "/history?order=desc&limit=1").Json();
    EXPECT_EQ(page["items"].size(), 1u) << page.dump();
    return page["items"].empty() ? json::object() : page["items"][0];
  }
};

// A deliverable's owner linked to a person (issue 18) is named by the
// person's current name in every read - one, the list, as at a position,
// the export - and "erased person" after erasure; the link must name a person.
TEST_F(RestActorNamesTest, ALinkedOwnerIsNamedByThePersonInEveryRead) {
  const std::string d = "/api/v1/deliverables/" + w_.deliverable_in;
  HttpReply unknown = Post(d + "/edit", {{"owner_person_id", "nobody"}}, tok().admin);
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(unknown.Json()["field"], "owner_person_id");
  Must(d + "/edit", {{"owner_person_id", w_.chair}}, tok().admin);
  const std::string at = std::to_string(Head());
  auto owner_everywhere = [&](const std::string& name) {
    json one = Get(d).Json();
    EXPECT_EQ(one["owner"], name) << one.dump();
    EXPECT_EQ(one["owner_person_id"], w_.chair);
    EXPECT_EQ(Get(d + "?at_position=" + at).Json()["owner"], name);
    json list = Get("/api/v1/deliverables?programme_id=" + w_.programme_in + "&owner=" +
                    (name == "Ada Chair" ? "ada" : "erased"))
                    .Json();
    ASSERT_EQ(list["items"].size(), 1u) << list.dump();
    EXPECT_EQ(list["items"][0]["owner"], name);
    HttpReply csv = Get("/api/v1/programmes/" + w_.programme_in + "/export?format=csv");
    EXPECT_NE(csv.body.find(name), std::string::npos) << csv.body;
    // History names the person the link names (the change itself holds the id).
    json linked = NewestChange(w_.deliverable_in);
    const json* link = nullptr;
    for (const auto& c : linked["changes"]) {
      if (c["field"] == "owner_person_id") link = &c;
    }
    ASSERT_NE(link, nullptr) << linked.dump();
    EXPECT_EQ((*link)["to"], w_.chair);
    EXPECT_EQ(linked["people"][w_.chair], name == "Ada Chair" ? "Ada Chair (North Trust)" : name);
  };
  owner_everywhere("Ada Chair");
  Must("/api/v1/people/" + w_.chair + "/erase", {{"reason", "subject's request"}}, tok().admin);
  owner_everywhere("erased person");
  EXPECT_EQ(Get(d).body.find("Ada"), std::string::npos);
}

TEST_F(RestActorNamesTest, ATokensPersonIsTheActorAndHistoryShowsTheirName) {
  const std::string ada = TokenOf(w_.chair, "editor");
  HttpReply session = Get("/api/v1/session", ada);
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_EQ(session.Json()["person_id"], w_.chair);
  EXPECT_EQ(session.Json()["actor"], "person-" + w_.chair);
  EXPECT_EQ(session.Json()["actor_name"], "Ada Chair (North Trust)") << "the header says who is signed in";

  Must("/api/v1/deliverables/" + w_.deliverable_in + "/change-ragb", {{"ragb", "amber"}, {"reason", "supplier delay"}},
       ada);
  json change = NewestChange(w_.deliverable_in);
  EXPECT_EQ(change["actor"], "person-" + w_.chair);
  EXPECT_EQ(change["actor_name"], "Ada Chair (North Trust)");
  json events = Get("/api/v1/events?from=" + std::to_string(Head()) + "&limit=1", tok().admin).Json();
  ASSERT_EQ(events["items"].size(), 1u) << events.dump();
  EXPECT_EQ(events["items"][0]["metadata"]["actor_name"], "Ada Chair (North Trust)");

  // The history page is cached; a new name is shown at once all the same.
  Must("/api/v1/people/" + w_.chair + "/update-details", {{"name", "Ada Chair-Jones"}}, tok().admin);
  EXPECT_EQ(NewestChange(w_.deliverable_in)["actor_name"], "Ada Chair-Jones (North Trust)");
  Must("/api/v1/organisations/" + w_.org + "/rename", {{"name", "North Trust FT"}}, tok().admin);
  EXPECT_EQ(NewestChange(w_.deliverable_in)["actor_name"], "Ada Chair-Jones (North Trust FT)");

  Must("/api/v1/people/" + w_.chair + "/erase", {{"reason", "subject's request"}}, tok().admin);
  json erased = NewestChange(w_.deliverable_in);
  EXPECT_EQ(erased["actor"], "person-" + w_.chair);
  EXPECT_EQ(erased["actor_name"], "erased person");
  // An erased person can no longer be named by a new token.
  HttpReply refused = Post("/api/v1/tokens", {{"person_id", w_.chair}, {"role", "viewer"}}, tok().admin);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.Json()["field"], "person_id");
}

TEST_F(RestActorNamesTest, ATokenWithoutAPersonIsShownByItsLabelAndABadPersonIsRefused) {
  Must("/api/v1/deliverables/" + w_.deliverable_in + "/change-ragb", {{"ragb", "red"}, {"reason", "r"}},
       tok().editor);
  json change = NewestChange(w_.deliverable_in);
  EXPECT_EQ(change["actor_name"], "editor holder (token)");
  EXPECT_NE(change["actor"], "editor holder (token)") << "the actor is the token's id";

  const std::uint64_t head = Head();
  for (const json& body : {json{{"person_id", "no-such-person"}, {"role", "editor"}},
                           json{{"person_id", 42}, {"role", "editor"}},
                           json{{"person_id", w_.org}, {"role", "editor"}}}) {
    HttpReply r = Post("/api/v1/tokens", body, tok().admin);
    EXPECT_EQ(r.status, 422) << body.dump() << " " << r.body;
    EXPECT_EQ(r.Json()["field"], "person_id") << body.dump();
  }
  HttpReply unnamed = Post("/api/v1/tokens", {{"role", "editor"}}, tok().admin);
  EXPECT_EQ(unnamed.status, 422) << unnamed.body;
  EXPECT_EQ(unnamed.Json()["field"], "name");
  EXPECT_EQ(Head(), head) << "a refused token writes nothing";
}

// History says who and what by name: the people, groups, meetings and
// documents a change refers to (not their ids), renamed at once, and
// "erased person" once a person's data is erased.
TEST_F(RestActorNamesTest, HistorySummariesNameThePeopleGroupsMeetingsAndDocumentsTheyReferTo) {
  auto newest = [&](const std::string& path) {
    json page = Get(path + "/history?order=desc&limit=1").Json();
    EXPECT_EQ(page["items"].size(), 1u) << page.dump();
    return page["items"].empty() ? std::string() : page["items"][0]["summary"].get<std::string>();
  };
  const std::string group = "/api/v1/groups/" + w_.group_in;
  EXPECT_EQ(newest(group).find(w_.chair), std::string::npos) << newest(group);

  json meeting = Must("/api/v1/meetings", {{"group_id", w_.group_in}, {"title", "SIG"}, {"scheduled_for", "2024-05-24"}},
                      tok().admin, 201);
  const std::string m = "/api/v1/meetings/" + meeting["id"].get<std::string>();
  Must(m + "/open", json::object(), tok().admin);
  Must(m + "/record-attendance", {{"person_id", w_.chair}, {"attendance", "present"}}, tok().admin);
  EXPECT_EQ(newest(m), "Attendance: Ada Chair (North Trust) Present");
  Must(m + "/record-decision", {{"text", "Strategy adopted"}}, tok().admin);
  Must("/api/v1/deliverables/" + w_.deliverable_in + "/link-evidence",
       {{"kind", "meeting-decision"}, {"target_id", meeting["id"]}, {"item_id", "d1"}}, tok().admin);
  EXPECT_EQ(newest("/api/v1/deliverables/" + w_.deliverable_in),
            "Evidence linked: decision 1 of the SIG meeting of 24 May 2024");

  json doc = Must("/api/v1/documents", {{"title", "WMIN Strategy"}, {"document_numbers", "IN-201"}, {"owner", "Director"},
                                        {"target_audience", "All"}, {"review_interval_months", 12}},
                  tok().admin, 201);
  const std::string d = "/api/v1/documents/" + doc["id"].get<std::string>();
  HttpReply up = Send(srv().port(), "POST", d + "/versions?version_label=1.0&summary=First", tok().admin, "text",
                      {{"Content-Type", "text/plain"}});
  ASSERT_EQ(up.status, 201) << up.body;
  Must(d + "/approve-version", {{"version_id", "v1"}, {"approving_group_id", w_.group_in}, {"date_adopted", "2024-05-24"}},
       tok().admin);
  EXPECT_EQ(newest(d).rfind("Version 1.0 approved by Imaging SIG, in force from 24 May 2024", 0), 0u) << newest(d);
  Must("/api/v1/deliverables/" + w_.deliverable_in + "/link-evidence",
       {{"kind", "document-version"}, {"target_id", doc["id"]}, {"item_id", "v1"}}, tok().admin);
  EXPECT_EQ(newest("/api/v1/deliverables/" + w_.deliverable_in),
            "Evidence linked: version 1.0 of WMIN Strategy (IN-201)");

  // A renamed group is named anew in pages cached before; an erased person is.
  Must(group + "/rename", {{"name", "Imaging & Radiology SIG"}}, tok().admin);
  EXPECT_EQ(newest(d).rfind("Version 1.0 approved by Imaging & Radiology SIG", 0), 0u) << newest(d);
  Must("/api/v1/people/" + w_.chair + "/erase", {{"reason", "subject's request"}}, tok().admin);
  EXPECT_EQ(newest(m).find("Ada"), std::string::npos);
  json attendance = Get(m + "/history?order=desc&limit=3").Json();
  bool erased = false;
  for (const auto& e : attendance["items"]) erased = erased || e["summary"] == "Attendance: erased person Present";
  EXPECT_TRUE(erased) << attendance.dump();
}

// Subject access: the person's record, their tokens, what they did, where
// they are named by id, free text that mentions their name, and their
// tokens' security-log entries; as JSON and as a document; admins only.
TEST_F(RestActorNamesTest, SubjectAccessGathersEverythingHeldAboutAPerson) {
  const std::string ada = TokenOf(w_.chair, "editor");
  Must("/api/v1/deliverables/" + w_.deliverable_in + "/change-ragb", {{"ragb", "amber"}, {"reason", "supplier delay"}},
       ada);
  EXPECT_EQ(Post("/api/v1/tokens", {{"role", "viewer"}, {"name", "x"}}, ada).status, 403) << "logged as forbidden";
  // Entries are written by the log's own thread: wait for this one to land.
  for (int i = 0; i < 500; ++i) {
    auto entries = srv().app().security_log().Read(1, 1000);
    if (entries.ok() && !entries->empty() && entries->back().kind == "forbidden") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  HttpReply reply = Get("/api/v1/people/" + w_.chair + "/subject-access", tok().admin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json r = reply.Json();
  EXPECT_EQ(r["person"]["name"], "Ada Chair");
  EXPECT_EQ(r["person"]["organisation"], "North Trust");
  EXPECT_GE(r["own_record"].size(), 1u);
  EXPECT_EQ(r["own_record"][0]["type"], "PersonRegistered");
  ASSERT_EQ(r["tokens"].size(), 1u);
  EXPECT_FALSE(r["tokens"][0].contains("token")) << "never the secret";
  ASSERT_EQ(r["acted"].size(), 1u) << r["acted"].dump();
  EXPECT_EQ(r["acted"][0]["type"], "DeliverableRagbChanged");
  EXPECT_EQ(r["acted"][0]["entity"], "deliverable 'Reporting turnaround'");
  bool member = false;
  for (const auto& e : r["referenced"]) member = member || (e["stream_id"] == "group-" + w_.group_in);
  EXPECT_TRUE(member) << "appointed to the group by id: " << r["referenced"].dump();
  bool owner = false;
  for (const auto& e : r["mentioned"]) owner = owner || (e["stream_id"] == "deliverable-" + w_.deliverable_in);
  EXPECT_TRUE(owner) << "named as the deliverable's owner in free text: " << r["mentioned"].dump();
  ASSERT_EQ(r["security_log"].size(), 1u) << r["security_log"].dump();
  EXPECT_EQ(r["security_log"][0]["kind"], "forbidden");
  EXPECT_EQ(r["counts"]["acted"], 1);
  // Every kind of entity is labelled by its name (work programmes and
  // documents were shown by stream id: their kinds are work_programme and
  // controlled_document).
  auto model = api::BuildNetworkModel(srv().store(), Head());
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(api::rest::StreamLabel(*model, "work_programme-" + w_.programme_in), "work programme 'Imaging'");
  EXPECT_EQ(api::rest::StreamLabel(*model, "group-" + w_.group_in), "group 'Imaging SIG'");
  EXPECT_EQ(api::rest::StreamLabel(*model, "deliverable-nope"), "deliverable-nope");

  HttpReply text = Get("/api/v1/people/" + w_.chair + "/subject-access?format=text", tok().admin);
  ASSERT_EQ(text.status, 200);
  EXPECT_NE(text.body.find("Subject access report"), std::string::npos);
  EXPECT_NE(text.body.find("Person: Ada Chair"), std::string::npos);
  EXPECT_NE(text.body.find("DeliverableRagbChanged on deliverable 'Reporting turnaround': supplier delay"),
            std::string::npos)
      << text.body;

  EXPECT_EQ(Get("/api/v1/people/" + w_.chair + "/subject-access", tok().viewer).status, 403);
  EXPECT_EQ(Get("/api/v1/people/nobody/subject-access", tok().admin).status, 404);
  HttpReply bad = Get("/api/v1/people/" + w_.chair + "/subject-access?format=xml", tok().admin);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.Json()["field"], "format");
}

}  // namespace
}  // namespace assure::rest_test
