#include "domain/calendar.h"

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <locale>
#include <sstream>

namespace assure::domain {
namespace {

using Micros = std::chrono::microseconds;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `text` has `shape`'s form: a digit wherever `shape` has '9', `shape`'s
// character everywhere else. date::parse reads a field of any width
// ("2024-1-5", "T1:2:3"), so the full-width ISO form is checked here first.
bool Matches(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (shape[i] == '9' ? !IsDigit(text[i]) : text[i] != shape[i]) return false;
  }
  return true;
}

unsigned Number(std::string_view digits) {
  unsigned v = 0;
  for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

date::year_month_day ToYmd(const CivilDate& d) {
  return date::year{d.year} / date::month{d.month} / date::day{d.day};
}

CivilDate FromYmd(const date::year_month_day& ymd) {
  return CivilDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

// Writes `value` (>= 0) as exactly `width` digits.
char* Digits(char* p, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + width;
}

char* WriteDate(char* p, const date::year_month_day& ymd) {
  int y = static_cast<int>(ymd.year());
  if (y < 0) {
    *p++ = '-';
    y = -y;
  }
  int width = 4;
  for (int rest = y / 10000; rest > 0; rest /= 10) ++width;  // past 9999: every digit
  p = Digits(p, y, width);
  *p++ = '-';
  p = Digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  return Digits(p, static_cast<unsigned>(ymd.day()), 2);
}

// Writes "YYYY-MM-DDTHH:MM:SS" for the second `us` falls in and returns the
// end; `micros` gets the microseconds into that second. On the log's hot path
// (every history entry and event line): the calendar is date's
// (year_month_day), the digits are written by hand, because date::format
// ("%FT%TZ", through an ostringstream) is tens of times slower
// (assure-bench-timestamp). The last day's date is kept per thread: a log is
// read in time order, so it rarely changes between calls, and converting it
// every time doubled the cost.
char* WriteDateTime(char* p, std::int64_t us, std::int64_t& micros) {
  const date::sys_time<Micros> t{Micros{us}};
  const auto day = date::floor<date::days>(t);
  thread_local date::sys_days cached_day{date::days{INT32_MIN}};
  thread_local char cached_date[16];
  thread_local std::size_t cached_len = 0;
  if (day != cached_day) {
    cached_len = static_cast<std::size_t>(WriteDate(cached_date, date::year_month_day{day}) - cached_date);
    cached_day = day;
  }
  std::memcpy(p, cached_date, cached_len);
  p += cached_len;
  const std::int64_t in_day = (t - day).count();  // microseconds, 0 <= in_day < kMicrosPerDay
  const std::int64_t secs = in_day / 1'000'000;
  micros = in_day % 1'000'000;
  *p++ = 'T';
  p = Digits(p, secs / 3600, 2);
  *p++ = ':';
  p = Digits(p, secs / 60 % 60, 2);
  *p++ = ':';
  return Digits(p, secs % 60, 2);
}

constexpr std::string_view kInstantForm =
    "a date (2024-03-31) or a date-time with Z or an offset (2024-03-31T09:30:00Z, "
    "2024-03-31T10:30:00.5+01:00)";

Error BadInstant(std::string_view text, std::string_view field, std::string_view why) {
  std::string shown(text.substr(0, 40));
  std::string message = std::string(field) + " must be " + std::string(kInstantForm) + ", not '" +
                        shown + "'";
  if (!why.empty()) message += ": " + std::string(why);
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::string(field));
}

}  // namespace

bool IsLeapYear(int year) { return date::year{year}.is_leap(); }

unsigned DaysInMonth(int year, unsigned month) {
  if (month < 1 || month > 12) return 0;
  return static_cast<unsigned>((date::year{year} / date::month{month} / date::last).day());
}

bool IsValidDate(int year, unsigned month, unsigned day) {
  return year >= 1 && year <= 9999 && ToYmd(CivilDate{year, month, day}).ok();
}

std::int64_t DaysFromCivil(const CivilDate& d) {
  return date::sys_days{ToYmd(d)}.time_since_epoch().count();
}

CivilDate CivilFromDays(std::int64_t days) {
  return FromYmd(date::year_month_day{date::sys_days{date::days{days}}});
}

std::int64_t StartOfDayUs(const CivilDate& date) { return DaysFromCivil(date) * kMicrosPerDay; }

std::int64_t EndOfDayUs(const CivilDate& date) { return StartOfDayUs(date) + kMicrosPerDay - 1; }

CivilDate UtcDateOf(std::int64_t us) {
  const date::sys_time<Micros> t{Micros{us}};
  return FromYmd(date::year_month_day{date::floor<date::days>(t)});
}

std::optional<CivilDate> ParseIsoDate(std::string_view text) {
  if (!Matches(text, "9999-99-99")) return std::nullopt;
  const CivilDate d{static_cast<int>(Number(text.substr(0, 4))), Number(text.substr(5, 2)),
                    Number(text.substr(8, 2))};
  if (!IsValidDate(d.year, d.month, d.day)) return std::nullopt;
  return d;
}

std::string FormatIsoDate(const CivilDate& date) {
  char buf[16];
  return std::string(buf, WriteDate(buf, ToYmd(date)));
}

Result<IsoInstant> ParseIsoInstant(std::string_view text, std::string_view field) {
  const std::string_view date_part = text.substr(0, 10);
  const auto day = ParseIsoDate(date_part);
  if (!day) {
    return BadInstant(text, field,
                      Matches(date_part, "9999-99-99") ? "there is no such day" : "");
  }
  if (text.size() == 10) return IsoInstant{StartOfDayUs(*day), true, *day};
  // RFC 3339 allows 't', 'z' and a space for 'T'; date::parse reads 'T', 'Z'.
  std::string s(text);
  if (s[10] == 't' || s[10] == ' ') s[10] = 'T';
  if (s.back() == 'z') s.back() = 'Z';
  std::string_view rest = std::string_view(s).substr(10);  // "THH:MM[:SS[.f]]<zone>"
  std::string format = "%Y-%m-%dT%H:%M";
  std::string_view zone_format;
  if (rest.ends_with('Z')) {
    rest.remove_suffix(1);
    zone_format = "Z";
  } else if (rest.size() > 6 && (rest[rest.size() - 6] == '+' || rest[rest.size() - 6] == '-') &&
             Matches(rest.substr(rest.size() - 5), "99:99")) {
    if (Number(rest.substr(rest.size() - 5, 2)) > 23 || Number(rest.substr(rest.size() - 2)) > 59) {
      return BadInstant(text, field, "an offset is at most 23:59");
    }
    rest.remove_suffix(6);
    zone_format = "%Ez";
  } else {
    return BadInstant(text, field, "a date-time needs Z or an offset");
  }
  if (rest.find(',') != std::string_view::npos) {
    return BadInstant(text, field, "the decimal mark is '.', not ','");
  }
  if (!Matches(rest, "T99:99")) {
    if (!Matches(rest.substr(0, 9), "T99:99:99")) return BadInstant(text, field, "");
    format += ":%S";
    const std::string_view fraction = rest.substr(9);
    if (!fraction.empty()) {
      if (fraction.size() < 2 || fraction[0] != '.' ||
          !std::all_of(fraction.begin() + 1, fraction.end(), IsDigit)) {
        return BadInstant(text, field, "");
      }
      if (fraction.size() > 7) {
        return BadInstant(text, field, "at most 6 digits after the decimal mark (microseconds)");
      }
    }
  }
  format += zone_format;
  // date::parse checks the ranges (hours 00-23, minutes and seconds 00-59)
  // and applies the offset.
  std::istringstream in(s);
  in.imbue(std::locale::classic());
  date::sys_time<Micros> t{};
  in >> date::parse(format, t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
    return BadInstant(text, field, "there is no such time of day");
  }
  return IsoInstant{t.time_since_epoch().count(), false, std::nullopt};
}

Result<std::int64_t> ParseAsAt(std::string_view text, std::string_view field) {
  auto t = ParseIsoInstant(text, field);
  if (!t.ok()) return std::move(t).error();
  return t->date_only ? EndOfDayUs(*t->date) : t->us;
}

bool IsIsoDateOrDateTime(std::string_view text) {
  if (ParseIsoInstant(text, "").ok()) return true;
  // A local date-time (no zone) is one that would be an instant in UTC.
  return text.size() > 10 && text.back() != 'Z' && text.back() != 'z' &&
         ParseIsoInstant(std::string(text) + "Z", "").ok();
}

CivilDate AddMonths(const CivilDate& date, int months) {
  const date::year_month ym =
      date::year{date.year} / date::month{date.month} + date::months{months};
  const date::day last = (ym / date::last).day();
  const date::day day{date.day};
  return FromYmd(ym / (day > last ? last : day));
}

std::size_t FormatTimestampTo(std::int64_t us, char* out) {
  std::int64_t micros = 0;
  char* p = WriteDateTime(out, us, micros);
  *p++ = '.';
  p = Digits(p, micros, 6);
  *p++ = 'Z';
  return static_cast<std::size_t>(p - out);
}

std::string FormatTimestampUs(std::int64_t us) {
  char buf[kTimestampCapacity];
  return std::string(buf, FormatTimestampTo(us, buf));
}

std::string FormatIsoSeconds(std::int64_t us) {
  char buf[kTimestampCapacity];
  std::int64_t micros = 0;
  char* p = WriteDateTime(buf, us, micros);
  *p++ = 'Z';
  return std::string(buf, p);
}

}  // namespace assure::domain
