// The network's own strategy document (tests/spreadsheet/data/wmin-strategy.md, a
// copy of shared/seed/wmin-strategy.md) read as Markdown. Counts were made by
// hand from the file:
//   20 pipe-table blocks; 3 of them have an empty header and follow the
//   previous table across a blank line only (page splits: the Communications
//   objectives, the core Work Programme, the Version History), so 17 tables;
//   7 programme tables (8 blocks, the core programme being split in two):
//     Work Programme (2023 - 2024)                                   16 + 5 = 21
//     Medical Physics Work Programme (2023 - 2024)                   10
//     Quality Standard for Imaging Work Programme (2023 - 2024)      10
//     Pathways & Modalities Work Programme (2023 - 2024)              7
//     Education, Learning and Development Work Programme (...)        6
//       (including the "Key Priorities" section row)
//     Commercial & Assets Work Programme (2023 - 2024)               11
//     User Involvement Work Programme (2023 - 2024)                   3
//   = 68 rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/markdown_reader.h"
#include "api/spreadsheet/read_tables.h"
#include "tests/spreadsheet/zip_fixture.h"

namespace assure::api::spreadsheet {
namespace {

using testing::ReadFile;

class StrategyDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = ReadFile(ASSURE_STRATEGY_MD);
    ASSERT_FALSE(text_.empty()) << "missing fixture " << ASSURE_STRATEGY_MD;
    auto r = ReadMarkdown(text_, "wmin-strategy.md");
    ASSERT_TRUE(r.ok()) << r.error().message;
    result_ = std::move(*r);
    for (const Table& t : result_.tables) {
      if (MatchHeader(t.header).matched >= 2) programmes_.push_back(&t);
    }
  }

  const Table& Programme(const std::string& title) {
    for (const Table* t : programmes_) {
      if (t->title == title) return *t;
    }
    ADD_FAILURE() << "no programme titled " << title;
    static const Table kNone;
    return kNone;
  }

  std::string Cell(const Table& t, std::size_t row, Column c) {
    const auto at = MatchHeader(t.header).Find(c);
    if (!at || row >= t.rows.size()) return "<missing>";
    return t.rows[row].cells.at(*at);
  }

  std::string text_;
  ReadResult result_;
  std::vector<const Table*> programmes_;
};

TEST_F(StrategyDocumentTest, FixtureMatchesTheSharedSeedWhenPresent) {
  if (!std::filesystem::exists(ASSURE_SHARED_STRATEGY_MD)) GTEST_SKIP();
  EXPECT_EQ(ReadFile(ASSURE_SHARED_STRATEGY_MD), text_);
}

TEST_F(StrategyDocumentTest, TableAndRowCounts) {
  EXPECT_EQ(result_.tables.size(), 17u);
  ASSERT_EQ(programmes_.size(), 7u);
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"Work Programme (2023 - 2024)", 21},
      {"Medical Physics Work Programme (2023 - 2024)", 10},
      {"Quality Standard for Imaging Work Programme (2023 - 2024)", 10},
      {"Pathways & Modalities Work Programme (2023 - 2024)", 7},
      {"Education, Learning and Development Work Programme (2023 - 2024)", 6},
      {"Commercial & Assets Work Programme (2023 - 2024)", 11},
      {"User Involvement Work Programme (2023 - 2024)", 3},
  };
  std::size_t total = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(programmes_[i]->title, expected[i].first);
    EXPECT_EQ(programmes_[i]->rows.size(), expected[i].second) << expected[i].first;
    total += programmes_[i]->rows.size();
  }
  EXPECT_EQ(total, 68u);
  // The core programme has all 12 columns; the SIG programmes lack Network Objective.
  EXPECT_EQ(MatchHeader(programmes_[0]->header).matched, 12u);
  for (std::size_t i = 1; i < programmes_.size(); ++i) {
    const HeaderMatch m = MatchHeader(programmes_[i]->header);
    EXPECT_EQ(m.matched, 11u);
    EXPECT_FALSE(m.Find(Column::kNetworkObjective));
  }
}

