// Bad files: a clear error naming the file (and row), and nothing written,
// even when a good file comes with the bad one.
#include "tests/spreadsheet/zip_fixture.h"
#include "tests/programme_files/import_fixture.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;

const std::string kGoodCsv =
    "Medical Physics Work Programme (2023 - 2024)\r\n"
    "Network Reference,Deliverable,Owner,RAGB Status\r\n"
    "MP-01,Align protocols,Chair,On Target\r\n";

void ExpectRefused(const ImportFile& bad, ErrorCode code, const std::string& needle) {
  auto store = storage::NewMemoryStore();
  for (bool dry_run : {false, true}) {
    auto r = ImportFiles(*store, {ImportFile{"good.csv", kGoodCsv}, bad}, Options(dry_run));
    ASSERT_FALSE(r.ok()) << bad.name;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(bad.name), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().field, bad.name);
    EXPECT_EQ(store->Head().position, 0u) << bad.name;
  }
}

TEST(BadInputTest, EmptyFile) { ExpectRefused({"empty.csv", ""}, ErrorCode::kInvalidArgument, "empty"); }

TEST(BadInputTest, BinaryFile) {
  std::string bytes(4096, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  ExpectRefused({"photo.csv", bytes}, ErrorCode::kInvalidArgument, "photo.csv");
}

TEST(BadInputTest, XlsxThatIsNotAZip) {
  ExpectRefused({"book.xlsx", "this is not a zip at all"}, ErrorCode::kInvalidArgument, "zip");
}

TEST(BadInputTest, ZipBomb) {
  std::string row = "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
  std::string body;
  // 30 MB: under the 32 MiB part limit, so that the ratio check refuses it.
  while (body.size() < (30u << 20)) body += row;
  ExpectRefused({"bomb.xlsx", spreadsheet::testing::MakeXlsx({{"S", body}})}, ErrorCode::kTooLarge,
                "compression ratio");
}

TEST(BadInputTest, TenThousandColumns) {
  std::string wide = kGoodCsv + "MP-02,Wide";
  for (int i = 0; i < 10'000; ++i) wide += ",x";
  wide += "\r\n";
  ExpectRefused({"wide.csv", wide}, ErrorCode::kTooLarge, "row 4");
}

// Not UTF-8 is read as Windows-1252 (Excel's "CSV (Comma delimited)"), but a
// byte that encoding leaves undefined, or invalid UTF-8 after a UTF-8 byte
// order mark, is still refused.
TEST(BadInputTest, NeitherUtf8NorWindows1252) {
  ExpectRefused({"odd.csv", kGoodCsv + "MP-02,Caf\xe9 \x81,Chair,Red\r\n"},
                ErrorCode::kInvalidArgument, "row 4: byte 146 (0x81) is neither UTF-8 nor Windows-1252");
  ExpectRefused({"bom.csv", "\xEF\xBB\xBF" + kGoodCsv + "MP-02,Caf\xe9,Chair,Red\r\n"},
                ErrorCode::kInvalidArgument, "UTF-8 byte order mark");
}

TEST(BadInputTest, NoHeader) {
  ExpectRefused({"noheader.csv", "a,b,c\r\n1,2,3\r\n"}, ErrorCode::kInvalidArgument, "header");
}

TEST(BadInputTest, MarkdownWithoutAProgrammeTable) {
  ExpectRefused({"notes.md", "# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"},
                ErrorCode::kInvalidArgument, "no work programme table");
}

TEST(BadInputTest, NoProgrammeYear) {
  ExpectRefused({"untitled.csv", "Network Reference,Deliverable\r\nX-01,Do it\r\n"},
                ErrorCode::kInvalidArgument, "cannot tell which work programme");
  // Issue 16: the refusal says which option names the programme.
  ExpectRefused({"untitled.csv", "Network Reference,Deliverable\r\nX-01,Do it\r\n"},
                ErrorCode::kInvalidArgument, "--title");
  ExpectRefused({"untitled.csv", "Network Reference,Deliverable\r\nX-01,Do it\r\n"},
                ErrorCode::kInvalidArgument, "title=");
}

TEST(BadInputTest, NoDeliverableColumn) {
  ExpectRefused({"nodeliv 2023-24.csv", "Network Reference,Owner,RAGB Status\r\nX-01,Me,Red\r\n"},
                ErrorCode::kInvalidArgument, "no Deliverable column");
}

TEST(BadInputTest, NoFiles) {
  auto store = storage::NewMemoryStore();
  auto r = ImportFiles(*store, {}, Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(BadInputTest, TheProgrammeCanComeFromTheFileNameOrAnOption) {
  auto store = storage::NewMemoryStore();
  const std::string untitled = "Network Reference,Deliverable\r\nX-01,Do it\r\n";
  auto by_name = Import(*store, "Workforce Work Programme 2023-24.csv", untitled);
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  ASSERT_EQ(by_name->programmes.size(), 1u);
  EXPECT_EQ(by_name->programmes[0].group_name, "Workforce");
  ImportOptions o = Options();
  o.programme_id = by_name->programmes[0].id;
  auto by_id = ImportFiles(*store, {{"any.csv", untitled}}, o);
  ASSERT_TRUE(by_id.ok()) << by_id.error().message;
  EXPECT_EQ(by_id->events_appended, 0u);
  o.programme_id = "wp-nope";
  EXPECT_EQ(ImportFiles(*store, {{"any.csv", untitled}}, o).error().code, ErrorCode::kNotFound);
}

TEST(BadInputTest, RowsTheDomainRefusesBecomeWarnings) {
  auto store = storage::NewMemoryStore();
  auto r = Import(*store, "dates.csv",
                  "Digital Work Programme 2023-24\r\n"
                  "Network Reference,Deliverable,Date Initiated,Planned End Date\r\n"
                  "D-01,Backwards,Jun-23,Jan-23\r\n"
                  "D-02,Fine,Jan-23,Jun-23\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->deliverables_created, 1u);
  EXPECT_EQ(r->rows_skipped, 1u);
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].action, RowAction::kRejected);
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_EQ(r->warnings.back().row, 3u);
  EXPECT_NE(r->warnings.back().message.find("before the date initiated"), std::string::npos);
}

// Regression (issue 15): text beyond the domain's limits (domain/text_limits.h)
// or holding control characters was imported as it was. Now such a row is a
// warning naming the row and the limit, and the other rows are imported.
TEST(BadInputTest, RowsWithTextBeyondTheLimitsBecomeWarnings) {
  auto store = storage::NewMemoryStore();
  auto r = Import(*store, "limits.csv",
                  "Digital Work Programme 2023-24\r\n"
                  "Network Reference,Deliverable,Owner\r\n"
                  "D-01," + std::string(600, 't') + ",Chair\r\n"
                  "D-02,Fine,Chair\r\n"
                  "D-03,Bell\a,Chair\r\n"
                  "D-04,\"Two\r\n  lines\",\"Chair\nSecretary\"\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  // A one-line field's line breaks (Alt+Enter in a cell) are joined.
  EXPECT_EQ(r->deliverables_created, 2u);
  EXPECT_EQ(r->rows_skipped, 2u);
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_EQ(r->warnings[0].row, 3u);
  EXPECT_NE(r->warnings[0].message.find("longer than 500 characters"), std::string::npos)
      << r->warnings[0].message;
  EXPECT_EQ(r->warnings[1].row, 5u);
  EXPECT_NE(r->warnings[1].message.find("U+0007"), std::string::npos) << r->warnings[1].message;
  bool joined = false;
  Model(*store).deliverables.ForEach([&](const auto&, const domain::DeliverableState& d) {
    if (d.title == "Two lines") joined = d.owner == "Chair Secretary";
  });
  EXPECT_TRUE(joined);
}

}  // namespace
}  // namespace assure::api::programme_files
