#include "domain/calendar.h"


namespace assure::domain {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Appends `value` (>= 0) zero-padded to `width` digits.
void AppendPadded(std::string& out, std::int64_t value, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < 24);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidDate(int year, unsigned month, unsigned day) {
  return year >= 1 && year <= 9999 && day >= 1 && day <= DaysInMonth(year, month);
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t DaysFromCivil(const CivilDate& date) {
  const std::int64_t y = static_cast<std::int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (date.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

std::optional<CivilDate> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  CivilDate date{ToInt(y), static_cast<unsigned>(ToInt(m)), static_cast<unsigned>(ToInt(d))};
  if (!IsValidDate(date.year, date.month, date.day)) return std::nullopt;
  return date;
}

std::string FormatIsoDate(const CivilDate& date) {
  std::string out;
  AppendPadded(out, date.year, 4);
  out.push_back('-');
  AppendPadded(out, date.month, 2);
  out.push_back('-');
  AppendPadded(out, date.day, 2);
  return out;
}

bool IsIsoDateOrDateTime(std::string_view text) {
  if (ParseIsoDate(text.substr(0, 10)) == std::nullopt) return false;
  if (text.size() == 10) return true;
  std::string_view t = text.substr(10);
  if (t.size() < 6 || t[0] != 'T') return false;
  auto two_digits_max = [](std::string_view s, int max) {
    return s.size() == 2 && AllDigits(s) && ToInt(s) <= max;
  };
  if (!two_digits_max(t.substr(1, 2), 23) || t[3] != ':' || !two_digits_max(t.substr(4, 2), 59)) {
    return false;
  }
  t = t.substr(6);
  if (!t.empty() && t[0] == ':') {
    if (t.size() < 3 || !two_digits_max(t.substr(1, 2), 59)) return false;
    t = t.substr(3);
    if (!t.empty() && t[0] == '.') {
      std::size_t n = 1;
      while (n < t.size() && t[n] >= '0' && t[n] <= '9') ++n;
      if (n == 1) return false;
      t = t.substr(n);
    }
  }
  if (t.empty() || t == "Z") return true;
  return t.size() == 6 && (t[0] == '+' || t[0] == '-') && two_digits_max(t.substr(1, 2), 23) &&
         t[3] == ':' && two_digits_max(t.substr(4, 2), 59);
}

CivilDate AddMonths(const CivilDate& date, int months) {
  const int total = date.year * 12 + static_cast<int>(date.month) - 1 + months;
  CivilDate out;
  out.year = total / 12;
  out.month = static_cast<unsigned>(total % 12) + 1;
  const unsigned last = DaysInMonth(out.year, out.month);
  out.day = date.day > last ? last : date.day;
  return out;
}

std::string FormatTimestampUs(std::int64_t us) {
  std::int64_t days = us / 86'400'000'000LL;
  std::int64_t rem = us % 86'400'000'000LL;
  if (rem < 0) {
    rem += 86'400'000'000LL;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  const std::int64_t secs = rem / 1'000'000;
  const std::int64_t micros = rem % 1'000'000;
  std::string out = FormatIsoDate(date);
  out.push_back('T');
  AppendPadded(out, secs / 3600, 2);
  out.push_back(':');
  AppendPadded(out, (secs / 60) % 60, 2);
  out.push_back(':');
  AppendPadded(out, secs % 60, 2);
  out.push_back('.');
  AppendPadded(out, micros, 6);
  out.push_back('Z');
  return out;
}

}  // namespace assure::domain
