#include "api/import/text.h"

namespace assure::api::import {

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

Status CheckTextInput(std::string_view bytes, std::string_view file,
                      const ReadLimits& limits) {
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
  if (!IsValidUtf8(text, &bad)) {
    return ReadError(ErrorCode::kInvalidArgument, file, LineOf(text, bad),
                     "invalid UTF-8 at byte " + std::to_string(bad + 1) +
                         " (save the file as \"CSV UTF-8\")");
  }
  return {};
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

}  // namespace assure::api::import
