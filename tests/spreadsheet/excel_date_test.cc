#include "api/spreadsheet/excel_date.h"

#include <gtest/gtest.h>

#include "api/spreadsheet/xlsx_styles.h"

namespace assure::api::spreadsheet {
namespace {

TEST(ExcelDateTest, SerialsInThe1900System) {
  EXPECT_EQ(ExcelSerialToIso(1, false, DateShape::kDate), "1900-01-01");
  EXPECT_EQ(ExcelSerialToIso(59, false, DateShape::kDate), "1900-02-28");
  EXPECT_EQ(ExcelSerialToIso(60, false, DateShape::kDate), std::nullopt);  // 1900-02-29
  EXPECT_EQ(ExcelSerialToIso(61, false, DateShape::kDate), "1900-03-01");
  EXPECT_EQ(ExcelSerialToIso(44986, false, DateShape::kDate), "2023-03-01");
  EXPECT_EQ(ExcelSerialToIso(45070, false, DateShape::kDate), "2023-05-24");
  EXPECT_EQ(ExcelSerialToIso(44986, false, DateShape::kMonth), "2023-03");
  EXPECT_EQ(ExcelSerialToIso(44986, false, DateShape::kYear), "2023");
  EXPECT_EQ(ExcelSerialToIso(44986.5, false, DateShape::kDateTime), "2023-03-01T12:00:00");
  EXPECT_EQ(ExcelSerialToIso(0.75, false, DateShape::kTime), "18:00:00");
  EXPECT_EQ(ExcelSerialToIso(2958465, false, DateShape::kDate), "9999-12-31");
}

TEST(ExcelDateTest, SerialsInThe1904SystemAndNonsense) {
  EXPECT_EQ(ExcelSerialToIso(0, true, DateShape::kDate), "1904-01-01");
  EXPECT_EQ(ExcelSerialToIso(44986 - 1462, true, DateShape::kDate), "2023-03-01");
  EXPECT_EQ(ExcelSerialToIso(-1, false, DateShape::kDate), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(1e12, false, DateShape::kDate), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(std::numeric_limits<double>::quiet_NaN(), false,
                             DateShape::kDate),
            std::nullopt);
}

TEST(ExcelDateTest, DateFormatsAreRecognised) {
  EXPECT_EQ(DateShapeOfFormat(14, ""), DateShape::kDate);
  EXPECT_EQ(DateShapeOfFormat(17, ""), DateShape::kMonth);
  EXPECT_EQ(DateShapeOfFormat(22, ""), DateShape::kDateTime);
  EXPECT_EQ(DateShapeOfFormat(20, ""), DateShape::kTime);
  EXPECT_EQ(DateShapeOfFormat(0, ""), std::nullopt);
  EXPECT_EQ(DateShapeOfFormat(2, ""), std::nullopt);
  EXPECT_EQ(DateShapeOfFormat(164, "mmm-yy"), DateShape::kMonth);
  EXPECT_EQ(DateShapeOfFormat(165, "dd/mm/yyyy"), DateShape::kDate);
  EXPECT_EQ(DateShapeOfFormat(166, "[$-809]dd mmmm yyyy;@"), DateShape::kDate);
  EXPECT_EQ(DateShapeOfFormat(167, "yyyy-mm-dd hh:mm"), DateShape::kDateTime);
  EXPECT_EQ(DateShapeOfFormat(168, "h:mm AM/PM"), DateShape::kTime);
  EXPECT_EQ(DateShapeOfFormat(169, "General"), std::nullopt);
  EXPECT_EQ(DateShapeOfFormat(170, "#,##0.00"), std::nullopt);
  EXPECT_EQ(DateShapeOfFormat(171, "\"days\" 0"), std::nullopt);
  EXPECT_EQ(DateShapeOfFormat(172, "[Red]0.00"), std::nullopt);
  EXPECT_EQ(DateShapeOfFormat(173, "0.00E+00"), std::nullopt);
}

}  // namespace
}  // namespace assure::api::spreadsheet
