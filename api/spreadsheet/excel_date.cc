#include "api/spreadsheet/excel_date.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "domain/calendar.h"

namespace assure::api::spreadsheet {
namespace {

// The one calendar (domain/calendar.h), in this file's shapes.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  return domain::DaysFromCivil(domain::CivilDate{static_cast<int>(y), m, d});
}

void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  const domain::CivilDate c = domain::CivilFromDays(z);
  y = c.year;
  m = c.month;
  d = c.day;
}

}  // namespace

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
  std::int64_t epoch_days = 0;
  if (date1904) {
    epoch_days = DaysFromCivil(1904, 1, 1) + day;
  } else if (day == 60) {
    if (shape != DateShape::kTime) return std::nullopt;
  } else if (day < 60) {
    epoch_days = DaysFromCivil(1899, 12, 31) + day;
  } else {
    epoch_days = DaysFromCivil(1899, 12, 30) + day;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(epoch_days, y, m, d);
  if (y > 9999) return std::nullopt;
  const int hh = static_cast<int>(seconds / 3600);
  const int mi = static_cast<int>(seconds / 60 % 60);
  const int ss = static_cast<int>(seconds % 60);
  char buf[32];
  switch (shape) {
    case DateShape::kDate:
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y), m, d);
      break;
    case DateShape::kMonth:
      std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(y), m);
      break;
    case DateShape::kYear:
      std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(y));
      break;
    case DateShape::kDateTime:
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                    static_cast<int>(y), m, d, hh, mi, ss);
      break;
    case DateShape::kTime:
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", hh, mi, ss);
      break;
  }
  return std::string(buf);
}

}  // namespace assure::api::spreadsheet
