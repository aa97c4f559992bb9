// Excel date serials: day numbers counted from 1900 (with Lotus's phantom
// 29 February 1900) or, for workbooks saved with the 1904 date system, from
// 1 January 1904; the fraction is the time of day.
#pragma once

#include <optional>
#include <string>

namespace assure::api::spreadsheet {

// How much of a date a cell format shows, and so how much the ISO text keeps.
enum class DateShape {
  kDate,      // "2023-03-01"
  kMonth,     // "2023-03"  (formats such as mmm-yy: the seed's "Mar-23")
  kYear,      // "2023"
  kDateTime,  // "2023-03-01T14:30:00"
  kTime,      // "14:30:00"
};

// The ISO 8601 text of `serial` in `shape`, or nullopt when the serial is not
// a representable date (negative, past 9999-12-31, not finite, or 60 in the
// 1900 system, which Excel shows as the non-existent 1900-02-29).
std::optional<std::string> ExcelSerialToIso(double serial, bool date1904,
                                            DateShape shape);

}  // namespace assure::api::spreadsheet
