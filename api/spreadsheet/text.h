// Checks and small helpers for untrusted text input, shared by the CSV and
// Markdown readers (and by the xlsx reader for cell text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/spreadsheet/read_options.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

// The input without a leading UTF-8 byte order mark.
std::string_view StripBom(std::string_view bytes);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF). On failure *bad_offset (if given) is the first bad byte.
bool IsValidUtf8(std::string_view text, std::size_t* bad_offset = nullptr);

// 1-based line number of byte `offset` (counting LF, CRLF and lone CR).
std::size_t LineOf(std::string_view text, std::size_t offset);

// The character encodings a text file (CSV, Markdown) is read in.
enum class TextEncoding {
  kUtf8,         // with or without a byte order mark
  kWindows1252,  // Excel's "CSV (Comma delimited)" on an English Windows
};
// "UTF-8" or "Windows-1252", as the import report names it.
std::string_view EncodingName(TextEncoding encoding);

struct TextInput {
  std::string_view text;  // UTF-8 without a BOM: views the input or the storage
  TextEncoding encoding = TextEncoding::kUtf8;
};

// Refuses input a text reader must not parse: over max_input_bytes
// (kTooLarge), empty or blank, or containing NUL bytes (a binary file)
// (kInvalidArgument). Then picks the encoding: a UTF-8 byte order mark or
// well-formed UTF-8 is UTF-8 (a BOM with invalid UTF-8 after it is refused,
// naming the line of the first bad byte); anything else is Windows-1252,
// decoded into `storage` (at most 3 bytes out per byte in). The five bytes
// Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are refused,
// naming the line and the byte: a file holding them is neither UTF-8 nor
// Windows-1252, and guessing would put control characters in the record.
Result<TextInput> DecodeTextInput(std::string_view bytes, std::string_view file,
                                  const ReadLimits& limits, std::string& storage);

// Windows-1252 to UTF-8. Total: the five undefined bytes become U+FFFD
// (DecodeTextInput refuses them before this is called).
std::string DecodeWindows1252(std::string_view bytes);

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

}  // namespace assure::api::spreadsheet
