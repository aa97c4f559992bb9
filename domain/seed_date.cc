#include "domain/seed_date.h"

#include <cctype>
#include <vector>

#include "domain/calendar.h"
#include "domain/json_read.h"

namespace assure::domain {
namespace {

struct Token {
  std::string text;  // lower case
  bool numeric = false;
  int value = 0;     // for numeric tokens (an ordinal suffix is dropped)
  std::size_t digits = 0;
};

std::optional<unsigned> MonthFromWord(std::string_view w) {
  static constexpr std::string_view kNames[][3] = {
      {"jan", "january", ""},   {"feb", "february", ""}, {"mar", "march", ""},
      {"apr", "april", ""},     {"may", "may", ""},      {"jun", "june", ""},
      {"jul", "july", ""},      {"aug", "august", ""},   {"sep", "september", "sept"},
      {"oct", "october", ""},   {"nov", "november", ""}, {"dec", "december", ""}};
  if (w == "set") return 9u;  // the seed's "Set 2022" typo
  for (unsigned m = 0; m < 12; ++m) {
    for (auto name : kNames[m]) {
      if (!name.empty() && w == name) return m + 1;
    }
  }
  return std::nullopt;
}

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c)) {
      ++i;
      continue;
    }
    Token t;
    if (std::isdigit(c)) {
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (t.digits < 9) t.value = t.value * 10 + (text[i] - '0');
        ++t.digits;
        t.text.push_back(text[i++]);
      }
      t.numeric = true;
      std::string suffix;
      while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
        suffix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++]))));
      }
      if (!suffix.empty() && suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") {
        t.numeric = false;  // "3x": not a number we understand
      }
    } else {
      while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
        t.text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++]))));
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

int FullYear(const Token& t) { return t.digits == 2 ? 2000 + t.value : t.value; }
bool IsYear(const Token& t) {
  return t.numeric && (t.digits == 2 || (t.digits == 4 && t.value >= 1900 && t.value <= 2199));
}

SeedDate Make(std::string_view original, int y, unsigned m, unsigned d, DatePrecision p) {
  SeedDate out;
  out.original = std::string(original);
  if (!IsValidDate(y, m, d)) return out;
  out.date = FormatIsoDate(CivilDate{y, m, d});
  out.precision = p;
  return out;
}

}  // namespace

SeedDate ParseSeedDate(std::string_view text, std::optional<int> default_year) {
  SeedDate none;
  none.original = std::string(text);
  const std::string trimmed = Trim(text);
  if (auto iso = ParseIsoDate(trimmed)) {
    return Make(text, iso->year, iso->month, iso->day, DatePrecision::kDay);
  }
  // ISO 8601 year and month, "2021-02": how a spreadsheet reader gives a date
  // cell whose format shows only the month ("Feb-21").
  if (trimmed.size() == 7 && trimmed[4] == '-') {
    if (auto iso = ParseIsoDate(trimmed + "-01")) {
      return Make(text, iso->year, iso->month, 1, DatePrecision::kMonth);
    }
  }
  std::vector<Token> tokens = Tokenize(trimmed);
  std::size_t first = 0;
  while (first < tokens.size() && !tokens[first].numeric &&
         (tokens[first].text == "planned" || tokens[first].text == "draft" ||
          tokens[first].text == "due" || tokens[first].text == "by")) {
    ++first;
  }
  tokens.erase(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(first));
  // Every remaining token must be a number or a month name.
  std::vector<std::optional<unsigned>> months;
  for (const auto& t : tokens) {
    months.push_back(t.numeric ? std::nullopt : MonthFromWord(t.text));
    if (!t.numeric && !months.back()) return none;
  }
  const std::size_t n = tokens.size();
  auto is_num = [&](std::size_t i) { return tokens[i].numeric; };
  auto is_month = [&](std::size_t i) { return months[i].has_value(); };
  if (n == 3 && is_num(0) && is_num(1) && is_num(2) && IsYear(tokens[2]) && tokens[0].digits <= 2 &&
      tokens[1].digits <= 2 && trimmed.find('/') != std::string::npos) {
    return Make(text, FullYear(tokens[2]), static_cast<unsigned>(tokens[1].value),
                static_cast<unsigned>(tokens[0].value), DatePrecision::kDay);
  }
  if (n == 3 && is_num(0) && is_month(1) && IsYear(tokens[2]) && tokens[0].digits <= 2) {
    return Make(text, FullYear(tokens[2]), *months[1], static_cast<unsigned>(tokens[0].value),
                DatePrecision::kDay);
  }
  if (n == 2 && is_month(0) && is_num(1) && IsYear(tokens[1])) {
    return Make(text, FullYear(tokens[1]), *months[0], 1, DatePrecision::kMonth);
  }
  if (n == 2 && is_num(0) && tokens[0].digits <= 2 && is_month(1)) {
    if (!default_year) return none;
    return Make(text, *default_year, *months[1], static_cast<unsigned>(tokens[0].value),
                DatePrecision::kDay);
  }
  if (n == 1 && is_month(0) && default_year) {
    return Make(text, *default_year, *months[0], 1, DatePrecision::kMonth);
  }
  if (n == 1 && is_num(0) && tokens[0].digits == 4 && IsYear(tokens[0])) {
    return Make(text, tokens[0].value, 1, 1, DatePrecision::kYear);
  }
  return none;
}

std::optional<std::string> PeriodEnd(const SeedDate& date) {
  if (!date.date) return std::nullopt;
  auto day = ParseIsoDate(*date.date);
  if (!day) return std::nullopt;
  switch (date.precision) {
    case DatePrecision::kDay:
      return *date.date;
    case DatePrecision::kMonth:
      day->day = DaysInMonth(day->year, day->month);
      return FormatIsoDate(*day);
    case DatePrecision::kYear:
      return FormatIsoDate(CivilDate{day->year, 12, 31});
    case DatePrecision::kNone:
      break;
  }
  return std::nullopt;
}

nlohmann::json SeedDateToJson(const SeedDate& date) {
  return nlohmann::json{{"text", date.original},
                        {"date", OrNull(date.date)},
                        {"precision", NameOf(kDatePrecisionNames, date.precision)}};
}

SeedDate SeedDateFromJson(const nlohmann::json& object) {
  SeedDate out;
  out.original = GetStr(object, "text");
  out.date = GetOptStr(object, "date");
  out.precision = out.date ? GetEnum(object, "precision", kDatePrecisionNames, DatePrecision::kNone)
                           : DatePrecision::kNone;
  return out;
}

}  // namespace assure::domain
