// ASCII case folding, for comparisons boards expect to ignore case (QSIN
// codes, searches). Bytes outside A-Z are kept as they are (UTF-8 text is
// not folded).
#pragma once

#include <string>
#include <string_view>

namespace assure::domain {

inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace assure::domain
