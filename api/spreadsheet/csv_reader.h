// Reading CSV as Excel saves it.
//
// Accepts UTF-8 with or without a byte order mark, CRLF, LF or CR line ends,
// RFC 4180 quoting (delimiters, doubled quotes and line breaks inside quoted
// cells), and ',', ';' or tab as the delimiter: an Excel "sep=X" first line is
// honoured, otherwise the delimiter that yields a recognisable header wins
// (ties: more fields, then ','). Line breaks inside cells come back as "\n".
//
// The header is the first row, among the first options.header_search_rows
// non-empty rows, that names at least options.min_header_matches known
// columns (column.h); a single-cell row above it is the table's title.
// Blank rows are skipped.
//
// Errors (Result error, never an exception): kInvalidArgument for an empty,
// binary or non-UTF-8 file, an unterminated quoted cell, or no recognisable
// header; kTooLarge for a file, row or cell over options.limits. Messages name
// the file and the line.
#pragma once

#include <string_view>

#include "api/spreadsheet/read_options.h"
#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

Result<ReadResult> ReadCsv(std::string_view bytes, std::string_view file_name,
                           const ReadOptions& options = {});

}  // namespace assure::api::spreadsheet
