#include <gtest/gtest.h>

#include "api/programme_files/programme_title.h"
#include "api/programme_files/row_mapping.h"

namespace assure::api::programme_files {
namespace {

TEST(ProgrammeTitleTest, ReadsGroupAndYear) {
  auto t = ParseProgrammeTitle("Medical Physics Work Programme (2023 - 2024)");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->group_name, "Medical Physics");
  EXPECT_EQ(t->group_kind, domain::GroupKind::kSig);
  EXPECT_EQ(t->year, "2023-24");
  EXPECT_EQ(t->title, "Medical Physics Work Programme (2023 - 2024)");
  for (const char* text : {"WMIN Workforce Work Programme 2023-24", "Workforce 2023/24",
                           "Workforce Work Programme 2023 24", "workforce_2023-2024"}) {
    auto w = ParseProgrammeTitle(text);
    ASSERT_TRUE(w) << text;
    EXPECT_EQ(w->group_name.substr(0, 9), text[0] == 'w' ? "workforce" : "Workforce") << text;
    EXPECT_EQ(w->year, "2023-24") << text;
  }
}

// Issue 16: Excel and Word turn "2023 - 2024" into an en dash; such a title
// named no year.
TEST(ProgrammeTitleTest, EnAndEmDashesBetweenTheYears) {
  for (const char* text : {"Workforce Work Programme (2023 \u2013 2024)",
                           "Workforce Work Programme 2023\u201424"}) {
    auto w = ParseProgrammeTitle(text);
    ASSERT_TRUE(w) << text;
    EXPECT_EQ(w->group_name, "Workforce") << text;
    EXPECT_EQ(w->year, "2023-24") << text;
  }
}

TEST(ProgrammeTitleTest, TheUntitledProgrammeIsTheCoreTeams) {
  auto t = ParseProgrammeTitle("Work Programme (2023 - 2024)");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->group_name, "Network Core Team");
  EXPECT_EQ(t->group_kind, domain::GroupKind::kForum);
  EXPECT_EQ(ParseProgrammeTitle("Network Core Team Work Programme 2023-24")->group_kind,
            domain::GroupKind::kForum);
}

TEST(ProgrammeTitleTest, NoYearNoProgramme) {
  EXPECT_FALSE(ParseProgrammeTitle("Medical Physics Work Programme"));
  EXPECT_FALSE(ParseProgrammeTitle("Sheet1"));
  EXPECT_FALSE(ParseProgrammeTitle("Budget 2023 - 2025"));  // not consecutive
  EXPECT_FALSE(ParseProgrammeTitle(""));
}

TEST(ProgrammeTitleTest, KeysIgnoreCaseSpacingAndPunctuation) {
  EXPECT_EQ(NormaliseKey(" Comms & Engagement-01 "), "comms engagement 01");
  EXPECT_EQ(NormaliseKey("comms  engagement 01"), "comms engagement 01");
  EXPECT_EQ(StableId("dlv-", "a|b"), StableId("dlv-", "a|b"));
  EXPECT_NE(StableId("dlv-", "a|b"), StableId("dlv-", "a|c"));
  EXPECT_EQ(StableId("dlv-", "a").size(), 4u + 20u);
}

TEST(RowMappingTest, RealignsAWideRowByDroppingAnEmptyCell) {
  spreadsheet::Row row{7, {"A", "", "B", "", "C"}};
  std::vector<std::string> warnings;
  EXPECT_EQ(AlignCells(row, 4, warnings), (std::vector<std::string>{"A", "", "B", "C"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("dropping empty cell 4"), std::string::npos);
  warnings.clear();
  spreadsheet::Row full{8, {"A", "B", "C"}};
  EXPECT_EQ(AlignCells(full, 2, warnings), (std::vector<std::string>{"A", "B"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'C'"), std::string::npos);
}

TEST(RowMappingTest, MapsStatusWordsAndReportsUnknownOnes) {
  const std::vector<std::string> header = {"Network Reference", "Deliverable", "RAGB Status"};
  const auto match = spreadsheet::MatchHeader(header);
  std::string skip;
  auto on_target = MapRow(match, 3, {2, {"X-01", "Do it", "On Target"}}, skip);
  ASSERT_TRUE(on_target);
  EXPECT_EQ(on_target->ragb, domain::Ragb::kBlue);
  EXPECT_EQ(on_target->status, domain::DeliverableStatus::kInProgress);
  EXPECT_FALSE(on_target->fields.owner);  // no Owner column: left alone
  auto odd = MapRow(match, 3, {3, {"X-01", "Do it", "Purple"}}, skip);
  ASSERT_TRUE(odd);
  ASSERT_EQ(odd->warnings.size(), 1u);
  EXPECT_NE(odd->warnings[0].find("'Purple' not recognised"), std::string::npos);
  EXPECT_FALSE(MapRow(match, 3, {4, {"", "", "Planned Activity"}}, skip));
  EXPECT_NE(skip.find("'Planned Activity'"), std::string::npos);
}

}  // namespace
}  // namespace assure::api::programme_files
