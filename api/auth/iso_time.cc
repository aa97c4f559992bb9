#include "api/auth/iso_time.h"

#include <cstdio>

#include "domain/calendar.h"

namespace assure::auth {

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

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Error Bad() {
  return MakeError(ErrorCode::kInvalidArgument,
                   "expected an ISO 8601 date (YYYY-MM-DD) or date-time with Z or an offset");
}

}  // namespace

Result<ParsedInstant> ParseIsoInstant(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) ||
      s[7] != '-' || !Digits(s, 8, 2, d)) {
    return Bad();
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + ((mo == 2 && IsLeap(y)) ? 1 : 0)) {
    return Bad();
  }
  std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  ParsedInstant out;
  if (s.size() == 10) {
    out.micros = days * 86400LL * 1000000LL;
    out.date_only = true;
    return out;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return Bad();
  int hh = 0, mm = 0, ss = 0;
  if (!Digits(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' || !Digits(s, 14, 2, mm)) {
    return Bad();
  }
  std::size_t pos = 16;
  std::int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, ss)) return Bad();
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      std::int64_t scale = 100000;
      const std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        frac_us += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return Bad();
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return Bad();
  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset_s = 0;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size()) {
    int oh = 0, om = 0;
    if (!Digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return Bad();
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
  } else {
    return Bad();
  }
  const std::int64_t secs = days * 86400 + hh * 3600 + mm * 60 + ss - offset_s;
  out.micros = secs * 1000000LL + frac_us;
  return out;
}

Result<std::int64_t> ParseExpiry(std::string_view text) {
  auto p = ParseIsoInstant(text);
  if (!p.ok()) return std::move(p).error();
  return p->date_only ? p->micros + 86400LL * 1000000LL : p->micros;
}

std::string FormatIsoUtc(std::int64_t micros) {
  std::int64_t secs = micros / 1000000;
  if (micros < 0 && micros % 1000000 != 0) --secs;
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>((rem % 3600) / 60), static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace assure::auth
