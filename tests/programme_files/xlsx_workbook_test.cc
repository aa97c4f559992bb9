// xlsx workbooks in and out (issue 16): an export carries its programme's
// identity into any store, and a workbook built by people (merged title row,
// Excel date cells, ratings as fills, formulas, a legend sheet) keeps its
// meaning.
#include <cstdio>
#include <string>
#include <vector>

#include <xlsxwriter.h>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/xlsx_reader.h"
#include "api/spreadsheet/xlsx_writer.h"
#include "tests/spreadsheet/zip_fixture.h"
#include "tests/programme_files/import_fixture.h"
#include "tests/storage/test_util.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;
using domain::DatePrecision;
using domain::DeliverableState;
using domain::Ragb;

std::string ProgrammeCsv(const std::string& title, const std::string& owner) {
  return title +
         "\r\nNetwork Reference,Deliverable,Owner,Planned End Date,RAGB Status\r\n"
         "D-01,Image sharing," + owner + ",Mar-24,On Target\r\n"
         "D-02,PACS upgrade,Director,2024-01-31,Amber\r\n";
}

const DeliverableState* ByReference(const NetworkModel& m, const std::string& programme_id,
                                    const std::string& reference) {
  auto p = m.programmes.Find(programme_id);
  if (!p) return nullptr;
  for (const auto& id : p->deliverable_ids) {
    auto d = m.deliverables.Find(id);
    if (d && d->reference == reference) return d.get();
  }
  return nullptr;
}

TEST(XlsxExportTest, ImportsIntoAFreshStoreUnderItsOwnTitle) {
  const std::string title = "Digital Work Programme (2023 - 2024)";
  auto origin = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*origin, "d.csv", ProgrammeCsv(title, "Chair")).ok());
  const NetworkModel m = Model(*origin);
  const std::string id = ProgrammeId(m, title);
  auto xlsx = ExportProgramme(m, id, ExportFormat::kXlsx);
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;

  // The workbook says which programme it is, in full.
  auto read = spreadsheet::ReadXlsx(*xlsx, "digital-work.xlsx");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->tables.size(), 1u);
  EXPECT_EQ(read->tables[0].title, title);
  EXPECT_EQ(read->tables[0].id, id);

  auto fresh = storage::NewMemoryStore();
  auto first = Import(*fresh, "digital-work.xlsx", *xlsx);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->programmes.size(), 1u);
  EXPECT_EQ(first->programmes[0].title, title);
  EXPECT_EQ(first->programmes[0].group_name, "Digital");
  EXPECT_EQ(first->programmes[0].year, "2023-24");
  EXPECT_EQ(first->programmes[0].id, id);
  EXPECT_EQ(first->deliverables_created, 2u);
  auto again = Import(*fresh, "digital-work.xlsx", *xlsx);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_appended, 0u);
  auto home = Import(*origin, "digital-work.xlsx", *xlsx);
  ASSERT_TRUE(home.ok());
  EXPECT_EQ(home->events_appended, 0u);
}

TEST(XlsxExportTest, AnEditedExportChangesItsOwnYearOnly) {
  // Titles whose first 31 characters (the sheet name) are the same.
  const std::string y1 = "Digital Imaging and Informatics Work Programme (2022 - 2023)";
  const std::string y2 = "Digital Imaging and Informatics Work Programme (2023 - 2024)";
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*store, "a.csv", ProgrammeCsv(y1, "Chair")).ok());
  ASSERT_TRUE(Import(*store, "b.csv", ProgrammeCsv(y2, "Chair")).ok());
  for (const std::string& year : {y1, y2}) {
    const NetworkModel before = Model(*store);
    const std::string id = ProgrammeId(before, year);
    auto table = ProgrammeTable(before, id);
    ASSERT_TRUE(table.ok());
    table->rows[0].cells[6] = "Owner for " + year;  // Owner
    auto xlsx = spreadsheet::WriteXlsx({*table});
    ASSERT_TRUE(xlsx.ok());
    auto r = Import(*store, "digital-work.xlsx", *xlsx);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->programmes.size(), 1u);
    EXPECT_EQ(r->programmes[0].id, id) << year;
    EXPECT_EQ(r->deliverables_changed, 1u);
    const NetworkModel after = Model(*store);
    EXPECT_EQ(ByReference(after, id, "D-01")->owner, "Owner for " + year);
  }
  const NetworkModel m = Model(*store);
  EXPECT_EQ(ByReference(m, ProgrammeId(m, y1), "D-01")->owner, "Owner for " + y1);
  EXPECT_EQ(ByReference(m, ProgrammeId(m, y2), "D-01")->owner, "Owner for " + y2);

  // A workbook with only the cut sheet name (no properties: an older export)
  // cannot tell the years apart: refused, naming the options, nothing written.
  auto table = ProgrammeTable(m, ProgrammeId(m, y2));
  ASSERT_TRUE(table.ok());
  table->id.clear();
  table->title = table->title.substr(0, 31);
  auto old = spreadsheet::WriteXlsx({*table});
  ASSERT_TRUE(old.ok());
  const auto head = store->Head().position;
  auto refused = Import(*store, "old.xlsx", *old);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("--title"), std::string::npos) << refused.error().message;
  EXPECT_EQ(store->Head().position, head);
}

