#include "api/spreadsheet/xlsx_reader.h"
#include "api/spreadsheet/xlsx_styles.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/spreadsheet/expect_error.h"

#include "tests/spreadsheet/zip_fixture.h"

namespace assure::api::spreadsheet {
namespace {

using testing::ExpectError;

using Cells = std::vector<std::string>;
using testing::MakeXlsx;
using testing::MakeZip;

const char kShared[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<si><t>Network Reference</t></si>"
    "<si><t>Deliverable</t></si>"
    "<si><t>Date Initiated</t></si>"
    "<si><t>RAGB Status</t></si>"
    "<si><r><rPr><b/></rPr><t>Rich </t></r><r><t xml:space=\"preserve\">text &amp; runs</t></r>"
    "<rPh><t>PHONETIC</t></rPh></si>"
    "<si><t>Line one_x000D_\nLine two</t></si>"
    "<si><t>Governance-01</t></si>"
    "</sst>";

// xf 0: General; 1: built-in 14 (d/m/yyyy); 2: custom mmm-yy; 3: custom
// dd/mm/yyyy hh:mm; 4: a plain number format.
const char kStyles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"mmm\\-yy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"dd/mm/yyyy\\ hh:mm\"/></numFmts>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"165\"/><xf numFmtId=\"4\"/></cellXfs></styleSheet>";

std::string HeaderRow() {
  return "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>1</v></c>"
         "<c r=\"C2\" t=\"s\"><v>2</v></c><c r=\"D2\" t=\"s\"><v>3</v></c></row>";
}

TEST(XlsxReaderTest, ReadsSharedInlineNumbersBooleansAndDates) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Digital Work Programme</t></is></c></row>" +
      HeaderRow() +
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>6</v></c><c r=\"B3\" t=\"s\"><v>4</v></c>"
      "<c r=\"C3\" s=\"2\"><v>44986</v></c><c r=\"D3\" t=\"inlineStr\"><is><r><t>On </t></r>"
      "<r><t>Target</t></r></is></c></row>"
      "<row r=\"5\"><c r=\"A5\"><v>42</v></c><c r=\"B5\" t=\"s\"><v>5</v></c>"
      "<c r=\"C5\" s=\"1\"><v>45070</v></c><c r=\"D5\" t=\"b\"><v>1</v></c></row>"
      "<row r=\"6\"><c r=\"A6\" s=\"4\"><v>3.5</v></c><c r=\"B6\" t=\"str\"><f>A1</f><v>formula</v></c>"
      "<c r=\"C6\" s=\"3\"><v>44986.5</v></c><c r=\"D6\" t=\"e\"><v>#N/A</v></c></row>"
      "<row r=\"7\"><c r=\"A7\"><v>0.1</v></c><c r=\"C7\" t=\"b\"><v>0</v></c></row>";
  const std::string bytes = MakeXlsx({{"Digital", sheet}}, kShared, kStyles);
  auto r = ReadXlsx(bytes, "book.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 1u);
  const Table& t = r->tables[0];
  // A title row above the header titles the table (the sheet name does not).
  EXPECT_EQ(t.title, "Digital Work Programme");
  EXPECT_EQ(t.source, "book.xlsx:Digital");
  EXPECT_EQ(t.header_row, 2u);
  EXPECT_EQ(t.header, (Cells{"Network Reference", "Deliverable", "Date Initiated", "RAGB Status"}));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0].number, 3u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"Governance-01", "Rich text & runs", "2023-03", "On Target"}));
  EXPECT_EQ(t.rows[1].number, 5u);
  EXPECT_EQ(t.rows[1].cells, (Cells{"42", "Line one\nLine two", "2023-05-24", "TRUE"}));
  EXPECT_EQ(t.rows[2].cells, (Cells{"3.5", "formula", "2023-03-01T12:00:00", "#N/A"}));
  EXPECT_EQ(t.rows[3].cells, (Cells{"0.1", "", "FALSE", ""}));
  EXPECT_TRUE(r->warnings.empty());
}

