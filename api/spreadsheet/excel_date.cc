#include "api/spreadsheet/excel_date.h"

#include <cmath>
#include <cstdint>

#include "domain/calendar.h"

namespace assure::api::spreadsheet {

std::optional<std::string> ExcelSerialToIso(double serial, bool date1904,
                                            DateShape shape) {
  if (!std::isfinite(serial) || serial < 0 || serial > 2958466.0) {
    return std::nullopt;
  }
  double whole = std::floor(serial);
  auto seconds = static_cast<std::int64_t>(std::llround((serial - whole) * 86400.0));
  if (seconds >= 86400) {
    seconds -= 86400;
    whole += 1;
  }
  const auto day = static_cast<std::int64_t>(whole);
  // Excel's day numbers, on the one calendar (domain/calendar.h).
  std::int64_t epoch_days = 0;
  if (date1904) {
    epoch_days = domain::DaysFromCivil({1904, 1, 1}) + day;
  } else if (day == 60) {
    if (shape != DateShape::kTime) return std::nullopt;
  } else if (day < 60) {
    epoch_days = domain::DaysFromCivil({1899, 12, 31}) + day;
  } else {
    epoch_days = domain::DaysFromCivil({1899, 12, 30}) + day;
  }
  if (domain::CivilFromDays(epoch_days).year > 9999) return std::nullopt;
  // "YYYY-MM-DDTHH:MM:SSZ", cut to the shape.
  const std::string iso =
      domain::FormatIsoSeconds((epoch_days * 86400 + seconds) * 1'000'000);
  switch (shape) {
    case DateShape::kDate:
      return iso.substr(0, 10);
    case DateShape::kMonth:
      return iso.substr(0, 7);
    case DateShape::kYear:
      return iso.substr(0, 4);
    case DateShape::kDateTime:
      return iso.substr(0, 19);
    case DateShape::kTime:
      return iso.substr(11, 8);
  }
  return std::nullopt;
}

}  // namespace assure::api::spreadsheet
