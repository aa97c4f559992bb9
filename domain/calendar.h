// The calendar: the one home of Assure's date and time rules (issue 17).
//
// ISO 8601 dates and UTC instants as text, days <-> microseconds since
// 1970-01-01T00:00:00Z, and what "as at a date" means. Every parser and
// formatter of calendar dates in the server goes through here; the
// strategy document's free-text dates (seed_date.h) and Excel's day serials
// (api/spreadsheet/excel_date.h) read their own notations and use this for
// the calendar itself.
//
// Built on Howard Hinnant's date library (Debian libhowardhinnant-date-dev,
// header-only, the basis of C++20's <chrono> calendar): proleptic Gregorian
// arithmetic on plain values, no clock and no time zone database. Only
// calendar.cc includes it, so its weight stays out of every other unit.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace assure::domain {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..DaysInMonth
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

inline constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;

bool IsLeapYear(int year);
unsigned DaysInMonth(int year, unsigned month);  // 0 for an invalid month
// A real day of years 1 to 9999 (what "YYYY-MM-DD" can write).
bool IsValidDate(int year, unsigned month, unsigned day);

// Days since 1970-01-01 (negative before).
std::int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(std::int64_t days);

// The first microsecond of `date` (00:00:00.000000Z) and its last
// (23:59:59.999999Z): a day is [StartOfDayUs, EndOfDayUs], both inclusive.
std::int64_t StartOfDayUs(const CivilDate& date);
std::int64_t EndOfDayUs(const CivilDate& date);
// The UTC day an instant falls in (before 1970 too).
CivilDate UtcDateOf(std::int64_t us);

// Exactly "YYYY-MM-DD" naming a real day; nullopt otherwise.
std::optional<CivilDate> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(const CivilDate& date);

// An instant written in ISO 8601 (the RFC 3339 profile):
//   "YYYY-MM-DD"                                   a date (date_only; us = its first microsecond)
//   "YYYY-MM-DDTHH:MM[:SS[.f]]Z"  or  "...+HH:MM" / "...-HH:MM"
// with every field at its full width, at most 6 fraction digits (the store
// keeps microseconds), '.' as the decimal mark (a ',' is refused, with a
// message saying so), hours 00-23 (no 24:00, no leap second 60). 'T' may be
// written 't' or ' ', and 'Z' 'z' (RFC 3339, section 5.6). A date-time needs
// its zone: a local time names no instant. Anything else, and days that do
// not exist (2024-02-30, 2023-02-29, 2024-13-01), is kInvalidArgument naming
// `field`.
struct IsoInstant {
  std::int64_t us = 0;
  bool date_only = false;
  std::optional<CivilDate> date;  // the date written, when date_only
};
Result<IsoInstant> ParseIsoInstant(std::string_view text, std::string_view field);

// "As at" a date or instant: the one meaning for every query, export,
// evidence pack and command-line option. A bare date is the END of that UTC
// day, inclusive (EndOfDayUs): "the programme as at 31 March" includes what
// was recorded on 31 March. A date-time is that instant. Errors as
// ParseIsoInstant.
Result<std::int64_t> ParseAsAt(std::string_view text, std::string_view field = "as_of");

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.f]][Z|+hh:mm|-hh:mm]": a date or a
// date-time, which (unlike ParseIsoInstant) may be a local time without a
// zone, e.g. when a meeting is scheduled for.
bool IsIsoDateOrDateTime(std::string_view text);

// `date` moved by `months`, the day clamped to the target month's length.
CivilDate AddMonths(const CivilDate& date, int months);

// UTC microseconds since 1970 -> "YYYY-MM-DDTHH:MM:SS.ffffffZ" (27 bytes for
// years 0-9999). FormatTimestampTo writes into `out`, which must hold
// kTimestampCapacity bytes, and returns the length: no allocation, for the
// log's hot paths (every history entry and event line carries one).
inline constexpr std::size_t kTimestampCapacity = 40;
std::size_t FormatTimestampTo(std::int64_t us, char* out);
std::string FormatTimestampUs(std::int64_t us);

// UTC microseconds -> "YYYY-MM-DDTHH:MM:SSZ" (the fraction dropped, rounding
// down): token times and the security log.
std::string FormatIsoSeconds(std::int64_t us);

}  // namespace assure::domain
