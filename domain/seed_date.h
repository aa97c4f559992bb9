// Dates as the seed spreadsheets write them.
//
// The work programmes write dates as "Mar-23", "Set 2022" (a typo for Sep),
// "planned Apr 23", "Draft Dec-22", "19th Sept", "01/04/2023", "2023-04-01",
// "2023-04" (an xlsx date cell shown as a month, see api/spreadsheet), or words ("ongoing", "Not started"). A SeedDate keeps the original text and,
// where one can be read, the date with its precision. Pure: the importer and
// Decide both use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/wire_enum.h"

namespace assure::domain {

enum class DatePrecision : std::uint8_t { kDay, kMonth, kYear, kNone };

// On-disk wire names: never renamed.
inline constexpr WireName<DatePrecision> kDatePrecisionNames[] = {
    {DatePrecision::kDay, "day"},
    {DatePrecision::kMonth, "month"},
    {DatePrecision::kYear, "year"},
    {DatePrecision::kNone, "none"},
};

struct SeedDate {
  std::string original;             // the text as given (untrimmed)
  // ISO "YYYY-MM-DD": the first day of the period the text names (the 1st of
  // the month for month precision, 1 January for year precision).
  std::optional<std::string> date;
  DatePrecision precision = DatePrecision::kNone;  // kNone iff !date
  friend bool operator==(const SeedDate&, const SeedDate&) = default;
};

// Reads `text`. Two-digit years are 20yy. Day-first numeric dates (UK):
// "01/04/2023" is 1 April. A day and month without a year ("19th Sept") use
// `default_year` when given, else give no date. Leading "planned", "draft",
// "due", "by" are ignored. Anything else unreadable gives precision none.
SeedDate ParseSeedDate(std::string_view text, std::optional<int> default_year = std::nullopt);

// The last ISO day of the period a parsed date names ("2023-03-01" month ->
// "2023-03-31"); nullopt when there is no date.
std::optional<std::string> PeriodEnd(const SeedDate& date);

// {"text": ..., "date": ...|null, "precision": ...}: the event and read-model
// shape. FromJson never fails (missing members give an empty SeedDate).
nlohmann::json SeedDateToJson(const SeedDate& date);
SeedDate SeedDateFromJson(const nlohmann::json& object);

}  // namespace assure::domain
