#include "api/spreadsheet/column.h"
#include "api/spreadsheet/csv_reader.h"
#include "api/spreadsheet/xlsx_reader.h"
#include "storage/clock.h"
#include "tests/programme_files/import_fixture.h"
#include "tests/storage/test_util.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;

TEST(ExportTest, SeedStatusWords) {
  domain::DeliverableState d;
  EXPECT_EQ(SeedStatusWord(d), "Planned Activity");
  d.ragb = domain::Ragb::kBlue;
  EXPECT_EQ(SeedStatusWord(d), "Blue");
  // Issue 16: Blue and in progress went out as "Blue" and came back into a
  // fresh store planned; "On Target" carries both.
  d.status = domain::DeliverableStatus::kInProgress;
  EXPECT_EQ(SeedStatusWord(d), "On Target");
  d.ragb = domain::Ragb::kRed;
  EXPECT_EQ(SeedStatusWord(d), "Red");
  d.ragb = domain::Ragb::kBlue;
  d.status = domain::DeliverableStatus::kCompleted;
  EXPECT_EQ(SeedStatusWord(d), "Completed");
  d.status = domain::DeliverableStatus::kCancelled;
  EXPECT_EQ(SeedStatusWord(d), "Cancelled");
  d.ragb.reset();
  d.status = domain::DeliverableStatus::kNotStarted;
  EXPECT_EQ(SeedStatusWord(d), "Not started");
}

TEST(ExportTest, CsvHasTheSeedColumnsAndOriginalTexts) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*store, "wmin-strategy.md", StrategyDocument()).ok());
  const NetworkModel m = Model(*store);
  const std::string qsi = ProgrammeId(m, "Quality Standard for Imaging Work Programme (2023 - 2024)");
  auto csv = ExportProgramme(m, qsi, ExportFormat::kCsv);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->substr(0, 3), "\xEF\xBB\xBF");
  auto read = spreadsheet::ReadCsv(*csv, "qsi.csv");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->tables.size(), 1u);
  const spreadsheet::Table& t = read->tables[0];
  EXPECT_EQ(t.title, "Quality Standard for Imaging Work Programme (2023 - 2024)");
  EXPECT_EQ(t.header, spreadsheet::CanonicalHeader());
  ASSERT_EQ(t.rows.size(), 10u);
  EXPECT_EQ(t.rows[0].cells[0], "Data & Information - 01");
  EXPECT_EQ(t.rows[0].cells[11], "Clinical Governance IN-501, 601, 701");
  const std::string core = ProgrammeId(m, "Work Programme (2023 - 2024)");
  auto core_csv = ExportProgramme(m, core, ExportFormat::kCsv);
  auto core_read = spreadsheet::ReadCsv(*core_csv, "core.csv");
  ASSERT_TRUE(core_read.ok());
  const auto& rows = core_read->tables[0].rows;
  EXPECT_EQ(rows[0].cells[3], "Mar-22");
  EXPECT_EQ(rows[0].cells[5], "Ongoing");
  EXPECT_EQ(rows[2].cells[10], "On Target");  // Blue and in progress
  EXPECT_EQ(rows[14].cells[10], "Completed");
}

TEST(ExportTest, XlsxIsAWorkbookWithTheProgramme) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*store, "wmin-strategy.md", StrategyDocument()).ok());
  const NetworkModel m = Model(*store);
  auto xlsx = ExportProgramme(m, ProgrammeId(m, "User Involvement Work Programme (2023 - 2024)"),
                              ExportFormat::kXlsx);
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().message;
  EXPECT_EQ(xlsx->substr(0, 2), "PK");
  auto read = spreadsheet::ReadXlsx(*xlsx, "ui.xlsx");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->tables.size(), 1u);
  EXPECT_EQ(read->tables[0].rows.size(), 3u);
  EXPECT_EQ(read->tables[0].rows[0].cells[2], "Liasion with Host Trust re Patient Expenses");
}

TEST(ExportTest, AsOfADate) {
  auto clock = std::make_shared<storage::testing::FakeClock>(1'685'577'600'000'000);  // 2023-06-01
  storage::StoreOptions options;
  options.clock = clock;
  auto store = storage::NewMemoryStore(options);
  const std::string v1 =
      "Digital Work Programme 2023-24\r\nNetwork Reference,Deliverable,Owner,RAGB Status\r\n"
      "D-01,Image sharing,Chair,On Target\r\n";
  ASSERT_TRUE(Import(*store, "d.csv", v1).ok());
  clock->Set(1'688'169'600'000'000);  // 2023-07-01
  const std::string v2 =
      "Digital Work Programme 2023-24\r\nNetwork Reference,Deliverable,Owner,RAGB Status\r\n"
      "D-01,Image sharing,Director,Red\r\n";
  auto changed = Import(*store, "d.csv", v2);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->events_appended, 2u);
  const std::string id = changed->programmes[0].id;

  auto june = ExportProgrammeFile(*store, id, "csv", "2023-06-15");
  ASSERT_TRUE(june.ok()) << june.error().message;
  EXPECT_NE(june->bytes.find("Chair"), std::string::npos);
  EXPECT_NE(june->bytes.find("On Target"), std::string::npos);
  EXPECT_EQ(june->content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(june->file_name, "digital-work-programme-2023-24.csv");
  auto now = ExportProgrammeFile(*store, id, "xlsx", "");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->file_name, "digital-work-programme-2023-24.xlsx");
  auto july = ExportProgrammeFile(*store, id, "CSV", "2023-07-01");
  ASSERT_TRUE(july.ok());
  EXPECT_NE(july->bytes.find("Director"), std::string::npos);
  EXPECT_NE(july->bytes.find("Red"), std::string::npos);

  auto before = ExportProgrammeFile(*store, id, "csv", "2023-05-01");
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ExportProgrammeFile(*store, id, "pdf", "").error().field, "format");
  EXPECT_EQ(ExportProgrammeFile(*store, id, "csv", "1/6/2023").error().field, "as_of");
  EXPECT_EQ(ExportProgrammeFile(*store, "wp-nope", "csv", "").error().code, ErrorCode::kNotFound);
}

TEST(ExportTest, ListsProgrammes) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*store, "wmin-strategy.md", StrategyDocument()).ok());
  const auto list = ListProgrammes(Model(*store));
  ASSERT_EQ(list.size(), 7u);
  EXPECT_EQ(list[0].title, "Commercial & Assets Work Programme (2023 - 2024)");
  EXPECT_EQ(list[0].group_name, "Commercial & Assets");
  EXPECT_EQ(list[0].deliverables, 11u);
}

}  // namespace
}  // namespace assure::api::programme_files
