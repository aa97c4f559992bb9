// Issue 22, reading the Risks column: an import offers each row's
// Interdependencies/ Risks text as a draft risk linked to its deliverable,
// and never raises one; the drafts are the model's (api/queries/risk_drafts.h).
#include <string>

#include "api/core/entity_writer.h"
#include "api/queries/risk_drafts.h"
#include "tests/programme_files/import_fixture.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;
using nlohmann::json;

const std::string kRisksCsv =
    "Medical Physics Work Programme (2023 - 2024)\r\n"
    "Network Reference,Deliverable,Owner,Interdependencies/ Risks,MM/QSIN Reference\r\n"
    "MP-01,Align protocols,Chair,Staff shortages. Locum cover is costly.,Clinical Governance IN-501\r\n"
    "MP-02,Audit doses,Chair,none,\r\n"
    "MP-03,Share reports,Chair,N/A,\r\n"
    "MP-04,Train staff,Chair,,\r\n"
    "MP-05,Buy phantoms,Chair,Supplier lead times,IN-601\r\n"
    "MP-06,Review QA,Chair, - ,\r\n";

std::size_t EventsOfType(storage::EventStore& store, const std::string& type) {
  std::size_t n = 0;
  for (std::uint64_t from = 1;;) {
    auto page = store.ReadAll(from, 1000);
    EXPECT_TRUE(page.ok());
    if (!page.ok()) return n;
    for (const auto& e : page->events) n += e.type == type;
    if (page->end_of_log || page->events.empty()) return n;
    from = page->next_position;
  }
}

TEST(RisksText, GivenPlaceholders_WhenRead_ThenTheySayNothing) {
  for (const char* t : {"", "  ", "none", "None.", " N/A ", "n/a", "-", "--", "---------", "TBC", "nil", "tbd",
                        "Not applicable"}) {
    EXPECT_FALSE(RisksTextSaysSomething(t)) << "'" << t << "'";
  }
  for (const char* t : {"Workforce SIG", "Staff shortages", "None of the trusts has signed up"}) {
    EXPECT_TRUE(RisksTextSaysSomething(t)) << "'" << t << "'";
  }
}

TEST(DraftRiskTitle, GivenText_WhenTitled_ThenTheFirstSentenceOfTheFirstLine) {
  EXPECT_EQ(DraftRiskTitle("Agreed sharing platform. Time to manage information."), "Agreed sharing platform");
  EXPECT_EQ(DraftRiskTitle("\n  Workforce SIG  \nsecond line"), "Workforce SIG");
  EXPECT_EQ(DraftRiskTitle("Version 2.1 of the protocol"), "Version 2.1 of the protocol");
  EXPECT_EQ(DraftRiskTitle("Will funding come?  Maybe not"), "Will funding come?");
}

TEST(DraftRiskTitle, GivenALongSentence_WhenTitled_ThenCutAtAWordWithinTheLimit) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "délai ";  // 6 code points each, 7 bytes
  const std::string title = DraftRiskTitle(text);
  std::size_t points = 0;
  for (char c : title) points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  EXPECT_LE(points, kDraftTitleMax);
  EXPECT_GT(points, kDraftTitleMax - 8);
  EXPECT_EQ(title.substr(title.size() - 3), "…");
  EXPECT_EQ(title.substr(title.size() - 9), "délai…");  // whole words only
}

TEST(RiskDraftImport, GivenACsvWithARisksColumn_WhenDryRun_ThenItsDraftsAreListedAndNothingWritten) {
  auto store = storage::NewMemoryStore();
  auto r = Import(*store, "mp.csv", kRisksCsv, /*dry_run=*/true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->draft_risks.size(), 2u);
  EXPECT_EQ(r->draft_risks[0].reference, "MP-01");
  EXPECT_EQ(r->draft_risks[0].row, 3u);
  EXPECT_EQ(r->draft_risks[0].text, "Staff shortages. Locum cover is costly.");
  EXPECT_EQ(r->draft_risks[0].risk_title, "Staff shortages");
  EXPECT_EQ(r->draft_risks[1].reference, "MP-05");
  EXPECT_EQ(store->Head().position, 0u);
  const json j = ToJson(*r);
  EXPECT_EQ(j["counts"]["draft_risks"], 2);
  EXPECT_EQ(j["draft_risks"].size(), 2u);
  EXPECT_NE(j["draft_risks_note"].get<std::string>().find("/api/v1/risk-drafts"), std::string::npos);
  const std::string text = FormatReport(*r);
  EXPECT_NE(text.find("Draft risks"), std::string::npos) << text;
  EXPECT_NE(text.find("raises no risk"), std::string::npos) << text;
}