TEST(XlsxReaderTest, RatingColoursByHue) {
  EXPECT_EQ(RagbWordOfFill("FF0000"), "Red");
  EXPECT_EQ(RagbWordOfFill("C00000"), "Red");
  EXPECT_EQ(RagbWordOfFill("FFC000"), "Amber");
  EXPECT_EQ(RagbWordOfFill("FFFF00"), "Amber");
  EXPECT_EQ(RagbWordOfFill("00B050"), "Green");
  EXPECT_EQ(RagbWordOfFill("92D050"), "Green");
  EXPECT_EQ(RagbWordOfFill("0070C0"), "Blue");
  EXPECT_EQ(RagbWordOfFill("00B0F0"), "Blue");
  EXPECT_EQ(RagbWordOfFill("7030A0"), std::nullopt);  // purple
  EXPECT_EQ(RagbWordOfFill("D9D9D9"), std::nullopt);  // grey
  EXPECT_EQ(RagbWordOfFill("FFFFFF"), std::nullopt);
  EXPECT_EQ(RagbWordOfFill("theme 5"), std::nullopt);
}

TEST(XlsxReaderTest, ARatingGivenByItsFillAlone) {
  const char styles[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<fills count=\"4\"><fill><patternFill patternType=\"none\"/></fill>"
      "<fill><patternFill patternType=\"gray125\"/></fill>"
      "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFC000\"/></patternFill></fill>"
      "<fill><patternFill patternType=\"solid\"><fgColor indexed=\"20\"/></patternFill></fill>"
      "</fills><cellXfs count=\"3\"><xf numFmtId=\"0\" fillId=\"0\"/>"
      "<xf numFmtId=\"0\" fillId=\"2\"/><xf numFmtId=\"0\" fillId=\"3\"/></cellXfs></styleSheet>";
  const std::string sheet =
      HeaderRow() +
      "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>D-1</t></is></c>"
      "<c r=\"B3\" t=\"inlineStr\"><is><t>Amber by colour</t></is></c><c r=\"D3\" s=\"1\"/></row>"
      "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>D-2</t></is></c>"
      "<c r=\"B4\" t=\"inlineStr\"><is><t>Purple</t></is></c><c r=\"D4\" s=\"2\"/></row>";
  auto r = ReadXlsx(MakeXlsx({{"P", sheet}}, kShared, styles), "c.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Table& t = r->tables[0];
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells[3], "Amber");
  EXPECT_EQ(t.rows[1].cells[3], "");
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_EQ(r->warnings[0].row, 3u);
  EXPECT_NE(r->warnings[0].message.find("read as Amber"), std::string::npos);
  EXPECT_EQ(r->warnings[1].row, 4u);
  EXPECT_NE(r->warnings[1].message.find("#800080"), std::string::npos) << r->warnings[1].message;
}

TEST(XlsxReaderTest, OneTablePerSheetInWorkbookOrderWith1904Dates) {
  const std::string a = HeaderRow() +
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>6</v></c><c r=\"C3\" s=\"1\"><v>43524</v></c></row>";
  const std::string legend = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Red</t></is></c></row>";
  const std::string bytes =
      MakeXlsx({{"Workforce", a}, {"Legend", legend}, {"Empty", ""}}, kShared, kStyles, true);
  auto r = ReadXlsx(bytes, "b.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 2u);
  EXPECT_EQ(r->tables[0].title, "Workforce");
  EXPECT_EQ(r->tables[0].rows[0].cells[2], "2023-03-01");
  EXPECT_EQ(r->tables[1].title, "Legend");  // no programme header: first row kept as header
  EXPECT_EQ(r->tables[1].header, (Cells{"Red"}));
  bool empty_warned = false, legend_warned = false;
  for (const Warning& w : r->warnings) {
    empty_warned |= w.file == "b.xlsx:Empty";
    legend_warned |= w.file == "b.xlsx:Legend";
  }
  EXPECT_TRUE(empty_warned);
  EXPECT_TRUE(legend_warned);
}

TEST(XlsxReaderTest, ToleratesMergedCellsAndMissingCellRefs) {
  const std::string sheet =
      HeaderRow() +
      "<row><c t=\"s\"><v>6</v></c><c t=\"inlineStr\"><is><t>merged</t></is></c><c/><c/></row>";
  std::string bytes = MakeXlsx({{"S", sheet}}, kShared, kStyles);
  auto r = ReadXlsx(bytes, "m.xlsx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tables[0].rows[0].cells, (Cells{"Governance-01", "merged", "", ""}));
  EXPECT_EQ(r->tables[0].rows[0].number, 3u);
}

TEST(XlsxReaderTest, RefusesWhatIsNotAWorkbook) {
  ExpectError(ReadXlsx("", "e.xlsx"), ErrorCode::kInvalidArgument, "e.xlsx: file is empty");
  ExpectError(ReadXlsx("Owner,Deliverable\nA,B\n", "csv.xlsx"), ErrorCode::kInvalidArgument,
              "csv.xlsx: not an xlsx workbook: the file is not a zip");
  ExpectError(ReadXlsx(MakeZip({{"hello.txt", "hi"}}), "z.xlsx"), ErrorCode::kInvalidArgument,
              "xl/workbook.xml is missing");
  ExpectError(ReadXlsx(MakeXlsx({{"S", "<row><c"}}), "x.xlsx"), ErrorCode::kInvalidArgument,
              "is not XML");
  std::string truncated = MakeXlsx({{"S", HeaderRow()}}, kShared, kStyles);
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(ReadXlsx(truncated, "t.xlsx").ok());
  ExpectError(ReadXlsx(MakeXlsx({{"S", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\xFF</t></is></c></row>"}}),
                       "u.xlsx"),
              ErrorCode::kInvalidArgument, "u.xlsx:S, row 1: a cell holds invalid UTF-8");
}

TEST(XlsxReaderTest, RefusesTenThousandColumns) {
  const std::string sheet = HeaderRow() +
      "<row r=\"3\"><c r=\"NTP3\" t=\"inlineStr\"><is><t>far</t></is></c></row>";  // column 10,000
  ExpectError(ReadXlsx(MakeXlsx({{"S", sheet}}, kShared), "w.xlsx"), ErrorCode::kTooLarge,
              "w.xlsx:S, row 3: row has a cell in column 10000");
}

TEST(XlsxReaderTest, RefusesZipBombs) {
  // 30 MB of one repeated row compresses about 1000:1 (under the 32 MiB
  // part limit, so that the ratio check is what refuses it).
  std::string row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
  std::string body;
  while (body.size() < (30u << 20)) body += row;
  const std::string bomb = MakeXlsx({{"S", body}});
  EXPECT_LT(bomb.size(), 1u << 20);
  ExpectError(ReadXlsx(bomb, "bomb.xlsx"), ErrorCode::kTooLarge, "compression ratio");

  ReadOptions small;
  small.limits.max_entry_bytes = 1u << 20;
  ExpectError(ReadXlsx(bomb, "bomb.xlsx", small), ErrorCode::kTooLarge, "bomb.xlsx: zip entry");
  ReadOptions total;
  total.limits.max_compression_ratio = 1'000'000;
  total.limits.max_total_bytes = 8u << 20;
  ExpectError(ReadXlsx(bomb, "bomb.xlsx", total), ErrorCode::kTooLarge, "8388608 bytes");
  ReadOptions entries;
  entries.limits.max_zip_entries = 2;
  ExpectError(ReadXlsx(bomb, "bomb.xlsx", entries), ErrorCode::kTooLarge, "entries");
}

// A sheet is parsed whole: an upload under the document limit could inflate
// to 128 MiB per part (256 MiB in all) below the compression-ratio check.
// Now a part may inflate to 32 MiB and the parts read to 64 MiB; the error
// names the limit.
TEST(XlsxReaderTest, RefusesAPartThatInflatesPast32MiB) {
  const ReadLimits defaults;
  EXPECT_EQ(defaults.max_entry_bytes, 32u << 20);
  EXPECT_EQ(defaults.max_total_bytes, 64u << 20);
  // 40 MiB of varied text: compresses far less than the ratio limit.
  std::string body;
  std::uint64_t x = 88172645463325252ULL;
  while (body.size() < (40u << 20)) {
    body += "<row><c t=\"inlineStr\"><is><t>";
    for (int i = 0; i < 24; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      body += static_cast<char>('a' + x % 26);
    }
    body += "</t></is></c></row>";
  }
  const std::string big = MakeXlsx({{"S", body}});
  EXPECT_GT(big.size() * 200, body.size());  // under the ratio limit: only the size limit refuses it
  ExpectError(ReadXlsx(big, "big.xlsx"), ErrorCode::kTooLarge, "33554432");
}

}  // namespace
}  // namespace assure::api::spreadsheet
