// Programme titles and stable ids.
#include "api/programme_files/programme_title.h"

#include <cctype>

#include "storage/codec.h"

namespace assure::api::programme_files {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimView(std::string_view s) {
  auto junk = [](char c) {
    return c == ' ' || c == '\t' || c == '-' || c == '(' || c == ')' || c == ':' || c == '*' ||
           c == ',' || c == '_' || c == '.';
  };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  return s;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])));
    if (a != suffix[i]) return false;
  }
  return true;
}

// Finds "YYYY<sep>YY" or "YYYY<sep>YYYY" naming consecutive years; returns
// the start offset of the first year and the programme year "YYYY-YY".
std::optional<std::pair<std::size_t, std::string>> FindYear(std::string_view t) {
  for (std::size_t i = 0; i + 4 <= t.size(); ++i) {
    if (i > 0 && IsDigit(t[i - 1])) continue;
    if (!(IsDigit(t[i]) && IsDigit(t[i + 1]) && IsDigit(t[i + 2]) && IsDigit(t[i + 3]))) continue;
    const int first = std::stoi(std::string(t.substr(i, 4)));
    std::size_t j = i + 4;
    while (j < t.size()) {
      if (t[j] == ' ' || t[j] == '-' || t[j] == '/' || t[j] == '_') {
        ++j;
      } else if (t.substr(j, 3) == "\xE2\x80\x93" || t.substr(j, 3) == "\xE2\x80\x94") {
        j += 3;  // an en or em dash, as Word and Excel put between years
      } else {
        break;
      }
    }
    if (j == i + 4) continue;  // no separator
    std::size_t k = j;
    while (k < t.size() && IsDigit(t[k])) ++k;
    if (k == j) continue;
    const std::string_view second = t.substr(j, k - j);
    int next = -1;
    if (second.size() == 2) next = (first / 100) * 100 + std::stoi(std::string(second));
    if (second.size() == 4) next = std::stoi(std::string(second));
    if (next != first + 1) continue;
    std::string year = std::to_string(first) + "-" + std::string(second.substr(second.size() - 2));
    return std::make_pair(i, year);
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProgrammeTitle> ParseProgrammeTitle(std::string_view title) {
  std::string_view t = title;
  while (!t.empty() && (t.front() == ' ' || t.front() == '*')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '*')) t.remove_suffix(1);
  auto year = FindYear(t);
  if (!year) return std::nullopt;
  std::string_view name = TrimView(t.substr(0, year->first));
  for (std::string_view suffix : {"work programme", "work program", "programme", "work plan"}) {
    if (EndsWithNoCase(name, suffix)) {
      name = TrimView(name.substr(0, name.size() - suffix.size()));
      break;
    }
  }
  if (name.size() >= 5 && (name.substr(0, 5) == "WMIN " || name.substr(0, 5) == "wmin ")) {
    name = TrimView(name.substr(5));
  }
  ProgrammeTitle out;
  out.title = std::string(t);
  out.year = year->second;
  if (name.empty()) {
    out.group_name = std::string(kCoreGroupName);
    out.group_kind = domain::GroupKind::kForum;
  } else {
    out.group_name = std::string(name);
    out.group_kind = NormaliseKey(name) == NormaliseKey(kCoreGroupName) ? domain::GroupKind::kForum
                                                                         : domain::GroupKind::kSig;
  }
  return out;
}

std::string NormaliseKey(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c >= 0x80) {
      if (gap && !out.empty()) out.push_back(' ');
      gap = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      gap = true;
    }
  }
  return out;
}

std::string StableId(std::string_view prefix, std::string_view key) {
  const storage::Hash256 h = storage::Sha256(key);
  return std::string(prefix) + storage::HexEncode(h.data(), 10);
}

}  // namespace assure::api::programme_files
