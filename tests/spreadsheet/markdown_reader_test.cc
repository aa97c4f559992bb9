#include "api/spreadsheet/markdown_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace assure::api::spreadsheet {
namespace {

using Cells = std::vector<std::string>;

TEST(MarkdownReaderTest, ReadsSeveralTablesWithTitles) {
  const std::string md =
      "# Programme Plan\n"
      "\n"
      "**Digital\n"
      "Work Programme\n"
      "(2023 - 2024)**\n"
      "\n"
      "[WMIN Digital Work Programme.xlsx](#)\n"
      "\n"
      "| |\n"
      "|---|\n"
      "| Red (R) |\n"
      "\n"
      "| Network Reference | Deliverable | RAGB Status |\n"
      "|:---|---|---:|\n"
      "| Digital-01 | Roadmap \\| strategy | On Target |\n"
      "\n"
      "Some prose line that ends with a full stop.\n"
      "\n"
      "Version History\n"
      "\n"
      "| Version | Date Adopted |\n"
      "|---|---|\n"
      "| V0.1 | 10/04/2023 |\n";
  auto r = ReadMarkdown(md, "plan.md");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 3u);
  EXPECT_EQ(r->tables[0].title, "Digital Work Programme (2023 - 2024)");  // legend
  EXPECT_EQ(r->tables[1].title, "Digital Work Programme (2023 - 2024)");
  EXPECT_EQ(r->tables[1].header, (Cells{"Network Reference", "Deliverable", "RAGB Status"}));
  EXPECT_EQ(r->tables[1].header_row, 13u);
  ASSERT_EQ(r->tables[1].rows.size(), 1u);
  EXPECT_EQ(r->tables[1].rows[0].cells, (Cells{"Digital-01", "Roadmap | strategy", "On Target"}));
  EXPECT_EQ(r->tables[1].rows[0].number, 15u);
  EXPECT_EQ(r->tables[2].title, "Version History");
  EXPECT_TRUE(r->warnings.empty());
}

TEST(MarkdownReaderTest, KeepsShiftedAndShortRowsWithWarnings) {
  const std::string md =
      "Work Programme\n\n"
      "| Network Reference | Deliverable | Owner |\n"
      "|---|---|---|\n"
      "| A-1 | Do | ND | Extra |\n"
      "| A-2 | Short |\n"
      "| | | Key Priorities |\n"
      "| | | |\n"
      "|---|---|---|\n";
  auto r = ReadMarkdown(md, "w.md");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Table& t = r->tables.at(0);
  ASSERT_EQ(t.rows.size(), 3u);  // the empty and separator rows are skipped
  EXPECT_EQ(t.rows[0].cells, (Cells{"A-1", "Do", "ND", "Extra"}));
  EXPECT_EQ(t.rows[1].cells, (Cells{"A-2", "Short", ""}));
  EXPECT_EQ(t.rows[2].cells, (Cells{"", "", "Key Priorities"}));
  ASSERT_EQ(r->warnings.size(), 3u);
  EXPECT_EQ(r->warnings[0].row, 5u);
  EXPECT_EQ(r->warnings[1].row, 6u);
  EXPECT_EQ(r->warnings[2].row, 7u);
  EXPECT_NE(r->warnings[2].message.find("section row"), std::string::npos);
}

