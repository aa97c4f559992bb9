#include "api/spreadsheet/xlsx_writer.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/markdown_reader.h"
#include "api/spreadsheet/xlsx_reader.h"
#include "tests/spreadsheet/zip_fixture.h"

namespace assure::api::spreadsheet {
namespace {

using testing::ReadZipEntry;

Table Programme() {
  Table t;
  t.title = "Quality Standard for Imaging Work Programme (2023 - 2024)";
  t.header = CanonicalHeader();
  const char* ragb[] = {"Red", "amber", "Blue (B)", "G", "On Target"};
  for (int i = 0; i < 5; ++i) {
    std::vector<std::string> cells(t.header.size());
    cells[0] = "QSI - 0" + std::to_string(i + 1);
    cells[2] = "Deliverable " + std::string(i == 4 ? 200 : 5, 'x');
    cells[3] = "Mar-23";
    cells[7] = "Line one\nLine two";
    cells[10] = ragb[i];
    t.rows.push_back({static_cast<std::size_t>(i + 2), cells});
  }
  return t;
}

TEST(XlsxWriterTest, ReadsBackThroughTheXlsxReader) {
  Table a = Programme();
  Table b = Programme();
  b.title = "Short";
  b.rows.resize(2);
  auto bytes = WriteXlsx({a, b});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  auto r = ReadXlsx(*bytes, "export.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 2u);
  // Titles longer than Excel's 31 characters are cut for the sheet name;
  // the full title comes back from the document properties.
  EXPECT_EQ(r->tables[0].source, "export.xlsx:Quality Standard for Imaging Wo");
  EXPECT_EQ(r->tables[0].title, a.title);
  EXPECT_EQ(r->tables[1].title, "Short");
  EXPECT_EQ(r->tables[0].header, a.header);
  ASSERT_EQ(r->tables[0].rows.size(), a.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(r->tables[0].rows[i].cells, a.rows[i].cells);
  }
  EXPECT_EQ(r->tables[1].rows.size(), 2u);
  EXPECT_TRUE(r->warnings.empty());
}

TEST(XlsxWriterTest, HeaderFrozenAndBoldColumnsSizedRagbFilled) {
  auto bytes = WriteXlsx({Programme()});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  pugi::xml_document sheet, styles;
  const std::string sheet_xml = ReadZipEntry(*bytes, "xl/worksheets/sheet1.xml");
  const std::string styles_xml = ReadZipEntry(*bytes, "xl/styles.xml");
  ASSERT_TRUE(sheet.load_string(sheet_xml.c_str()));
  ASSERT_TRUE(styles.load_string(styles_xml.c_str()));
  const pugi::xml_node ws = sheet.child("worksheet");

  const pugi::xml_node pane = ws.child("sheetViews").child("sheetView").child("pane");
  EXPECT_STREQ(pane.attribute("state").as_string(), "frozen");
  EXPECT_EQ(pane.attribute("ySplit").as_int(), 1);

  // Column widths: content-sized and capped at 60.
  std::vector<double> widths;
  for (pugi::xml_node c : ws.child("cols").children("col")) {
    widths.push_back(c.attribute("width").as_double());
  }
  ASSERT_EQ(widths.size(), 12u);
  EXPECT_LT(widths[0], 20);   // "Network Reference"
  EXPECT_GE(widths[0], 17);
  EXPECT_LT(widths[2], 61);   // 212 characters of deliverable, capped
  EXPECT_GE(widths[2], 59);

  const pugi::xml_node root = styles.child("styleSheet");
  std::vector<pugi::xml_node> fonts, fills, xfs;
  for (auto n : root.child("fonts").children("font")) fonts.push_back(n);
  for (auto n : root.child("fills").children("fill")) fills.push_back(n);
  for (auto n : root.child("cellXfs").children("xf")) xfs.push_back(n);
  auto xf_of = [&](const char* ref) -> pugi::xml_node {
    for (auto row : ws.child("sheetData").children("row")) {
      for (auto c : row.children("c")) {
        if (std::string(c.attribute("r").as_string()) == ref) {
          return xfs.at(c.attribute("s").as_uint());
        }
      }
    }
    return {};
  };
  auto fill_rgb = [&](const char* ref) {
    const pugi::xml_node xf = xf_of(ref);
    return std::string(fills.at(xf.attribute("fillId").as_uint())
                           .child("patternFill").child("fgColor").attribute("rgb").as_string());
  };
  // Header bold.
  EXPECT_TRUE(fonts.at(xf_of("A1").attribute("fontId").as_uint()).child("b"));
  EXPECT_FALSE(fonts.at(xf_of("A2").attribute("fontId").as_uint()).child("b"));
  // RAGB column K: Red, Amber, Blue, Green by value; "On Target" Blue.
  EXPECT_EQ(fill_rgb("K2"), "FFFF0000");
  EXPECT_EQ(fill_rgb("K3"), "FFFFC000");
  EXPECT_EQ(fill_rgb("K4"), "FF0070C0");
  EXPECT_EQ(fill_rgb("K5"), "FF00B050");
  EXPECT_EQ(fill_rgb("K6"), "FF0070C0");
  EXPECT_EQ(fill_rgb("A2"), "");
}

TEST(XlsxWriterTest, RagbColours) {
  EXPECT_EQ(RagbColourOf(" red "), RagbColour::kRed);
  EXPECT_EQ(RagbColourOf("Amber (A)"), RagbColour::kAmber);
  EXPECT_EQ(RagbColourOf("B"), RagbColour::kBlue);
  EXPECT_EQ(RagbColourOf("GREEN"), RagbColour::kGreen);
  EXPECT_EQ(RagbColourOf("On Target"), RagbColour::kBlue);
  EXPECT_EQ(RagbColourOf("Ongoing"), std::nullopt);
}

// Issue 16: the export writes a completed deliverable as "Completed" (its
// rating is Green); the cell was left unfilled.
TEST(XlsxWriterTest, CompletedIsGreen) {
  EXPECT_EQ(RagbColourOf("Completed"), RagbColour::kGreen);
  EXPECT_EQ(RagbColourOf(" completed "), RagbColour::kGreen);
  EXPECT_EQ(RagbColourOf("Cancelled"), std::nullopt);
}

TEST(XlsxWriterTest, SheetNamesAreLegalAndUnique) {
  Table t;
  t.header = {"Owner", "Deliverable"};
  Table a = t, b = t, c = t;
  a.title = "Comms & Engagement: Q1/Q2 [draft]?";
  b.title = a.title;
  c.title = "";
  auto bytes = WriteXlsx({a, b, c});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto r = ReadXlsx(*bytes, "n.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 3u);
  EXPECT_EQ(r->tables[0].source, "n.xlsx:Comms & Engagement  Q1 Q2  draf");
  EXPECT_EQ(r->tables[1].source, "n.xlsx:Comms & Engagement  Q1 Q2 (2)");
  EXPECT_EQ(r->tables[2].source, "n.xlsx:Sheet3");
  EXPECT_EQ(r->tables[0].title, a.title);
  EXPECT_EQ(r->tables[1].title, a.title);
  EXPECT_EQ(r->tables[2].title, "Sheet3");
}

TEST(XlsxWriterTest, Errors) {
  EXPECT_EQ(WriteXlsx({}).error().code, ErrorCode::kInvalidArgument);
  Table t;
  t.header = {"Owner"};
  t.rows.push_back({2, {std::string(40000, 'x')}});
  auto r = WriteXlsx({t});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(XlsxWriterTest, StrategyProgrammesRoundTrip) {
  auto md = ReadMarkdown(testing::ReadFile(ASSURE_STRATEGY_MD), "wmin-strategy.md");
  ASSERT_TRUE(md.ok());
  std::vector<Table> programmes;
  for (const Table& t : md->tables) {
    if (MatchHeader(t.header).matched >= 2) programmes.push_back(t);
  }
  auto bytes = WriteXlsx(programmes);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto r = ReadXlsx(*bytes, "strategy.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), programmes.size());
  for (std::size_t i = 0; i < programmes.size(); ++i) {
    ASSERT_EQ(r->tables[i].rows.size(), programmes[i].rows.size());
    for (std::size_t k = 0; k < programmes[i].rows.size(); ++k) {
      EXPECT_EQ(r->tables[i].rows[k].cells, programmes[i].rows[k].cells);
    }
  }
}

}  // namespace
}  // namespace assure::api::spreadsheet
