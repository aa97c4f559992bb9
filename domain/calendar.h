// Proleptic Gregorian calendar arithmetic on plain values (no clock, no time
// zone database). Used to validate ISO dates in commands, to format the
// context's occurred-at time, and by the seed-date parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assure::domain {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..DaysInMonth
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

bool IsLeapYear(int year);
unsigned DaysInMonth(int year, unsigned month);  // 0 for an invalid month
bool IsValidDate(int year, unsigned month, unsigned day);

// Days since 1970-01-01 (negative before).
std::int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(std::int64_t days);

// Exactly "YYYY-MM-DD" naming a real day; nullopt otherwise.
std::optional<CivilDate> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(const CivilDate& date);

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+hh:mm|-hh:mm]".
bool IsIsoDateOrDateTime(std::string_view text);

// `date` moved by `months`, the day clamped to the target month's length.
CivilDate AddMonths(const CivilDate& date, int months);

// UTC microseconds since 1970 -> "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string FormatTimestampUs(std::int64_t us);

}  // namespace assure::domain
