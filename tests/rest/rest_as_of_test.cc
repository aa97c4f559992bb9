// One meaning of "as at a date" at every REST entry point (reads, lists,
// history, export, evidence packs): a bare date is the end of that UTC day,
// inclusive, the same instant as its last microsecond written out
// (domain::ParseAsAt), and one rule refuses what is not a date.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "api/evidence/pack_zip.h"
#include "api/evidence/verify_pack.h"
#include "domain/calendar.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class RestAsOfTest : public RestWorldTest {
 protected:
  std::string Deliverable() const { return "/api/v1/deliverables/" + w_.deliverable_in; }
  std::string Export() const {
    return "/api/v1/programmes/" + w_.programme_in + "/export?format=csv&as_of=";
  }
  // pack.json of the pack POST /api/v1/evidence-packs builds as at `as_of`.
  json PackAsOf(const std::string& as_of) {
    HttpReply r = Post("/api/v1/evidence-packs", {{"statements", "all"}, {"as_of", as_of}}, tok().admin);
    EXPECT_EQ(r.status, 200) << r.body;
    auto zip = api::ReadZip(r.body);
    if (!zip.ok() || !zip->count("pack.json")) return json();
    return json::parse(zip->at("pack.json"));
  }
};

TEST_F(RestAsOfTest, ADateMeansTheEndOfThatUtcDayOnEveryRoute) {
  // The store records by the server's real clock: the day is the one the
  // change was recorded on, read back from the log.
  const json red = Must(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "late"}}, tok().editor);
  std::string recorded_at;
  const json history = Get(Deliverable() + "/history").Json();
  for (const auto& entry : history["items"]) {
    if (entry.value("reason", "") == "late") recorded_at = entry["recorded_at"];
  }
  auto recorded = domain::ParseIsoInstant(recorded_at, "recorded_at");
  ASSERT_TRUE(recorded.ok()) << recorded_at;
  const domain::CivilDate day = domain::UtcDateOf(recorded->us);
  const std::string date = domain::FormatIsoDate(day);
  const std::string last_microsecond = date + "T23:59:59.999999Z";
  const std::string day_before = domain::FormatIsoDate(domain::UtcDateOf(domain::StartOfDayUs(day) - 1));

  // Reads, lists and history: the date includes what was recorded that day
  // and is answered exactly as its last microsecond is; the day before is not.
  EXPECT_EQ(Get(Deliverable() + "?as_of=" + date).Json()["ragb"], "red");
  for (const std::string& target :
       {Deliverable() + "?as_of=", Deliverable() + "/history?as_of=",
        std::string("/api/v1/deliverables?ragb=red&as_of=")}) {
    HttpReply by_date = Get(target + date);
    ASSERT_EQ(by_date.status, 200) << target << by_date.body;
    EXPECT_EQ(by_date.body, Get(target + last_microsecond).body) << target;
    EXPECT_NE(by_date.body, Get(target + day_before).body) << target;
  }
  EXPECT_EQ(Get("/api/v1/deliverables?ragb=red&as_of=" + date).Json()["total"], 1);
  EXPECT_EQ(Get("/api/v1/deliverables?ragb=red&as_of=" + day_before).Json()["total"], 0);

  // The export: the same bytes for the date and its last microsecond.
  HttpReply exported = Get(Export() + date);
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_NE(exported.body.find(",Red,"), std::string::npos) << exported.body;
  EXPECT_EQ(exported.body, Get(Export() + last_microsecond).body);

  // The evidence pack: a date is the end of that day, so today's is still in
  // the future and refused (a pack as at it could change before midnight);
  // the day before is its last microsecond; without as_of, now, holding the
  // change.
  for (const std::string& future : {date, last_microsecond}) {
    EXPECT_TRUE(IsProblem(Post("/api/v1/evidence-packs", {{"statements", "all"}, {"as_of", future}}, tok().admin),
                          422, "as_of"))
        << future;
  }
  const json by_date = PackAsOf(day_before);
  ASSERT_TRUE(by_date.is_object());
  EXPECT_EQ(by_date["as_of"]["timestamp_us"], domain::EndOfDayUs(domain::UtcDateOf(domain::StartOfDayUs(day) - 1)));
  EXPECT_EQ(by_date["as_of"]["date"], day_before);
  EXPECT_EQ(by_date["as_of"], PackAsOf(day_before + "T23:59:59.999999Z")["as_of"]);
  HttpReply now = Post("/api/v1/evidence-packs", {{"statements", "all"}}, tok().admin);
  ASSERT_EQ(now.status, 200) << now.body;
  const json pack = json::parse(api::ReadZip(now.body)->at("pack.json"));
  EXPECT_EQ(pack["as_of"]["date"], date);
  EXPECT_GE(pack["as_of"]["position"].get<std::uint64_t>(), red["position"].get<std::uint64_t>());
}

