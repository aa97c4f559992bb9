// Issue 22: the risk register over REST: raise, score, controls, review,
// status; references checked; the register with its heat map, filters and
// as-at reads; movement since a group's last meeting; who may write.
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class RiskRestTest : public RestWorldTest {
 protected:
  std::string Raise(const std::string& title, int likelihood, int impact, json extra = json::object()) {
    json body = {{"title", title},
                 {"group_id", w_.group_in},
                 {"owner_person_id", w_.chair},
                 {"inherent", {{"likelihood", likelihood}, {"impact", impact}}}};
    body.update(extra);
    return Create("risks", body, tok().editor);
  }
  json Score(const std::string& id, int likelihood, int impact, int status = 200) {
    return Must("/api/v1/risks/" + id + "/score",
                {{"score", "current"}, {"likelihood", likelihood}, {"impact", impact}, {"reason", "new data"}},
                tok().editor, status);
  }
  json Register(const std::string& query = {}) {
    HttpReply r = Get("/api/v1/risk-register" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  static int Cell(const json& reg, int likelihood, int impact) {
    for (const auto& c : reg["heat_map"]["cells"]) {
      if (c["likelihood"] == likelihood && c["impact"] == impact) return c["count"].get<int>();
    }
    return -1;
  }
};

TEST_F(RiskRestTest, ARaisedRiskReadsWithNamesGradesAndHistoryInWords) {
  const std::string id = Raise("Reporting backlog", 4, 4, {{"reference", "R1"}, {"qsin_codes", {"IN-601"}},
                                                           {"deliverable_ids", {w_.deliverable_in}},
                                                           {"cause", "vacancies"}, {"effect", "late reports"}});
  json r = Get("/api/v1/risks/" + id).Json();
  EXPECT_EQ(r["title"], "Reporting backlog");
  EXPECT_EQ(r["owner_name"], "Ada Chair (North Trust)");
  EXPECT_EQ(r["group_name"], "Imaging SIG");
  EXPECT_EQ(r["current"]["score"], 16);
  EXPECT_EQ(r["current"]["grade"], "extreme");
  Score(id, 3, 4);
  json h = Get("/api/v1/risks/" + id + "/history").Json();
  ASSERT_GE(h["items"].size(), 2u) << h.dump();
  std::string summaries;
  for (const auto& e : h["items"]) summaries += e["summary"].get<std::string>() + "\n";
  EXPECT_NE(summaries.find("16 (extreme)"), std::string::npos) << summaries;
  EXPECT_NE(summaries.find("12 (high)"), std::string::npos) << summaries;
  // A new owner, named in the history; references checked as at raising.
  EXPECT_TRUE(IsProblem(Post("/api/v1/risks/" + id + "/edit", {{"owner_person_id", "nosuch"}}, tok().editor), 422,
                        "owner_person_id"));
  EXPECT_TRUE(IsProblem(Post("/api/v1/risks/" + id + "/edit", {{"qsin_codes", {"IN-601", "later"}}}, tok().editor), 422,
                        "qsin_codes[1]"));
  Must("/api/v1/risks/" + id + "/edit", {{"owner_person_id", w_.member}, {"reason", "handed over"}}, tok().editor);
  EXPECT_EQ(Get("/api/v1/risks/" + id).Json()["owner_name"], "Ben Member (North Trust)");
  json newest = Get("/api/v1/risks/" + id + "/history?order=desc").Json()["items"][0];
  EXPECT_EQ(newest["summary"], "Edited: Owner Ada Chair (North Trust) → Ben Member (North Trust)") << newest.dump();
}

TEST_F(RiskRestTest, BadScoresReferencesAndMissingReasonsAreRefusedAndWriteNothing) {
  const std::string id = Raise("Scanner downtime", 2, 3);
  const std::uint64_t head = Head();
  auto post = [&](const std::string& target, const json& body) {
    return Post(target, body, tok().editor);
  };
  json base = {{"title", "x"}, {"group_id", w_.group_in}, {"inherent", {{"likelihood", 2}, {"impact", 2}}}};
  json six = base;
  six["inherent"]["likelihood"] = 6;
  EXPECT_TRUE(IsProblem(post("/api/v1/risks", six), 422, "inherent.likelihood"));
  json no_group = base;
  no_group["group_id"] = "nosuch";
  EXPECT_TRUE(IsProblem(post("/api/v1/risks", no_group), 422, "group_id"));
  json bad_code = base;
  bad_code["qsin_codes"] = {"hello"};
  EXPECT_TRUE(IsProblem(post("/api/v1/risks", bad_code), 422, "qsin_codes[0]"));
  json bad_deliverable = base;
  bad_deliverable["deliverable_ids"] = {w_.deliverable_in, "nosuch"};
  EXPECT_TRUE(IsProblem(post("/api/v1/risks", bad_deliverable), 422, "deliverable_ids[1]"));
  json no_owner = base;
  no_owner["owner_person_id"] = "nosuch";
  EXPECT_TRUE(IsProblem(post("/api/v1/risks", no_owner), 422, "owner_person_id"));
  EXPECT_TRUE(IsProblem(post("/api/v1/risks/" + id + "/score",
                             {{"score", "current"}, {"likelihood", 3}, {"impact", 3}}),
                        422, "reason"));
  EXPECT_TRUE(IsProblem(post("/api/v1/risks/" + id + "/close", json::object()), 422, "reason"));
  EXPECT_EQ(Head(), head);
}

TEST_F(RiskRestTest, TheRegisterFiltersAndCountsTheHeatMapAsAtAnyPosition) {
  const std::string high = Raise("Reporting backlog", 4, 4, {{"qsin_codes", {"IN-601"}}, {"review_date", "2024-01-31"}});
  const std::string low = Raise("Printer toner", 1, 2);
  const std::string other = Create("risks",
                                   {{"title", "Cold chain"},
                                    {"group_id", w_.group_out},
                                    {"inherent", {{"likelihood", 4}, {"impact", 4}}}},
                                   tok().admin);
  const std::uint64_t before = Head();
  Score(high, 2, 4);

  json all = Register();
  EXPECT_EQ(all["count"], 3);
  EXPECT_EQ(all["risks"][0]["id"], other);  // 16 first, then 8, then 2
  EXPECT_EQ(Cell(all, 2, 4), 1);
  EXPECT_EQ(Cell(all, 4, 4), 1);
  EXPECT_EQ(Cell(all, 1, 2), 1);
  EXPECT_EQ(all["heat_map"]["cells"].size(), 25u);
  EXPECT_EQ(Register("?group_id=" + w_.group_in)["count"], 2);
  EXPECT_EQ(Register("?min_score=8")["count"], 2);
  EXPECT_EQ(Register("?qsin_code=in-601")["risks"][0]["id"], high);
  EXPECT_EQ(Register("?owner_person_id=" + w_.chair)["count"], 2);
  json past = Register("?past_review=true&on=2024-02-01");
  ASSERT_EQ(past["count"], 1);
  EXPECT_EQ(past["risks"][0]["review_overdue"], true);
  // As the record stood before the score changed.
  json then = Register("?at_position=" + std::to_string(before));
  EXPECT_EQ(Cell(then, 4, 4), 2);
  EXPECT_EQ(Cell(then, 2, 4), 0);
  // Closed risks leave the register but can be asked for.
  Must("/api/v1/risks/" + low + "/close", {{"reason", "toner contract signed"}}, tok().editor);
  EXPECT_EQ(Register()["count"], 2);
  EXPECT_EQ(Register("?status=closed")["count"], 1);
  EXPECT_EQ(Register("?status=all")["count"], 3);
  EXPECT_TRUE(IsProblem(Get("/api/v1/risk-register?status=maybe"), 422, "status"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/risk-register?min_score=30"), 422, "min_score"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/risk-register?group_id=nosuch"), 404, "group_id"));
}

TEST_F(RiskRestTest, MovementComparesWithTheRecordWhenTheGroupsLastMeetingClosed) {
  const std::string up = Raise("Reporting backlog", 2, 4);
  const std::string down = Raise("Scanner downtime", 4, 4);
  const std::string closes = Raise("Printer toner", 1, 2);
  json none = Get("/api/v1/groups/" + w_.group_in + "/risk-movement").Json();
  EXPECT_TRUE(none["since"].is_null());
  EXPECT_EQ(none["summary"]["new"], 3);

  const std::string meeting = Create("meetings",
                                     {{"group_id", w_.group_in}, {"title", "Imaging SIG"}, {"scheduled_for", "2024-05-01"}},
                                     tok().secretary);
  Must("/api/v1/meetings/" + meeting + "/open", json::object(), tok().secretary);
  Must("/api/v1/meetings/" + meeting + "/close", json::object(), tok().secretary);
  Score(up, 4, 4);
  Score(down, 2, 4);
  Must("/api/v1/risks/" + closes + "/close", {{"reason", "done"}}, tok().editor);
  const std::string fresh = Raise("New supplier", 3, 3);

  json mv = Get("/api/v1/groups/" + w_.group_in + "/risk-movement").Json();
  EXPECT_EQ(mv["since"]["meeting_id"], meeting);
  std::map<std::string, std::string> movement;
  for (const auto& r : mv["risks"]) movement[r["id"]] = r["movement"];
  EXPECT_EQ(movement[up], "up");
  EXPECT_EQ(movement[down], "down");
  EXPECT_EQ(movement[closes], "closed");
  EXPECT_EQ(movement[fresh], "new");
  EXPECT_EQ(mv["summary"]["up"], 1);
  EXPECT_TRUE(IsProblem(Get("/api/v1/groups/" + w_.group_out + "/risk-movement?meeting_id=" + meeting), 422,
                        "meeting_id"));
}

TEST_F(RiskRestTest, OnlyEditorsOfTheRisksGroupMayWriteIt) {
  const std::string id = Raise("Reporting backlog", 2, 4);
  json body = {{"title", "x"}, {"group_id", w_.group_out}, {"inherent", {{"likelihood", 2}, {"impact", 2}}}};
  EXPECT_TRUE(IsProblem(Post("/api/v1/risks", body, tok().viewer), 403));
  EXPECT_TRUE(IsProblem(Post("/api/v1/risks", body, tok().secretary), 403));
  EXPECT_TRUE(IsProblem(Post("/api/v1/risks", body, tok().scoped_editor), 403));  // another group's register
  body["group_id"] = w_.group_in;
  EXPECT_EQ(Post("/api/v1/risks", body, tok().scoped_editor).status, 201);
  EXPECT_EQ(Post("/api/v1/risks/" + id + "/review",
                 {{"reviewed_on", "2024-05-01"}, {"next_review_date", "2024-08-01"}}, tok().scoped_editor)
                .status,
            200);
  EXPECT_TRUE(IsProblem(Post("/api/v1/risks/" + id + "/tolerate", {{"reason", "r"}}, tok().assessor), 403));
}

}  // namespace
}  // namespace assure::rest_test
