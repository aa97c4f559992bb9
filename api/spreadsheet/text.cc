#include "api/spreadsheet/text.h"

#include "domain/hex.h"

namespace assure::api::spreadsheet {

std::string_view StripBom(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
  }
  return bytes;
}

bool IsValidUtf8(std::string_view text, std::size_t* bad_offset) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto fail = [&](std::size_t at) {
    if (bad_offset) *bad_offset = at;
    return false;
  };
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlongs
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // <= U+10FFFF
    } else {
      return fail(i);
    }
    if (i + len > n) return fail(i);
    if (s[i + 1] < lo || s[i + 1] > hi) return fail(i);
    for (std::size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return fail(i);
    }
    i += len;
  }
  return true;
}

std::size_t LineOf(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  const std::size_t end = offset < text.size() ? offset : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
    } else if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      ++line;
    }
  }
  return line;
}

namespace {

// U+0080..U+009F as Windows-1252 has them at 0x80..0x9F; 0 = undefined.
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char16_t Windows1252CodePoint(unsigned char c) {
  if (c < 0x80 || c >= 0xA0) return c;
  return kWindows1252High[c - 0x80];
}

}  // namespace

std::string_view EncodingName(TextEncoding encoding) {
  return encoding == TextEncoding::kWindows1252 ? "Windows-1252" : "UTF-8";
}

std::string DecodeWindows1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    char16_t cp = Windows1252CodePoint(c);
    if (cp == 0 && c != 0) cp = 0xFFFD;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

Result<TextInput> DecodeTextInput(std::string_view bytes, std::string_view file,
                                  const ReadLimits& limits, std::string& storage) {
  if (bytes.size() > limits.max_input_bytes) {
    return ReadError(ErrorCode::kTooLarge, file, 0,
                     "file is " + std::to_string(bytes.size()) +
                         " bytes; the limit is " +
                         std::to_string(limits.max_input_bytes));
  }
  const std::string_view text = StripBom(bytes);
  if (TrimCell(text).empty()) {
    return ReadError(ErrorCode::kInvalidArgument, file, 0,
                     "file is empty: there is no table to read");
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return ReadError(ErrorCode::kInvalidArgument, file, LineOf(text, nul),
                     "file contains NUL bytes: it is a binary file, not text "
                     "(save it as CSV UTF-8 or as .xlsx)");
  }
  std::size_t bad = 0;
  if (IsValidUtf8(text, &bad)) return TextInput{text, TextEncoding::kUtf8};
  if (text.size() != bytes.size()) {
    return ReadError(ErrorCode::kInvalidArgument, file, LineOf(text, bad),
                     "invalid UTF-8 at byte " + std::to_string(bad + 1) +
                         " although the file starts with a UTF-8 byte order "
                         "mark (save the file as \"CSV UTF-8\")");
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (Windows1252CodePoint(c) == 0 && c != 0) {
      std::string hex = "0x00";
      domain::WriteHexUpper(hex.data() + 2, c);
      return ReadError(ErrorCode::kInvalidArgument, file, LineOf(text, i),
                       "byte " + std::to_string(i + 1) + " (" + hex +
                           ") is neither UTF-8 nor Windows-1252 (save the "
                           "file as \"CSV UTF-8\")");
    }
  }
  storage = DecodeWindows1252(text);
  return TextInput{storage, TextEncoding::kWindows1252};
}

std::string_view TrimCell(std::string_view text) {
  auto is_space = [](unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  };
  while (true) {
    if (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    } else if (text.size() >= 2 && text.substr(0, 2) == "\xC2\xA0") {
      text.remove_prefix(2);
    } else {
      break;
    }
  }
  while (true) {
    if (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
    } else if (text.size() >= 2 && text.substr(text.size() - 2) == "\xC2\xA0") {
      text.remove_suffix(2);
    } else {
      break;
    }
  }
  return text;
}

std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Where(std::string_view file, std::size_t row) {
  std::string out(file.empty() ? std::string_view("(unnamed)") : file);
  if (row > 0) out += ", row " + std::to_string(row);
  return out;
}

}  // namespace assure::api::spreadsheet