TEST(XlsxExportTest, ALongTitleSurvivesInFull) {
  spreadsheet::Table t;
  t.title = std::string(300, 'x') + " Work Programme (2023 - 2024) \xE2\x80\x93 " + std::string(200, 'y');
  t.id = "wp-1";
  t.header = {"Network Reference", "Deliverable"};
  t.rows.push_back({2, {"A-1", "Thing"}});
  auto xlsx = spreadsheet::WriteXlsx({t});
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;
  auto read = spreadsheet::ReadXlsx(*xlsx, "t.xlsx");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->tables[0].title, t.title);
  EXPECT_EQ(read->tables[0].id, "wp-1");
}

// A workbook as a board makes one, written with libxlsxwriter.
class BoardWorkbookTest : public ::testing::Test {
 protected:
  static std::string Build() {
    // One file per test and process: ctest runs these tests in parallel.
    const std::string path = ::testing::TempDir() + "/assure-board-workbook-" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                             "-" + std::to_string(::getpid()) + ".xlsx";
    lxw_workbook* wb = workbook_new(path.c_str());
    lxw_format* title = workbook_add_format(wb);
    format_set_bold(title);
    lxw_format* month = workbook_add_format(wb);
    format_set_num_format(month, "mmm-yy");
    lxw_format* day = workbook_add_format(wb);
    format_set_num_format(day, "dd/mm/yyyy");
    auto fill = [&](lxw_color_t c) {
      lxw_format* f = workbook_add_format(wb);
      format_set_bg_color(f, c);
      format_set_pattern(f, LXW_PATTERN_SOLID);
      return f;
    };
    lxw_format* amber = fill(0xFFC000);
    lxw_format* red = fill(0xFF0000);
    lxw_format* purple = fill(0x7030A0);

    lxw_worksheet* ws = workbook_add_worksheet(wb, "Sheet1");
    worksheet_merge_range(ws, 0, 0, 0, 11, "Digital Work Programme (2023 - 2024)", title);
    const auto header = spreadsheet::CanonicalHeader();
    for (std::size_t c = 0; c < header.size(); ++c) {
      worksheet_write_string(ws, 1, static_cast<lxw_col_t>(c), header[c].c_str(), nullptr);
    }
    lxw_datetime feb21{2021, 2, 1, 0, 0, 0};
    lxw_datetime jun21{2021, 6, 15, 0, 0, 0};
    lxw_datetime jan20{2020, 1, 1, 0, 0, 0};
    // Row 3: dates as date cells, the rating a word on its colour.
    worksheet_write_string(ws, 2, 0, "D-01", nullptr);
    worksheet_write_string(ws, 2, 2, "Image sharing", nullptr);
    worksheet_write_datetime(ws, 2, 3, &feb21, month);
    worksheet_write_datetime(ws, 2, 4, &jun21, day);
    worksheet_write_formula_str(ws, 2, 6, "=\"Ch\"&\"air\"", nullptr, "Chair");
    worksheet_write_string(ws, 2, 10, "Amber", amber);
    // Row 4: the rating given by its fill alone.
    worksheet_write_string(ws, 3, 0, "D-02", nullptr);
    worksheet_write_string(ws, 3, 2, "PACS upgrade", nullptr);
    worksheet_write_datetime(ws, 3, 3, &jan20, month);
    worksheet_write_datetime(ws, 3, 4, &feb21, month);
    worksheet_write_blank(ws, 3, 10, red);
    // Row 5: a fill that is no rating.
    worksheet_write_string(ws, 4, 0, "D-03", nullptr);
    worksheet_write_string(ws, 4, 2, "Archive", nullptr);
    worksheet_write_blank(ws, 4, 10, purple);

    lxw_worksheet* legend = workbook_add_worksheet(wb, "Legend");
    worksheet_write_string(legend, 0, 0, "Red", red);
    worksheet_write_string(legend, 0, 1, "Off track", nullptr);
    worksheet_write_string(legend, 1, 0, "Amber", amber);
    worksheet_write_string(legend, 1, 1, "At risk", nullptr);
    EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
    std::string bytes = spreadsheet::testing::ReadFile(path);
    std::remove(path.c_str());
    return bytes;
  }

