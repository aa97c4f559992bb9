#include "api/spreadsheet/csv_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/csv_reader.h"
#include "api/spreadsheet/markdown_reader.h"
#include "tests/spreadsheet/zip_fixture.h"

namespace assure::api::spreadsheet {
namespace {

Table Sample() {
  Table t;
  t.title = "Medical Physics Work Programme (2023 - 2024)";
  t.header = CanonicalHeader();
  auto row = [&](std::vector<std::string> cells) {
    cells.resize(t.header.size());
    t.rows.push_back({t.rows.size() + 2, std::move(cells)});
  };
  row({"Governance-01", "", "Finalise, and publish \"WMIN\" Strategy", "Jul-22", "May-23",
       "Draft Dec-22", "Network Director", "Line one\nLine two\n\nLine four", "", "",
       "On Target", "Operational Governance IN-601"});
  row({"", "", "Liasion with Host Trust; \xE2\x80\x9C" "expenses\xE2\x80\x9D", "Nov-22", "Mar-23",
       "Jan-23", "", "Caf\xC3\xA9 \xF0\x9F\x98\x80", "", "", "Red", "Clinical Governance IN-501, 601, 701"});
  row({"QSIN - 01", "", "Map statements", "planned Apr 23", "", "", "", "", "", "", "Planned Activity",
       "All"});
  return t;
}

TEST(CsvWriterTest, WritesBomCrlfAndRfc4180Quoting) {
  Table t;
  t.header = {"Owner", "Deliverable"};
  t.rows.push_back({2, {"A, B", "say \"hi\""}});
  t.rows.push_back({3, {"x\ny", " padded "}});
  EXPECT_EQ(WriteCsv(t),
            "\xEF\xBB\xBFOwner,Deliverable\r\n"
            "\"A, B\",\"say \"\"hi\"\"\"\r\n"
            "\"x\ny\",\" padded \"\r\n");
  CsvWriteOptions semi;
  semi.delimiter = ';';
  semi.bom = false;
  EXPECT_EQ(WriteCsv(t, semi),
            "Owner;Deliverable\r\n\"A, B\";\"say \"\"hi\"\"\"\r\n\"x\ny\";\" padded \"\r\n");
}

TEST(CsvWriterTest, RoundTripsThroughTheReader) {
  const Table t = Sample();
  for (bool title : {false, true}) {
    for (char delim : {',', ';'}) {
      CsvWriteOptions o;
      o.title_row = title;
      o.delimiter = delim;
      auto r = ReadCsv(WriteCsv(t, o), "export.csv");
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_EQ(r->tables.size(), 1u);
      const Table& back = r->tables[0];
      EXPECT_EQ(back.header, t.header);
      ASSERT_EQ(back.rows.size(), t.rows.size());
      for (std::size_t i = 0; i < t.rows.size(); ++i) {
        EXPECT_EQ(back.rows[i].cells, t.rows[i].cells) << "row " << i;
      }
      EXPECT_EQ(back.title, title ? t.title : "");
      EXPECT_TRUE(r->warnings.empty());
    }
  }
}

// Found by the fuzzer: a title "SEP=" written alone on the first line read
// back as Excel's delimiter hint with a line break as the delimiter.
TEST(CsvWriterTest, ATitleThatLooksLikeASepHintRoundTrips) {
  Table t = Sample();
  t.title = "SEP=";
  CsvWriteOptions o;
  o.title_row = true;
  auto r = ReadCsv(WriteCsv(t, o), "sep.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tables[0].title, "SEP=");
  EXPECT_EQ(r->tables[0].rows.size(), t.rows.size());
  // A real hint still works; "sep=" followed by a line break is no hint.
  auto hinted = ReadCsv("sep=;\r\nOwner;Deliverable\r\nND;Plan, then act\r\n", "h.csv");
  ASSERT_TRUE(hinted.ok());
  EXPECT_EQ(hinted->tables[0].rows[0].cells[1], "Plan, then act");
  auto not_hint = ReadCsv("sep=\r\nOwner,Deliverable\r\nND,Plan\r\n", "n.csv");
  ASSERT_TRUE(not_hint.ok()) << not_hint.error().message;
  EXPECT_EQ(not_hint->tables[0].title, "sep=");
}

// Found by the fuzzer: a cell holding "Network Reference;Deliverable;..."
// made ';' look like the delimiter of a ',' file on reading it back.
TEST(CsvWriterTest, CellsHoldingOtherDelimitersAreQuoted) {
  Table t = Sample();
  t.title = "Owner;Deliverable";
  t.rows[0].cells[7] = "Network Reference;Deliverable;Date Initiated;Owner;RAGB Status";
  CsvWriteOptions o;
  o.title_row = true;
  const std::string csv = WriteCsv(t, o);
  EXPECT_NE(csv.find("\"Owner;Deliverable\""), std::string::npos);
  auto r = ReadCsv(csv, "d.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tables[0].title, t.title);
  EXPECT_EQ(r->tables[0].header, t.header);
  EXPECT_EQ(r->tables[0].rows[0].cells, t.rows[0].cells);
}

// Every input ops/fuzz ever found is kept and must round-trip.
TEST(CsvWriterTest, FuzzRegressionsRoundTrip) {
  const std::filesystem::path dir =
      std::filesystem::path(ASSURE_STRATEGY_MD).parent_path() / "fuzz-regressions";
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++n;
    ReadOptions options;
    options.limits.max_columns = 64;
    auto r = ReadCsv(testing::ReadFile(entry.path().string()), "fuzz.csv", options);
    if (!r.ok()) continue;
    CsvWriteOptions o;
    o.title_row = true;
    auto back = ReadCsv(WriteCsv(r->tables[0], o), "back.csv", options);
    ASSERT_TRUE(back.ok()) << entry.path() << ": " << back.error().message;
    EXPECT_EQ(back->tables[0].title, r->tables[0].title);
    EXPECT_EQ(back->tables[0].header, r->tables[0].header);
    ASSERT_EQ(back->tables[0].rows.size(), r->tables[0].rows.size());
    for (std::size_t i = 0; i < r->tables[0].rows.size(); ++i) {
      EXPECT_EQ(back->tables[0].rows[i].cells, r->tables[0].rows[i].cells);
    }
  }
  EXPECT_GE(n, 5u);
}

TEST(CsvWriterTest, StrategyProgrammesRoundTrip) {
  auto md = ReadMarkdown(testing::ReadFile(ASSURE_STRATEGY_MD), "wmin-strategy.md");
  ASSERT_TRUE(md.ok());
  std::size_t checked = 0;
  for (const Table& t : md->tables) {
    if (MatchHeader(t.header).matched < 2) continue;
    auto back = ReadCsv(WriteCsv(t), "p.csv");
    ASSERT_TRUE(back.ok()) << back.error().message;
    ASSERT_EQ(back->tables[0].rows.size(), t.rows.size()) << t.title;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      EXPECT_EQ(back->tables[0].rows[i].cells, t.rows[i].cells);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 7u);
}

}  // namespace
}  // namespace assure::api::spreadsheet
