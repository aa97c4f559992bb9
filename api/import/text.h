// Checks and small helpers for untrusted text input, shared by the CSV and
// Markdown readers (and by the xlsx reader for cell text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/import/read_options.h"
#include "domain/result.h"

namespace assure::api::import {

// The input without a leading UTF-8 byte order mark.
std::string_view StripBom(std::string_view bytes);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF). On failure *bad_offset (if given) is the first bad byte.
bool IsValidUtf8(std::string_view text, std::size_t* bad_offset = nullptr);

// 1-based line number of byte `offset` (counting LF, CRLF and lone CR).
std::size_t LineOf(std::string_view text, std::size_t offset);

// Refuses input a text reader must not parse: over max_input_bytes
// (kTooLarge), empty or blank, containing NUL bytes (a binary file), or not
// UTF-8 (kInvalidArgument, naming the line of the first bad byte).
Status CheckTextInput(std::string_view bytes, std::string_view file,
                      const ReadLimits& limits);

// Without surrounding ASCII whitespace and U+00A0 (no-break space, common in
// text copied from Word).
std::string_view TrimCell(std::string_view text);

// Number of code points (for column widths); assumes valid UTF-8.
std::size_t CodePoints(std::string_view text);

// "file.csv" or "file.csv, row 12": the prefix of every message.
std::string Where(std::string_view file, std::size_t row);

inline Error ReadError(ErrorCode code, std::string_view file, std::size_t row,
                       std::string_view what) {
  return MakeError(code, Where(file, row) + ": " + std::string(what),
                   std::string(file));
}

}  // namespace assure::api::import