  bool Warned(const ImportReport& r, std::size_t row, const std::string& text) {
    for (const auto& w : r.warnings) {
      if (w.row == row && w.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::unique_ptr<storage::EventStore> store_ = storage::NewMemoryStore();
};

TEST_F(BoardWorkbookTest, TitleDatesAndColoursKeepTheirMeaning) {
  const std::string xlsx = Build();
  auto r = Import(*store_, "board-upload.xlsx", xlsx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->programmes.size(), 1u);
  EXPECT_EQ(r->programmes[0].title, "Digital Work Programme (2023 - 2024)");
  EXPECT_EQ(r->programmes[0].group_name, "Digital");
  EXPECT_EQ(r->deliverables_created, 3u);

  const NetworkModel m = Model(*store_);
  const std::string pid = r->programmes[0].id;
  const DeliverableState* d1 = ByReference(m, pid, "D-01");
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(d1->date_initiated.date, "2021-02-01");
  EXPECT_EQ(d1->date_initiated.precision, DatePrecision::kMonth);
  EXPECT_EQ(d1->planned_end.date, "2021-06-15");
  EXPECT_EQ(d1->planned_end.precision, DatePrecision::kDay);
  EXPECT_EQ(d1->owner, "Chair");
  EXPECT_EQ(d1->ragb, Ragb::kAmber);

  const DeliverableState* d2 = ByReference(m, pid, "D-02");
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->ragb, Ragb::kRed);
  EXPECT_EQ(d2->planned_end.precision, DatePrecision::kMonth);
  EXPECT_TRUE(Warned(*r, 4, "read as Red"));

  const DeliverableState* d3 = ByReference(m, pid, "D-03");
  ASSERT_NE(d3, nullptr);
  EXPECT_EQ(d3->ragb, std::nullopt);
  EXPECT_TRUE(Warned(*r, 5, "#7030A0")) << "a colour that is no rating is never dropped silently";
  for (const auto& row : r->rows) {
    for (const auto& note : row.notes) {
      EXPECT_EQ(note.find("no date read"), std::string::npos) << note;
    }
  }
}

TEST_F(BoardWorkbookTest, ExportKeepsDatesAsDatesWithTheirPrecision) {
  ASSERT_TRUE(Import(*store_, "board.xlsx", Build()).ok());
  const NetworkModel m = Model(*store_);
  const std::string pid = ProgrammeId(m, "Digital Work Programme (2023 - 2024)");
  auto xlsx = ExportProgramme(m, pid, ExportFormat::kXlsx);
  ASSERT_TRUE(xlsx.ok());
  // D-01's Date Initiated (D2) and Planned End (E2) are numbers (date cells)
  // shown as a month and as a day.
  const std::string sheet = spreadsheet::testing::ReadZipEntry(*xlsx, "xl/worksheets/sheet1.xml");
  const std::string styles = spreadsheet::testing::ReadZipEntry(*xlsx, "xl/styles.xml");
  EXPECT_NE(sheet.find("<c r=\"D2\" s="), std::string::npos) << sheet;
  const auto d2 = sheet.find("<c r=\"D2\"");
  ASSERT_NE(d2, std::string::npos);
  EXPECT_EQ(sheet.substr(d2, sheet.find('>', d2) - d2).find("t=\"s\""), std::string::npos)
      << "a date cell, not text";
  EXPECT_NE(styles.find("dd/mm/yyyy"), std::string::npos);
  auto read = spreadsheet::ReadXlsx(*xlsx, "out.xlsx");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->tables[0].rows[0].cells[3], "2021-02");
  EXPECT_EQ(read->tables[0].rows[0].cells[4], "2021-06-15");
  // And it imports back unchanged.
  auto again = Import(*store_, "out.xlsx", *xlsx);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_appended, 0u);
}

}  // namespace
}  // namespace assure::api::programme_files
