#include "domain/text_limits.h"

#include <utility>

#include "domain/hex.h"

namespace assure::domain {

namespace {

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// The code point at text[i] and its length in bytes; length 0 when the bytes
// there are not well-formed UTF-8.
std::pair<char32_t, std::size_t> NextCodePoint(std::string_view text, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t n;
  char32_t cp;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + n > text.size()) return {0, 0};
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, n};
}

// "U+001F": control characters are all below U+0100.
std::string CodePointName(char32_t cp) {
  std::string out = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHexUpper[(cp >> shift) & 0xF]);
  return out;
}

class TextWalker {
 public:
  // The first problem in `value` (a member named `name`, shown as `path`).
  Status Walk(const nlohmann::json& value, std::string_view name, const std::string& path) {
    if (name.starts_with("previous_")) return {};
    if (value.is_string()) return Check(value.get_ref<const std::string&>(), name, path);
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        ASSURE_TRY(Walk(value[i], name, path + "[" + std::to_string(i) + "]"));
      }
    } else if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        ASSURE_TRY(Walk(it.value(), it.key(), path.empty() ? it.key() : path + "." + it.key()));
      }
    }
    return {};
  }

  static Status Check(std::string_view text, std::string_view name, const std::string& path) {
    const std::string problem = TextProblem(text, TextLimitOf(name));
    if (problem.empty()) return {};
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' " + problem, path);
  }
};

}  // namespace

TextLimit TextLimitOf(std::string_view field) {
  for (const TextLimit& l : kTextLimits) {
    if (l.field == field) return l;
  }
  if (field == "id" || EndsWith(field, "_id") || EndsWith(field, "_ids")) return {field, kIdChars, false};
  return {field, kOtherChars, false};
}

std::string TextProblem(std::string_view text, const TextLimit& limit) {
  std::size_t chars = 0;
  std::string control;
  for (std::size_t i = 0; i < text.size();) {
    auto [cp, n] = NextCodePoint(text, i);
    if (n == 0) return "is not UTF-8 text";
    i += n;
    ++chars;
    const bool is_control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    const bool allowed = limit.multiline && (cp == '\n' || cp == '\r' || cp == '\t');
    if (is_control && !allowed && control.empty()) control = CodePointName(cp);
  }
  if (chars > limit.max_chars) {
    return "is longer than " + std::to_string(limit.max_chars) + " characters (it has " +
           std::to_string(chars) + ")";
  }
  if (!control.empty()) {
    return "holds a control character (" + control + ")" +
           (limit.multiline ? "; only line breaks and tabs are allowed" : "; it must be one line of text");
  }
  return {};
}

Status CheckEventText(const std::vector<NewEvent>& events) {
  TextWalker walker;
  for (const NewEvent& e : events) {
    ASSURE_TRY(walker.Walk(e.data, "", ""));
    ASSURE_TRY(TextWalker::Check(e.reason, "reason", "reason"));
  }
  return {};
}

Result<std::vector<NewEvent>> TextChecked(Result<std::vector<NewEvent>> decided) {
  if (!decided.ok()) return decided;
  if (auto s = CheckEventText(*decided); !s.ok()) return std::move(s).error();
  return decided;
}

}  // namespace assure::domain