// Issue 16: a plain (not bold) title over two lines gave the title "X Work
// Programme" without its year, and the file was refused. A title is read the
// way a person reads it, in every shape the strategy document uses.
TEST(MarkdownReaderTest, TitlesInEveryShapeBoldOrPlainOneLineOrSeveral) {
  const std::string table =
      "\n| Network Reference | Deliverable |\n|---|---|\n| A-1 | One |\n\n";
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"Medical Physics Work Programme\n(2023 - 2024)\n",
       "Medical Physics Work Programme (2023 - 2024)"},
      {"Education, Learning\nand Development\nWork Programme\n(2023 - 2024)\n",
       "Education, Learning and Development Work Programme (2023 - 2024)"},
      {"**Education, Learning\nand Development\nWork Programme\n(2023 - 2024)**\n",
       "Education, Learning and Development Work Programme (2023 - 2024)"},
      {"**Commercial & Assets Work Programme (2023 - 2024)**\n",
       "Commercial & Assets Work Programme (2023 - 2024)"},
      {"Work Programme (2023 - 2024)\n", "Work Programme (2023 - 2024)"},
      {"Programme Plan 2023/24\n", "Programme Plan 2023/24"},
      // The year in a paragraph of its own, and a link and legend between.
      {"User Involvement Work Programme\n\n(2023 - 2024)\n\n"
       "[WMIN User Involvement Work Programme.xlsx](#)\n\nRed\nAmber\nBlue\nGreen\n",
       "User Involvement Work Programme (2023 - 2024)"},
      {"## Digital Work Programme\n\n2023-24\n", "Digital Work Programme 2023-24"},
      {"Workforce Work Programme 2023-24\n===\n", "Workforce Work Programme 2023-24"},
      {"**Research & Innovation**\nWork Programme (2023 - 2024)\n",
       "Research & Innovation Work Programme (2023 - 2024)"},
  };
  for (const auto& [above, title] : shapes) {
    auto r = ReadMarkdown("Some prose that ends with a full stop.\n\n" + above + table, "t.md");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->tables.size(), 1u) << above;
    EXPECT_EQ(r->tables[0].title, title) << above;
  }
  // Prose sentences are not titles; the nearest title-like paragraph is.
  auto r = ReadMarkdown("Budget\n\nThe network is on track.\nIt will deliver.\n" + table, "t.md");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tables[0].title, "Budget");
}

TEST(MarkdownReaderTest, JoinsATableSplitAcrossPages) {
  const std::string md =
      "| Network Reference | Deliverable |\n"
      "|---|---|\n"
      "| A-1 | One |\n"
      "\n"
      "| | |\n"
      "|---|---|\n"
      "| A-2 | Two |\n"
      "\n"
      "Text between\n"
      "\n"
      "| | |\n"
      "|---|---|\n"
      "| Name | Strategy |\n";
  auto r = ReadMarkdown(md, "split.md");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 2u);
  ASSERT_EQ(r->tables[0].rows.size(), 2u);
  EXPECT_EQ(r->tables[0].rows[1].cells, (Cells{"A-2", "Two"}));
  EXPECT_EQ(r->tables[1].title, "Text between");
  EXPECT_EQ(r->tables[1].rows.size(), 1u);
}

TEST(MarkdownReaderTest, IgnoresFencedCodeAndAcceptsMissingSeparator) {
  const std::string md =
      "```\n| not | a table |\n|---|---|\n```\n\n"
      "| Owner | Deliverable |\n| ND | Plan |\n";
  auto r = ReadMarkdown(md, "f.md");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 1u);
  EXPECT_EQ(r->tables[0].rows.size(), 1u);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].message.find("separator"), std::string::npos);
}

TEST(MarkdownReaderTest, BadInput) {
  auto empty = ReadMarkdown("", "e.md");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  auto none = ReadMarkdown("Just prose.\n", "p.md");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("p.md: no Markdown pipe table"), std::string::npos);
  // Invalid UTF-8 after a UTF-8 BOM, and a byte Windows-1252 leaves undefined.
  auto bad = ReadMarkdown("\xEF\xBB\xBF| a | b |\n|---|---|\n| \xFF | x |\n", "u.md");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("u.md, row 3: invalid UTF-8"), std::string::npos);
  auto odd = ReadMarkdown("| a | b |\n|---|---|\n| \x9D | x |\n", "w.md");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message.find("w.md, row 3: byte 23 (0x9D) is neither UTF-8 nor Windows-1252"),
            std::string::npos) << odd.error().message;
  std::string wide = "| a | b |\n|---|---|\n";
  for (int i = 0; i < 10000; ++i) wide += "| x ";
  wide += "|\n";
  auto w = ReadMarkdown(wide, "wide.md");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(w.error().message.find("wide.md, row 3"), std::string::npos);
}

}  // namespace
}  // namespace assure::api::spreadsheet
