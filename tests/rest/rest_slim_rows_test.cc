// Reads of a closed meeting and of a document's older versions answer the
// same once the live model keeps them as slim rows (api/queries/slim_rows.h;
// here after 4 events without a change, ASSURE_READ_MODEL_HOT_EVENTS), and
// a command on a slim meeting folds into its whole state.
#include <stdlib.h>

#include "domain/calendar.h"
#include "storage/codec.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class RestSlimRowsTest : public RestTest {
 public:
  void SetUp() override {
    setenv("ASSURE_READ_MODEL_HOT_EVENTS", "4", 1);
    RestTest::SetUp();
    unsetenv("ASSURE_READ_MODEL_HOT_EVENTS");
  }
};

TEST_F(RestSlimRowsTest, ReadsOfAClosedMeetingAndOfOldVersionsAreUnchanged) {
  World w = BuildWorld(*this);
  const std::string& sec = tok().secretary;
  const std::string today = domain::FormatTimestampUs(srv().clock().NowMicros()).substr(0, 10);
  // A document with a superseded, an in-force and a draft version.
  const std::string doc = Create("documents",
                                 {{"title", "Imaging protocol"}, {"document_numbers", {w.qsin_code}},
                                  {"review_interval_months", 12}},
                                 tok().editor);
  const std::string docs = "/api/v1/documents/" + doc;
  for (const char* label : {"1.0", "2.0", "3.0"}) {
    HttpReply up = Send(srv().port(), "POST", docs + "/versions?version_label=" + label + "&summary=issue",
                        tok().editor, std::string("content ") + label, {{"Content-Type", "text/plain"}});
    ASSERT_EQ(up.status, 201) << up.body;
  }
  for (const char* v : {"v1", "v2"}) {
    Must(docs + "/approve-version",
         {{"version_id", v}, {"approving_group_id", w.group_in}, {"date_adopted", today}, {"review_date", today}},
         tok().editor);
  }
  // A closed meeting with attendance, a decision and an open and a closed action.
  const std::string meeting = Create(
      "meetings", {{"group_id", w.group_in}, {"title", "Imaging SIG"}, {"scheduled_for", today}}, sec);
  const std::string base = "/api/v1/meetings/" + meeting;
  Must(base + "/open", json::object(), sec);
  Must(base + "/record-attendance", {{"person_id", w.chair}, {"attendance", "present"}}, sec);
  Must(base + "/record-attendance", {{"person_id", w.outsider}, {"attendance", "apologies"}}, sec);
  Must(base + "/record-decision",
       {{"text", "Adopt version 1"}, {"links", {{{"kind", "document-version"}, {"id", doc}, {"version_id", "v1"}}}}},
       sec);
  Must(base + "/raise-action", {{"text", "Report back"}, {"owner_person_id", w.member}, {"due_date", "2030-01-31"}},
       sec);
  Must(base + "/raise-action", {{"text", "Circulate"}, {"owner_person_id", w.chair}, {"due_date", "2030-01-31"}},
       sec);
  Must(base + "/close-action", {{"action_id", "a2"}, {"closure_evidence", "sent"}}, sec);
  Must(base + "/close", json::object(), sec);

  auto items = [&](const std::string& target) { return Get(target).Json()["items"]; };
  auto reads = [&] {
    json out = json::object();
    for (const std::string& t :
         std::vector<std::string>{base, docs, docs + "/in-force?on=" + today, "/api/v1/qsin/coverage"}) {
      HttpReply r = Get(t);
      EXPECT_EQ(r.status, 200) << t << ": " << r.body;
      out[t] = r.Json();
      out[t].erase("position");  // a list's is the model's, which moves on
    }
    for (const std::string& t : std::vector<std::string>{"/api/v1/meetings", "/api/v1/documents", "/api/v1/actions",
                                 "/api/v1/documents/review-due?within_days=3650",
                                 "/api/v1/people/" + w.chair + "/attendance",
                                 "/api/v1/people/" + w.outsider + "/attendance"}) {
      out[t] = items(t);
    }
    return out;
  };
  const json before = reads();
  ASSERT_EQ(before[base]["decisions"][0]["text"], "Adopt version 1");
  ASSERT_EQ(before[docs]["versions"].size(), 3u);

  // Other writes: the meeting and the document become slim rows.
  for (int i = 0; i < 8; ++i) {
    Must("/api/v1/deliverables/" + w.deliverable_in + "/add-progress-note",
         {{"note_date", today}, {"text", "note " + std::to_string(i)}}, tok().editor);
  }
  EXPECT_EQ(reads(), before);
  // A decision may still name the superseded version (the write path looks at every version).
  const std::string other = Create(
      "meetings", {{"group_id", w.group_in}, {"title", "Next"}, {"scheduled_for", today}}, sec);
  Must("/api/v1/meetings/" + other + "/open", json::object(), sec);
  Must("/api/v1/meetings/" + other + "/record-decision",
       {{"text", "Note v1"}, {"links", {{{"kind", "document-version"}, {"id", doc}, {"version_id", "v1"}}}}}, sec);
  EXPECT_TRUE(IsProblem(Post("/api/v1/meetings/" + other + "/record-decision",
                             {{"text", "x"}, {"links", {{{"kind", "document-version"}, {"id", doc}, {"version_id", "v9"}}}}},
                             sec),
                        422, "links[0].version_id"));

  // An action of the slim meeting updated: folded into its whole state.
  Must(base + "/update-action", {{"action_id", "a1"}, {"note", "chased"}}, sec);
  json m = Get(base).Json();
  EXPECT_EQ(m["decisions"], before[base]["decisions"]);
  ASSERT_EQ(m["actions"].size(), 2u);
  EXPECT_EQ(m["actions"][0]["notes"], json::array({"chased"}));
  EXPECT_EQ(m["actions"][1]["closure_evidence"], "sent");
  EXPECT_EQ(m["quorum"], before[base]["quorum"]);
}