// A pack is written to a file in the temporary directory and sent from it
// (a whole-network pack is hundreds of MB, not held in memory): the whole
// zip arrives, the connection carries on to the next request, and no file
// is left behind, whether the pack was made or refused.
TEST_F(RestAsOfTest, APackIsSentFromAFileThatIsGoneOnceSentOrRefused) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("assure-rest-pack-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const char* was = std::getenv("TMPDIR");
  const std::string previous = was ? was : "";
  ::setenv("TMPDIR", dir.c_str(), 1);
  const std::string body = json{{"statements", "all"}}.dump();
  const Headers auth = {{"Authorization", "Bearer " + tok().admin}, {"Content-Type", "application/json"}};
  server::testing::RawConnection c(srv().port());
  ASSERT_TRUE(c.Send(server::testing::BuildRequest("POST", "/api/v1/evidence-packs", body, auth) +
                     server::testing::BuildRequest("GET", "/healthz")));
  auto pack = c.Read();
  auto next = c.Read();
  auto refused = Post("/api/v1/evidence-packs", {{"statements", "all"}, {"checkpoint", 1u << 30}}, tok().admin);
  if (was) {
    ::setenv("TMPDIR", previous.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_TRUE(pack.has_value());
  EXPECT_EQ(pack->status, 200) << pack->body;
  EXPECT_EQ(pack->Header("Content-Type"), "application/zip");
  EXPECT_EQ(pack->Header("Content-Length"), std::to_string(pack->body.size()));
  auto report = api::VerifyEvidencePack(pack->body);
  EXPECT_TRUE(report.valid) << api::FormatVerifyReport(report);
  EXPECT_EQ(report.identity, pack->Header("X-Pack-Identity"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
  EXPECT_TRUE(IsProblem(refused, 422, "checkpoint"));
  EXPECT_TRUE(fs::is_empty(dir)) << fs::directory_iterator(dir)->path();
  fs::remove_all(dir);
}

// Issue 19: a bad pack request is refused with a problem naming the field,
// never changed into another request.
TEST_F(RestAsOfTest, ABadEvidencePackRequestIsRefusedNamingTheField) {
  auto pack = [&](const json& body) { return Post("/api/v1/evidence-packs", body, tok().admin); };
  EXPECT_TRUE(IsProblem(pack({{"statements", {"IN-601", "hello"}}}), 422, "statements"));
  for (const json& at : {json(-1), json(0), json(1u << 30), json("7"), json(1.5)}) {
    EXPECT_TRUE(IsProblem(pack({{"statements", "all"}, {"at_position", at}}), 422, "at_position")) << at;
  }
  EXPECT_EQ(pack({{"statements", "all"}, {"at_position", 1}}).status, 200);
  EXPECT_TRUE(IsProblem(pack({{"statements", "all"}, {"as_of", "2099-01-01"}}), 422, "as_of"));
  EXPECT_TRUE(IsProblem(pack({{"statements", "all"}, {"checkpoint", 1u << 30}}), 422, "checkpoint"));
  EXPECT_TRUE(IsProblem(pack({{"statements", "all"}, {"checkpoint", "latest"}}), 422, "checkpoint"));
}

TEST_F(RestAsOfTest, OneRuleRefusesWhatIsNotADateEverywhere) {
  for (const std::string bad : {"2024-02-30", "2024-13-01", "2024-01-01T00:00:00,5Z",
                                "2024-01-01T10:00:00", "31/12/2024", "2024-1-1"}) {
    EXPECT_TRUE(IsProblem(Get(Deliverable() + "?as_of=" + bad), 422, "as_of")) << bad;
    EXPECT_TRUE(IsProblem(Get(Deliverable() + "/history?as_of=" + bad), 422, "as_of")) << bad;
    EXPECT_TRUE(IsProblem(Get("/api/v1/deliverables?as_of=" + bad), 422, "as_of")) << bad;
    EXPECT_TRUE(IsProblem(Get(Export() + bad), 422, "as_of")) << bad;
    EXPECT_TRUE(IsProblem(Post("/api/v1/evidence-packs", {{"statements", "all"}, {"as_of", bad}},
                               tok().admin),
                          422, "as_of"))
        << bad;
  }
  // The export takes a date-time as every other route does.
  EXPECT_EQ(Get(Export() + "2030-01-01T00:00:00Z").status, 200);
}

}  // namespace
}  // namespace assure::rest_test
