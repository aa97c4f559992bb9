// ISO 8601 UTC instants for token expiry (text <-> microseconds since 1970).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace assure::auth {

// Accepts "YYYY-MM-DD" (midnight UTC at the start of that day, date_only set)
// and "YYYY-MM-DDTHH:MM[:SS[.fff...]]" followed by "Z" or "+HH:MM"/"-HH:MM".
// Anything else is kInvalidArgument.
struct ParsedInstant {
  std::int64_t micros = 0;
  bool date_only = false;
};
Result<ParsedInstant> ParseIsoInstant(std::string_view text);

// An expiry: a date alone means "valid through that day" (the instant is the
// end of the day, i.e. midnight UTC at the start of the next day).
Result<std::int64_t> ParseExpiry(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" (sub-second digits dropped).
std::string FormatIsoUtc(std::int64_t micros);

}  // namespace assure::auth