// The decision log pages before it loads: the filters read the rows'
// summaries (a slim meeting keeps its decisions' ids and links), and only the
// page's meetings are loaded whole for their texts. Pages of it, with and
// without filters, are the slices of the whole log, texts included.
TEST_F(RestSlimRowsTest, TheDecisionLogsPagesAreSlicesOfTheWholeLogTextsIncluded) {
  World w = BuildWorld(*this);
  const std::string& sec = tok().secretary;
  for (int k = 0; k < 6; ++k) {
    const std::string group = k % 2 == 0 ? w.group_in : w.group_out;
    const std::string day = "2026-0" + std::to_string(1 + k % 4) + "-1" + std::to_string(k);
    const std::string meeting =
        Create("meetings", {{"group_id", group}, {"title", "Sitting " + std::to_string(k)}, {"scheduled_for", day}}, sec);
    const std::string base = "/api/v1/meetings/" + meeting;
    Must(base + "/open", json::object(), sec);
    for (int d = 0; d < 3; ++d) {
      json body = {{"text", "Decision " + std::to_string(d) + " of sitting " + std::to_string(k)}};
      if (d == 1) body["links"] = {{{"kind", "deliverable"}, {"id", w.deliverable_in}}};
      Must(base + "/record-decision", body, sec);
    }
    Must(base + "/close", json::object(), sec);
  }
  // Other writes: the meetings become slim rows.
  for (int i = 0; i < 8; ++i) {
    Must("/api/v1/deliverables/" + w.deliverable_in + "/add-progress-note",
         {{"note_date", "2026-06-01"}, {"text", "note " + std::to_string(i)}}, tok().editor);
  }
  const std::string at = "min_position=" + std::to_string(Head());
  auto all = [&](const std::string& filter) {
    json page = Get("/api/v1/decisions?" + at + "&limit=1000" + filter).Json();
    EXPECT_EQ(page["total"], page["items"].size());
    return page["items"];
  };
  auto paged = [&](const std::string& filter, int limit) {
    json items = json::array();
    for (int offset = 0;; offset += limit) {
      json page = Get("/api/v1/decisions?" + at + "&limit=" + std::to_string(limit) + "&offset=" +
                      std::to_string(offset) + filter).Json();
      for (const auto& row : page["items"]) items.push_back(row);
      if (page["items"].empty()) {
        EXPECT_EQ(page["total"], items.size());
        return items;
      }
    }
  };
  const json whole = all("");
  ASSERT_EQ(whole.size(), 18u);
  // Newest meeting first, then in the order recorded; every text there.
  for (std::size_t i = 1; i < whole.size(); ++i) {
    EXPECT_GE(whole[i - 1]["scheduled_for"].get<std::string>(), whole[i]["scheduled_for"].get<std::string>());
  }
  for (const auto& row : whole) EXPECT_TRUE(row["text"].get<std::string>().starts_with("Decision ")) << row;
  EXPECT_EQ(whole[0]["text"], "Decision 0 of sitting 3");  // 2026-04-13, the newest
  for (int limit : {1, 4, 5}) EXPECT_EQ(paged("", limit), whole) << "limit " << limit;
  const std::vector<std::string> filters = {"&group_id=" + w.group_out,
                                            "&link_kind=deliverable&link_id=" + w.deliverable_in, "&q=DECISION%202",
                                            "&q=sitting%204&from=2026-01-01", "&to=2026-02-28"};
  for (const std::string& filter : filters) {
    const json filtered = all(filter);
    EXPECT_FALSE(filtered.empty()) << filter;
    json expected = json::array();
    for (const auto& row : whole) {
      for (const auto& f : filtered) {
        if (f["ref"] == row["ref"]) expected.push_back(row);
      }
    }
    EXPECT_EQ(filtered, expected) << filter;
    EXPECT_EQ(paged(filter, 2), filtered) << filter;
  }
  EXPECT_EQ(all("&link_kind=deliverable").size(), 6u);
  EXPECT_EQ(all("&q=decision%202").size(), 6u);
  EXPECT_EQ(all("&q=sitting%204").size(), 3u);
  EXPECT_EQ(Get("/api/v1/decisions?" + at + "&offset=100").Json()["total"], 18);
}

}  // namespace
}  // namespace assure::rest_test
