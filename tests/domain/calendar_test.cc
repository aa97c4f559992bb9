// domain/calendar.h: the one home of the date rules. Table-driven: every
// entry point (REST as_of, export, evidence pack, --as-of, token expiry)
// reads its text through ParseIsoInstant / ParseAsAt, so these rows are the
// rules of all of them.
#include "domain/calendar.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <initializer_list>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace assure::domain {
namespace {

constexpr std::int64_t k20240301 = 1709251200000000LL;  // 2024-03-01T00:00:00Z
constexpr std::int64_t kSecond = 1'000'000;

struct InstantCase {
  const char* text;
  std::optional<std::int64_t> us;  // nullopt: refused
  bool date_only = false;
};

const InstantCase kInstants[] = {
    // Dates: the first microsecond of the day.
    {"2024-03-01", k20240301, true},
    {"2024-02-29", k20240301 - kMicrosPerDay, true},  // a leap year
    {"2000-02-29", 951782400000000LL, true},           // divisible by 400: leap
    {"1970-01-01", 0, true},
    {"1969-12-31", -kMicrosPerDay, true},  // before 1970
    {"0001-01-01", -62135596800000000LL, true},
    {"9999-12-31", 253402214400000000LL, true},
    // Days that do not exist.
    {"2023-02-29", std::nullopt},  // not a leap year
    {"1900-02-29", std::nullopt},  // divisible by 100, not by 400
    {"2024-02-30", std::nullopt},
    {"2024-04-31", std::nullopt},
    {"2024-13-01", std::nullopt},
    {"2024-00-10", std::nullopt},
    {"2024-01-00", std::nullopt},
    {"0000-01-01", std::nullopt},
    // Not the ISO form: every field at full width, '-' between them.
    {"2024-3-1", std::nullopt},
    {"20240301", std::nullopt},
    {"2024/03/01", std::nullopt},
    {"01/03/2024", std::nullopt},
    {" 2024-03-01", std::nullopt},
    {"2024-03-01 ", std::nullopt},
    {"", std::nullopt},
    {"Mar-24", std::nullopt},
    // Date-times with Z.
    {"2024-03-01T00:00:00Z", k20240301},
    {"2024-03-01T00:00Z", k20240301},  // seconds may be left out
    {"2024-03-01T09:30:15Z", k20240301 + (9 * 3600 + 30 * 60 + 15) * kSecond},
    {"2024-03-01T23:59:59.999999Z", k20240301 + kMicrosPerDay - 1},  // the day's last microsecond
    {"2024-03-01T00:00:00.5Z", k20240301 + 500'000},
    {"2024-03-01T00:00:00.000001Z", k20240301 + 1},
    {"1969-12-31T23:59:59.999999Z", -1},
    {"1970-01-01T00:00:00Z", 0},
    {"2024-03-01t00:00:00z", k20240301},  // RFC 3339 allows lower case
    {"2024-03-01 00:00:00Z", k20240301},  // and a space for T
    // Offsets.
    {"2024-03-01T01:00:00+01:00", k20240301},
    {"2024-02-29T23:00:00-01:00", k20240301},  // across a day (and month) boundary
    {"2024-03-01T05:30:00+05:30", k20240301},
    {"2024-03-01T00:00:00+24:00", std::nullopt},
    {"2024-03-01T00:00:00+01:60", std::nullopt},
    {"2024-03-01T00:00:00+0100", std::nullopt},
    // The decimal mark is '.': a comma is refused everywhere.
    {"2024-01-01T00:00:00,5Z", std::nullopt},
    {"2024-03-01T00:00:00.1234567Z", std::nullopt},  // past microseconds
    {"2024-03-01T00:00:00.Z", std::nullopt},
    // Times that do not exist, and local times (no instant without a zone).
    {"2024-03-01T24:00:00Z", std::nullopt},
    {"2024-03-01T23:60:00Z", std::nullopt},
    {"2024-03-01T23:59:60Z", std::nullopt},  // no leap seconds in UTC microseconds
    {"2024-03-01T00:00:00", std::nullopt},
    {"2024-03-01T00:00", std::nullopt},
    {"2024-03-01T1:00Z", std::nullopt},
    {"2024-03-01T", std::nullopt},
    {"2024-03-01X00:00Z", std::nullopt},
    {"2024-03-01T00:00:00ZZ", std::nullopt},
};

TEST(Calendar, ParseIsoInstantTable) {
  for (const auto& c : kInstants) {
    auto r = ParseIsoInstant(c.text, "as_of");
    if (!c.us) {
      ASSERT_FALSE(r.ok()) << c.text << " read as " << FormatTimestampUs(r->us);
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.text;
      EXPECT_EQ(r.error().field, "as_of") << c.text;
      EXPECT_NE(r.error().message.find("2024-03-31"), std::string::npos) << r.error().message;
      continue;
    }
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.error().message;
    EXPECT_EQ(r->us, *c.us) << c.text;
    EXPECT_EQ(r->date_only, c.date_only) << c.text;
    EXPECT_EQ(r->date.has_value(), c.date_only) << c.text;
  }
}

TEST(Calendar, ErrorsSayWhatIsWrong) {
  EXPECT_NE(ParseIsoInstant("2024-01-01T00:00:00,5Z", "as_of").error().message.find("not ','"),
            std::string::npos);
  EXPECT_NE(ParseIsoInstant("2024-02-30", "as_of").error().message.find("no such day"),
            std::string::npos);
  EXPECT_NE(ParseIsoInstant("2024-03-01T10:00", "as_of").error().message.find("Z or an offset"),
            std::string::npos);
  EXPECT_EQ(ParseIsoInstant("nonsense", "--as-of").error().field, "--as-of");
}

// "As at a date" is the end of that UTC day, inclusive: the same instant as
// its last microsecond written out, one before the next day's first.
TEST(Calendar, AsAtADateIsTheEndOfThatDay) {
  EXPECT_EQ(*ParseAsAt("2024-03-01"), k20240301 + kMicrosPerDay - 1);
  EXPECT_EQ(*ParseAsAt("2024-03-01"), *ParseAsAt("2024-03-01T23:59:59.999999Z"));
  EXPECT_EQ(*ParseAsAt("2024-03-01") + 1, *ParseAsAt("2024-03-02T00:00:00Z"));
  EXPECT_EQ(*ParseAsAt("2024-02-29"), k20240301 - 1);  // a leap day
  EXPECT_EQ(*ParseAsAt("1969-12-31"), -1);               // before 1970
  EXPECT_EQ(*ParseAsAt("2024-03-01T09:30:00Z"), k20240301 + (9 * 3600 + 30 * 60) * kSecond);
  EXPECT_EQ(ParseAsAt("2024-02-30").error().field, "as_of");
  EXPECT_FALSE(ParseAsAt("2024-01-01T00:00:00,5Z").ok());
  const CivilDate d{2024, 3, 1};
  EXPECT_EQ(StartOfDayUs(d), k20240301);
  EXPECT_EQ(EndOfDayUs(d), k20240301 + kMicrosPerDay - 1);
  EXPECT_EQ(UtcDateOf(EndOfDayUs(d)), d);
  EXPECT_EQ(UtcDateOf(EndOfDayUs(d) + 1), (CivilDate{2024, 3, 2}));
  EXPECT_EQ(UtcDateOf(-1), (CivilDate{1969, 12, 31}));
}

TEST(Calendar, LeapYearsMonthsAndDayNumbers) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_EQ(DaysInMonth(2024, 2), 29u);
  EXPECT_EQ(DaysInMonth(2023, 2), 28u);
  EXPECT_EQ(DaysInMonth(2023, 4), 30u);
  EXPECT_EQ(DaysInMonth(2023, 13), 0u);
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({1969, 12, 31}), -1);
  EXPECT_EQ(DaysFromCivil({1899, 12, 30}), -25569);  // Excel's epoch
  EXPECT_EQ(CivilFromDays(19783), (CivilDate{2024, 3, 1}));
  for (std::int64_t d = -800'000; d <= 800'000; d += 997) EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  EXPECT_EQ(FormatIsoDate(AddMonths({2023, 1, 31}, 1)), "2023-02-28");
  EXPECT_EQ(FormatIsoDate(AddMonths({2024, 1, 31}, 1)), "2024-02-29");
  EXPECT_EQ(FormatIsoDate(AddMonths({2024, 3, 31}, -13)), "2023-02-28");
  EXPECT_EQ(FormatIsoDate(AddMonths({2023, 11, 15}, 36)), "2026-11-15");
  EXPECT_EQ(ParseIsoDate("2024-02-29"), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(ParseIsoDate("2024-02-30"), std::nullopt);
}

TEST(Calendar, LocalDateTimesForMeetings) {
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24"));
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24T14:00"));
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24T14:00:00"));
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24T14:00:00Z"));
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24T14:00:00+01:00"));
  EXPECT_FALSE(IsIsoDateOrDateTime("2023-05-24T14:00:00,5"));
  EXPECT_FALSE(IsIsoDateOrDateTime("2023-05-24T25:00"));
  EXPECT_FALSE(IsIsoDateOrDateTime("2023-02-29T10:00"));
  EXPECT_FALSE(IsIsoDateOrDateTime("24/05/2023"));
}

TEST(Calendar, FormatTimestamps) {
  EXPECT_EQ(FormatTimestampUs(k20240301), "2024-03-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestampUs(k20240301 + 123456), "2024-03-01T00:00:00.123456Z");
  EXPECT_EQ(FormatTimestampUs(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatIsoSeconds(k20240301 + 999'999), "2024-03-01T00:00:00Z");
  EXPECT_EQ(FormatIsoSeconds(-1), "1969-12-31T23:59:59Z");  // rounds down, before 1970 too
  EXPECT_EQ(FormatIsoDate({2024, 3, 1}), "2024-03-01");
  // What is written reads back as the same instant.
  for (std::int64_t us = -3'000'000'000'000'000LL; us < 3'000'000'000'000'000LL;
       us += 12'345'678'901'234LL) {
    EXPECT_EQ(ParseIsoInstant(FormatTimestampUs(us), "t")->us, us) << us;
  }
}

// The formatter keeps the last day's date per thread: against gmtime_r and
// snprintf, across day boundaries, backwards and before 1970.
TEST(Calendar, FormatTimestampMatchesGmtimeEverywhere) {
  auto reference = [](std::int64_t us) {
    std::int64_t secs = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
    std::int64_t micros = us - secs * 1'000'000;
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[128];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros));
    return std::string(buf);
  };
  using List = std::initializer_list<std::int64_t>;
  for (std::int64_t base : List{0, 1709251200000000, -kMicrosPerDay * 400, 4102444800000000,
                                951782400000000}) {
    for (std::int64_t d : List{-kMicrosPerDay - 1, -kMicrosPerDay, -1, 0, 1, kMicrosPerDay - 1,
                               kMicrosPerDay, 59'999'999, 3'600'000'000}) {
      EXPECT_EQ(FormatTimestampUs(base + d), reference(base + d)) << base + d;
    }
  }
  std::uint64_t x = 88172645463325252ULL;  // xorshift: the same values every run
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::int64_t us = static_cast<std::int64_t>(x % (200ULL * 365 * 86'400'000'000ULL)) -
                            static_cast<std::int64_t>(50ULL * 365 * 86'400'000'000ULL);
    ASSERT_EQ(FormatTimestampUs(us), reference(us)) << us;
  }
}

}  // namespace
}  // namespace assure::domain