TEST_F(StrategyDocumentTest, SpotChecksCells) {
  const Table& core = Programme("Work Programme (2023 - 2024)");
  EXPECT_EQ(Cell(core, 0, Column::kNetworkReference), "Comms & Engagement-01");
  EXPECT_EQ(Cell(core, 0, Column::kDateInitiated), "Mar-22");             // a month date
  EXPECT_EQ(Cell(core, 1, Column::kDateCompleted), "Planned Jun 23");      // a word date
  EXPECT_EQ(Cell(core, 4, Column::kDateCompleted), "Draft Dec-22");
  EXPECT_EQ(Cell(core, 14, Column::kRagbStatus), "Completed");             // a Completed row
  EXPECT_EQ(Cell(core, 15, Column::kInterdependenciesRisks), "Ensuring maintenance/ regular updates");
  // The page-split continuation: 13 cells against a 12-cell header, kept.
  EXPECT_EQ(core.rows[16].number, 469u);
  EXPECT_EQ(core.rows[16].cells.size(), 13u);
  EXPECT_EQ(core.rows[16].cells[0], "Governance-06");
  EXPECT_EQ(core.rows[16].cells[11], "Completed");
  EXPECT_EQ(core.rows[16].cells[12], "Operational Governance");
  EXPECT_EQ(core.rows[18].cells[4], "Set 2022");                           // a typo date
  EXPECT_EQ(core.rows[17].cells[1], "");  // a no-break space, trimmed

  const Table& mp = Programme("Medical Physics Work Programme (2023 - 2024)");
  EXPECT_EQ(Cell(mp, 2, Column::kPlannedEndDate), "ongoing");
  EXPECT_EQ(Cell(mp, 8, Column::kDateInitiated), "Planned Apr 23");
  EXPECT_EQ(Cell(mp, 9, Column::kDateInitiated), "Not started");
  EXPECT_EQ(Cell(mp, 9, Column::kRagbStatus), "Planned activity");

  const Table& qsi = Programme("Quality Standard for Imaging Work Programme (2023 - 2024)");
  EXPECT_EQ(Cell(qsi, 0, Column::kMmQsinReference), "Clinical Governance IN-501, 601, 701");
  EXPECT_EQ(Cell(qsi, 7, Column::kNetworkReference), "QSIN - 01");  // repeated reference
  EXPECT_EQ(Cell(qsi, 8, Column::kNetworkReference), "QSIN - 01");
  EXPECT_EQ(Cell(qsi, 7, Column::kMmQsinReference), "All");

  const Table& pm = Programme("Pathways & Modalities Work Programme (2023 - 2024)");
  EXPECT_EQ(Cell(pm, 3, Column::kMmQsinReference), "IN-501,601");

  const Table& ui = Programme("User Involvement Work Programme (2023 - 2024)");
  EXPECT_EQ(Cell(ui, 0, Column::kNetworkReference), "");  // no reference
  EXPECT_EQ(Cell(ui, 0, Column::kDeliverable), "Liasion with Host Trust re Patient Expenses");
  EXPECT_EQ(Cell(ui, 0, Column::kDateCompleted), "Jan-23");
}

TEST_F(StrategyDocumentTest, WarnsAboutTheMessNamingRows) {
  auto has = [&](std::size_t row, const std::string& needle) {
    for (const Warning& w : result_.warnings) {
      if (w.row == row && w.message.find(needle) != std::string::npos) {
        EXPECT_EQ(w.file, "wmin-strategy.md");
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has(467, "continues the table above"));
  for (std::size_t row = 469; row <= 473; ++row) EXPECT_TRUE(has(row, "13 cells")) << row;
  EXPECT_TRUE(has(610, "Key Priorities"));
  const Table& ed =
      Programme("Education, Learning and Development Work Programme (2023 - 2024)");
  EXPECT_EQ(ed.rows[1].number, 610u);
  EXPECT_EQ(ed.rows[1].cells[4], "Key Priorities");
}

TEST_F(StrategyDocumentTest, ReadTablesDetectsMarkdownByContent) {
  auto r = ReadTables(text_, "upload");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tables.size(), 17u);
}

}  // namespace
}  // namespace assure::api::spreadsheet
