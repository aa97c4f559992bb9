#include "api/spreadsheet/csv_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "api/spreadsheet/text.h"
#include "tests/spreadsheet/expect_error.h"

namespace assure::api::spreadsheet {
namespace {

using testing::ExpectError;

using Cells = std::vector<std::string>;

const char kHeader[] = "Network Reference,Deliverable,RAGB Status";

TEST(CsvReaderTest, ReadsExcelCsvWithBomCrlfAndQuotedCells) {
  const std::string csv = std::string("\xEF\xBB\xBF") + kHeader +
                          "\r\n"
                          "Governance-01,\"Finalise, and publish \"\"WMIN\"\" Strategy\",On Target\r\n"
                          "Digital-01,\"Line one\r\nLine two\",Blue\r\n"
                          "Workforce-01,Caf\xC3\xA9 workshop,Amber\r\n";
  auto r = ReadCsv(csv, "programme.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tables.size(), 1u);
  const Table& t = r->tables[0];
  EXPECT_EQ(t.source, "programme.csv");
  EXPECT_EQ(t.header, (Cells{"Network Reference", "Deliverable", "RAGB Status"}));
  EXPECT_EQ(t.header_row, 1u);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].cells,
            (Cells{"Governance-01", "Finalise, and publish \"WMIN\" Strategy", "On Target"}));
  EXPECT_EQ(t.rows[1].cells, (Cells{"Digital-01", "Line one\nLine two", "Blue"}));
  EXPECT_EQ(t.rows[2].cells[1], "Caf\xC3\xA9 workshop");
  // Row numbers are physical lines: the quoted line break moves row 4 on.
  EXPECT_EQ(t.rows[0].number, 2u);
  EXPECT_EQ(t.rows[1].number, 3u);
  EXPECT_EQ(t.rows[2].number, 5u);
  EXPECT_TRUE(r->warnings.empty());
}

TEST(CsvReaderTest, LfWithoutBomAndTrailingEmptyColumns) {
  auto r = ReadCsv(std::string(kHeader) + ",,\nA-1,Do it,Red,,\n\n,,,,\nA-2,,\n", "a.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Table& t = r->tables[0];
  EXPECT_EQ(t.header.size(), 3u);
  ASSERT_EQ(t.rows.size(), 2u);  // blank and all-empty rows skipped
  EXPECT_EQ(t.rows[0].cells, (Cells{"A-1", "Do it", "Red"}));
  EXPECT_EQ(t.rows[1].cells, (Cells{"A-2", "", ""}));  // padded to the header
  EXPECT_EQ(t.rows[1].number, 5u);
}

TEST(CsvReaderTest, DetectsSemicolons) {
  auto r = ReadCsv(
      "Network Reference;Deliverable;Description;RAGB Status\r\n"
      "Governance-02;Establish SIGs, forums;Focus: R&I, Commercial;\"On; Target\"\r\n",
      "eu.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Table& t = r->tables[0];
  ASSERT_EQ(t.header.size(), 4u);
  EXPECT_EQ(t.rows[0].cells,
            (Cells{"Governance-02", "Establish SIGs, forums", "Focus: R&I, Commercial",
                   "On; Target"}));
}

TEST(CsvReaderTest, HonoursExcelSepLineAndTabs) {
  auto r = ReadCsv("sep=;\nOwner;Deliverable\nNetwork Director;Plan, then act\n", "s.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tables[0].rows[0].cells, (Cells{"Network Director", "Plan, then act"}));
  EXPECT_EQ(r->tables[0].rows[0].number, 3u);
  auto tab = ReadCsv("Owner\tDeliverable\nND\tPlan\n", "t.tsv");
  ASSERT_TRUE(tab.ok());
  EXPECT_EQ(tab->tables[0].rows[0].cells, (Cells{"ND", "Plan"}));
}

TEST(CsvReaderTest, HeaderIsTheFirstRowThatLooksLikeOneAndTitleAboveIt) {
  auto r = ReadCsv(
      "Medical Physics Work Programme (2023 - 2024),,\n"
      ",,\n"
      "Legend,Red,Amber\n"
      "Network Reference,Deliverable,Owner\n"
      "Medical Physics - 01,Align protocols,MPSIG Chair\n",
      "mp.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Table& t = r->tables[0];
  EXPECT_EQ(t.title, "Medical Physics Work Programme (2023 - 2024)");
  EXPECT_EQ(t.header_row, 4u);
  ASSERT_EQ(t.rows.size(), 1u);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].row, 3u);
  EXPECT_EQ(r->warnings[0].file, "mp.csv");
}

TEST(CsvReaderTest, WarnsAboutShiftedCellsUnknownColumnsAndSectionRows) {
  auto r = ReadCsv(
      "Network Reference,Deliverable,Owner,Colour\n"
      "A-1,Do,ND,blue,EXTRA\n"
      ",,Key Priorities,\n",
      "w.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Table& t = r->tables[0];
  EXPECT_EQ(t.rows[0].cells, (Cells{"A-1", "Do", "ND", "blue", "EXTRA"}));
  EXPECT_EQ(t.rows[1].cells, (Cells{"", "", "Key Priorities", ""}));
  ASSERT_EQ(r->warnings.size(), 3u);
  EXPECT_EQ(r->warnings[0].row, 2u);
  EXPECT_NE(r->warnings[0].message.find("shifted"), std::string::npos);
  EXPECT_EQ(r->warnings[1].row, 3u);
  EXPECT_NE(r->warnings[1].message.find("Key Priorities"), std::string::npos);
  EXPECT_NE(r->warnings[2].message.find("Colour"), std::string::npos);
}

TEST(CsvReaderTest, RefusesEmptyBinaryAndNonUtf8Files) {
  ExpectError(ReadCsv("", "empty.csv"), ErrorCode::kInvalidArgument, "empty.csv: file is empty");
  ExpectError(ReadCsv("\xEF\xBB\xBF \r\n\r\n", "blank.csv"), ErrorCode::kInvalidArgument,
              "empty");
  ExpectError(ReadCsv(std::string("Owner,Deliverable\nA\0B,C\n", 23), "bin.csv"),
              ErrorCode::kInvalidArgument, "bin.csv, row 2: file contains NUL bytes");
  // Not UTF-8 after a UTF-8 byte order mark: refused, naming the line.
  ExpectError(ReadCsv("\xEF\xBB\xBFOwner,Deliverable\nA,B\nCaf\xE9,x\n", "latin1.csv"),
              ErrorCode::kInvalidArgument, "latin1.csv, row 3: invalid UTF-8");
  // The five bytes Windows-1252 leaves undefined, in a file that is not UTF-8.
  for (const char* odd : {"\x81", "\x8D", "\x8F", "\x90", "\x9D"}) {
    ExpectError(ReadCsv(std::string("Owner,Deliverable\nA,B\nCaf\xE9") + odd + ",x\n", "odd.csv"),
                ErrorCode::kInvalidArgument, "odd.csv, row 3: byte 27 (0x");
  }
}

// Issue 16: Excel's "CSV (Comma delimited)" is Windows-1252; such a file (en
// dashes, curly quotes, pound signs) was refused as "invalid UTF-8".
TEST(CsvReaderTest, ReadsWindows1252AsExcelSavesIt) {
  const std::string csv =
      "Workforce Work Programme (2023 \x96 2024)\r\n"
      "Network Reference,Deliverable,Owner,RAGB Status\r\n"
      "WF-01,\x93Grow our own\x94 \x80 \xA3" "5k,Caf\xE9 lead,On Target\r\n";
  auto r = ReadCsv(csv, "excel.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->encoding, "Windows-1252");
  ASSERT_EQ(r->tables.size(), 1u);
  EXPECT_EQ(r->tables[0].title, "Workforce Work Programme (2023 \u2013 2024)");
  ASSERT_EQ(r->tables[0].rows.size(), 1u);
  EXPECT_EQ(r->tables[0].rows[0].cells,
            (Cells{"WF-01", "\u201CGrow our own\u201D \u20AC \u00A3" "5k", "Caf\u00E9 lead", "On Target"}));
  // Valid UTF-8 (with or without a BOM) stays UTF-8, even where it would
  // also be valid Windows-1252 ("\xC3\xA9" is "Ã©" there).
  auto utf8 = ReadCsv(std::string(kHeader) + "\nX-1,Caf\xC3\xA9,Red\n", "u.csv");
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(utf8->encoding, "UTF-8");
  EXPECT_EQ(utf8->tables[0].rows[0].cells[1], "Caf\u00E9");
  // Every byte decodes to something (0x81 and friends to U+FFFD), at most 3
  // bytes out per byte in.
  std::string every;
  for (int b = 1; b < 256; ++b) every.push_back(static_cast<char>(b));
  const std::string decoded = DecodeWindows1252(every);
  EXPECT_TRUE(IsValidUtf8(decoded));
  EXPECT_LE(decoded.size(), 3 * every.size());
  EXPECT_EQ(DecodeWindows1252("\x81"), "\uFFFD");
  EXPECT_EQ(DecodeWindows1252("\x9F\xFF"), "\u0178\u00FF");
}

TEST(CsvReaderTest, RefusesAFileWithoutRecognisableHeader) {
  ExpectError(ReadCsv("Name,Age\nAlice,30\n", "people.csv"), ErrorCode::kInvalidArgument,
              "people.csv: no recognisable header");
}

TEST(CsvReaderTest, RefusesUnterminatedQuote) {
  ExpectError(ReadCsv("Owner,Deliverable\nA,\"never closed\nB,C\n", "q.csv"),
              ErrorCode::kInvalidArgument, "q.csv, row 2: a quoted cell");
}

TEST(CsvReaderTest, RefusesARowWithTenThousandColumns) {
  std::string csv = "Owner,Deliverable\nA,B";
  for (int i = 0; i < 10000; ++i) csv += ",x";
  csv += "\n";
  ExpectError(ReadCsv(csv, "wide.csv"), ErrorCode::kTooLarge,
              "wide.csv, row 2: row has more than 512 columns");
  // Ten thousand empty cells are harmless and trimmed.
  std::string empties = "Owner,Deliverable\nA,B" + std::string(10000, ',') + "\n";
  auto ok = ReadCsv(empties, "empties.csv");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->tables[0].rows[0].cells, (Cells{"A", "B"}));
  // The limit is configurable.
  ReadOptions options;
  options.limits.max_columns = 20000;
  EXPECT_TRUE(ReadCsv(csv, "wide.csv", options).ok());
}

TEST(CsvReaderTest, RefusesOversizedFilesRowsAndCells) {
  ReadOptions options;
  options.limits.max_input_bytes = 10;
  ExpectError(ReadCsv("Owner,Deliverable\nA,B\n", "big.csv", options), ErrorCode::kTooLarge,
              "big.csv");
  options = {};
  options.limits.max_rows = 2;
  ExpectError(ReadCsv("Owner,Deliverable\nA,B\nC,D\nE,F\n", "rows.csv", options),
              ErrorCode::kTooLarge, "rows.csv, row 3");  // the header is a row too
  options = {};
  options.limits.max_cell_bytes = 11;
  ExpectError(ReadCsv("Owner,Deliverable\nA,\"123456789012\"\n", "cell.csv", options),
              ErrorCode::kTooLarge, "cell.csv, row 2");
}

}  // namespace
}  // namespace assure::api::spreadsheet
