#include "api/spreadsheet/column.h"

#include <gtest/gtest.h>

namespace assure::api::spreadsheet {
namespace {

TEST(ColumnTest, DisplayNamesInSeedOrder) {
  const std::vector<std::string> expected = {
      "Network Reference", "Network Objective", "Deliverable", "Date Initiated",
      "Planned End Date", "Date Completed", "Owner", "Description",
      "Anticipated Outcome", "Interdependencies/Risks", "RAGB Status",
      "MM/QSIN Reference"};
  EXPECT_EQ(CanonicalHeader(), expected);
  for (Column c : kAllColumns) EXPECT_EQ(MatchColumn(DisplayName(c)), c);
}

TEST(ColumnTest, ToleratesCaseSpacingPunctuationAndSeedVariants) {
  EXPECT_EQ(MatchColumn("Interdependencies/ Risks"), Column::kInterdependenciesRisks);
  EXPECT_EQ(MatchColumn("  interdependencies / risks "), Column::kInterdependenciesRisks);
  EXPECT_EQ(MatchColumn("NETWORK  REFERENCE"), Column::kNetworkReference);
  EXPECT_EQ(MatchColumn("Network Ref."), Column::kNetworkReference);
  EXPECT_EQ(MatchColumn("RAGB status"), Column::kRagbStatus);
  EXPECT_EQ(MatchColumn("RAG Status"), Column::kRagbStatus);
  EXPECT_EQ(MatchColumn("MM / QSIN Reference"), Column::kMmQsinReference);
  EXPECT_EQ(MatchColumn("planned-end-date"), Column::kPlannedEndDate);
  EXPECT_EQ(MatchColumn("Date_Completed"), Column::kDateCompleted);
  EXPECT_EQ(MatchColumn("Anticipated Outcomes"), Column::kAnticipatedOutcome);
  EXPECT_EQ(MatchColumn("Start date"), Column::kDateInitiated);
  EXPECT_EQ(MatchColumn("Colour"), std::nullopt);
  EXPECT_EQ(MatchColumn(""), std::nullopt);
  EXPECT_EQ(MatchColumn(" / "), std::nullopt);
}

TEST(ColumnTest, MatchHeaderReportsUnknownAndDuplicateColumns) {
  const HeaderMatch m =
      MatchHeader({"Deliverable", "Notes", "", "Owner", "deliverable", "RAGB Status"});
  EXPECT_EQ(m.matched, 3u);
  EXPECT_EQ(m.Find(Column::kDeliverable), 0u);
  EXPECT_EQ(m.Find(Column::kOwner), 3u);
  EXPECT_EQ(m.Find(Column::kRagbStatus), 5u);
  EXPECT_EQ(m.Find(Column::kNetworkReference), std::nullopt);
  EXPECT_EQ(m.unknown, std::vector<std::size_t>{1});
  EXPECT_EQ(m.duplicate, std::vector<std::size_t>{4});
  ASSERT_EQ(m.columns.size(), 6u);
  EXPECT_EQ(m.columns[2], std::nullopt);
}

}  // namespace
}  // namespace assure::api::spreadsheet
