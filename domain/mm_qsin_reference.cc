#include "domain/mm_qsin_reference.h"

#include <algorithm>
#include <cctype>

#include "domain/json_read.h"

namespace assure::domain {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Position of the first code marker "IN", or npos.
std::size_t FindCodeStart(std::string_view s) {
  for (std::size_t i = 0; i + 2 < s.size() + 1; ++i) {
    if (s.compare(i, 2, "IN") != 0) continue;
    if (i > 0 && IsAlnum(s[i - 1])) continue;
    if (i + 2 >= s.size()) continue;
    const char next = s[i + 2];
    if (next == '-' || next == ' ' || IsDigit(next)) return i;
  }
  return std::string_view::npos;
}

}  // namespace

bool IsQsinCode(std::string_view code) {
  return code.size() == 6 && code.substr(0, 3) == "IN-" && IsDigit(code[3]) && IsDigit(code[4]) &&
         IsDigit(code[5]);
}

MmQsinReference ParseMmQsinReference(std::string_view raw) {
  MmQsinReference out;
  out.raw = std::string(raw);
  const std::size_t start = FindCodeStart(raw);
  std::string domain = Trim(raw.substr(0, std::min(start, raw.size())));
  while (!domain.empty() && (domain.back() == '-' || domain.back() == ',' || domain.back() == ':')) {
    domain.pop_back();
    domain = Trim(domain);
  }
  out.domain = domain;
  if (start == std::string_view::npos) return out;
  const std::string_view rest = raw.substr(start);
  std::size_t i = 0;
  while (i < rest.size()) {
    if (!IsDigit(rest[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < rest.size() && IsDigit(rest[j])) ++j;
    const bool word_bounded = j >= rest.size() || !IsAlnum(rest[j]);
    if (j - i == 3 && word_bounded) {
      std::string code = "IN-" + std::string(rest.substr(i, 3));
      if (std::find(out.codes.begin(), out.codes.end(), code) == out.codes.end()) {
        out.codes.push_back(std::move(code));
      }
    }
    i = j;
  }
  return out;
}

nlohmann::json MmQsinToJson(const MmQsinReference& ref) {
  return nlohmann::json{{"raw", ref.raw}, {"domain", ref.domain}, {"codes", ref.codes}};
}

MmQsinReference MmQsinFromJson(const nlohmann::json& object) {
  MmQsinReference out;
  out.raw = GetStr(object, "raw");
  out.domain = GetStr(object, "domain");
  out.codes = GetStrList(object, "codes");
  return out;
}

}  // namespace assure::domain
