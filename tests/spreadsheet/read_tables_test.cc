#include "api/spreadsheet/read_tables.h"

#include <gtest/gtest.h>

#include "tests/spreadsheet/zip_fixture.h"

namespace assure::api::spreadsheet {
namespace {

TEST(ReadTablesTest, DetectsTheFormat) {
  EXPECT_EQ(DetectFormat("PK\x03\x04rest", "anything"), Format::kXlsx);
  EXPECT_EQ(DetectFormat("Owner,Deliverable", "x.xlsx"), Format::kXlsx);
  EXPECT_EQ(DetectFormat("x", "notes.MD"), Format::kMarkdown);
  EXPECT_EQ(DetectFormat("| a | b |\n|---|---|\n", "upload"), Format::kMarkdown);
  EXPECT_EQ(DetectFormat("Owner,Deliverable\n", "upload"), Format::kCsv);
  EXPECT_EQ(DetectFormat("Owner,Deliverable\n", "p.CSV"), Format::kCsv);
  EXPECT_EQ(DetectFormat(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "old.xls"),
            Format::kLegacyXls);
}

TEST(ReadTablesTest, DispatchesAndRefusesLegacyXls) {
  auto csv = ReadTables("Owner,Deliverable\nND,Plan\n", "a.csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->tables[0].rows.size(), 1u);
  auto bad = ReadTables("not a zip", "book.xlsx");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "book.xlsx");
  auto xls = ReadTables(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "old.xls");
  ASSERT_FALSE(xls.ok());
  EXPECT_EQ(xls.error().code, ErrorCode::kUnsupportedMediaType);
}

TEST(ReadTablesTest, NeverThrowsOnGarbage) {
  // A few deterministic pseudo-random inputs through every reader.
  std::uint32_t state = 12345;
  for (int i = 0; i < 200; ++i) {
    std::string bytes;
    const int n = static_cast<int>(state % 400);
    for (int k = 0; k < n; ++k) {
      state = state * 1103515245u + 12345u;
      const char alphabet[] = "|,;\"\n\r-: aZ\t\xC3\xA9\xFF";
      bytes.push_back(alphabet[(state >> 16) % (sizeof alphabet - 1)]);
    }
    for (const char* name : {"g.csv", "g.md", "g.xlsx"}) {
      auto r = ReadTables(bytes, name);
      if (!r.ok()) {
        EXPECT_FALSE(r.error().message.empty());
      }
    }
  }
}

}  // namespace
}  // namespace assure::api::spreadsheet