TEST(RiskDraftImport, GivenTheImport_WhenWritten_ThenNoRiskIsRaisedAndTheModelOffersTheDrafts) {
  auto store = storage::NewMemoryStore();
  auto r = Import(*store, "mp.csv", kRisksCsv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->draft_risks.size(), 2u);
  EXPECT_EQ(EventsOfType(*store, "RiskRaised"), 0u);
  NetworkModel m = Model(*store);
  auto drafts = RiskDrafts(m, {});
  ASSERT_TRUE(drafts.ok());
  ASSERT_EQ((*drafts)["count"], 2);
  const json& first = (*drafts)["drafts"][0];
  EXPECT_EQ(first["deliverable"]["reference"], "MP-01");
  EXPECT_EQ(first["deliverable"]["id"], r->draft_risks[0].deliverable_id);
  EXPECT_EQ(first["text"], "Staff shortages. Locum cover is costly.");
  const json& proposed = first["proposed"];
  EXPECT_EQ(proposed["title"], "Staff shortages");
  EXPECT_EQ(proposed["event"], "Staff shortages. Locum cover is costly.");
  EXPECT_EQ(proposed["group_id"], first["deliverable"]["group_id"]);
  EXPECT_EQ(proposed["group_id"], m.programmes.Find(first["deliverable"]["programme_id"].get<std::string>())->group_id);
  EXPECT_EQ(proposed["deliverable_ids"], json::array({r->draft_risks[0].deliverable_id}));
  EXPECT_EQ(proposed["qsin_codes"], json::array({"IN-501"}));
  EXPECT_FALSE(proposed.contains("owner_person_id"));  // "Chair" is text, not a linked person

  // Again: the same drafts, still nothing raised.
  auto again = Import(*store, "mp.csv", kRisksCsv);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->draft_risks.size(), 2u);
  EXPECT_EQ(again->events_appended, 0u);
}

TEST(RiskDraftImport, GivenARiskLinkingADeliverable_WhenImportedAgain_ThenItsRowIsNoLongerADraft) {
  auto store = storage::NewMemoryStore();
  auto r = Import(*store, "mp.csv", kRisksCsv);
  ASSERT_TRUE(r.ok());
  NetworkModel m = Model(*store);
  const std::string linked = r->draft_risks[0].deliverable_id;
  std::string why;
  auto body = DraftRiskBody(m, RiskLinkedDeliverables(m), linked, why);
  ASSERT_TRUE(body.has_value()) << why;
  (*body)["inherent"] = {{"likelihood", 3}, {"impact", 4}};
  auto cmd = domain::RiskAggregate::ParseCommand("raise", *body);
  ASSERT_TRUE(cmd.ok()) << cmd.error().message;
  EntityWriter writer(std::shared_ptr<storage::EventStore>(store.get(), [](auto*) {}));
  RequestContext rc;
  rc.actor = "tester";
  ASSERT_TRUE(Execute<domain::RiskAggregate>(writer, "risk-1", *cmd, rc).ok());
  // Closed, it still links the deliverable: no draft either.
  ASSERT_TRUE(Execute<domain::RiskAggregate>(writer, "risk-1",
                                             domain::ChangeRiskStatus{domain::RiskStatus::kClosed, "done"}, rc)
                  .ok());

  auto again = Import(*store, "mp.csv", kRisksCsv, /*dry_run=*/true);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->draft_risks.size(), 1u);
  EXPECT_EQ(again->draft_risks[0].reference, "MP-05");
  m = Model(*store);
  auto drafts = RiskDrafts(m, {});
  ASSERT_TRUE(drafts.ok());
  EXPECT_EQ((*drafts)["count"], 1);
  EXPECT_FALSE(DraftRiskBody(m, RiskLinkedDeliverables(m), linked, why).has_value());
  EXPECT_NE(why.find("already links"), std::string::npos) << why;
}

TEST(RiskDraftQuery, GivenFilters_WhenTheyNameNothing_ThenNotFound) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*store, "mp.csv", kRisksCsv).ok());
  NetworkModel m = Model(*store);
  auto by_programme = RiskDrafts(m, {std::string("nope"), std::nullopt});
  ASSERT_FALSE(by_programme.ok());
  EXPECT_EQ(by_programme.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(by_programme.error().field, "programme_id");
  auto by_group = RiskDrafts(m, {std::nullopt, std::string("nope")});
  ASSERT_FALSE(by_group.ok());
  EXPECT_EQ(by_group.error().field, "group_id");
  const std::string pid = ProgrammeId(m, "Medical Physics Work Programme (2023 - 2024)");
  auto mine = RiskDrafts(m, {pid, m.programmes.Find(pid)->group_id});
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ((*mine)["count"], 2);
}

TEST(RiskDraftImport, GivenTheStrategyDocument_WhenImported_ThenItsRiskTextsAreDraftsAndNoRiskIsRaised) {
  auto store = storage::NewMemoryStore();
  auto dry = Import(*store, "wmin-strategy.md", StrategyDocument(), /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_GT(dry->draft_risks.size(), 5u);
  auto r = Import(*store, "wmin-strategy.md", StrategyDocument());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->draft_risks.size(), dry->draft_risks.size());
  EXPECT_EQ(EventsOfType(*store, "RiskRaised"), 0u);
  for (const auto& d : r->draft_risks) {
    EXPECT_TRUE(RisksTextSaysSomething(d.text)) << d.text;
    EXPECT_FALSE(d.risk_title.empty());
  }
  NetworkModel m = Model(*store);
  auto drafts = RiskDrafts(m, {});
  ASSERT_TRUE(drafts.ok());
  EXPECT_EQ((*drafts)["count"], r->draft_risks.size());
}

}  // namespace
}  // namespace assure::api::programme_files
