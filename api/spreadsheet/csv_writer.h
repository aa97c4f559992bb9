// Writing a Table as CSV for Excel: UTF-8 with a byte order mark (so Excel
// detects UTF-8), CRLF after every record, RFC 4180 quoting (cells holding
// ',', ';', a tab, a quote, a line break, or leading/trailing spaces are
// quoted, whatever the delimiter; quotes are doubled). Line breaks inside cells are written as "\n".
//
// Round trip: ReadCsv(WriteCsv(t)) gives back t's header and rows (and, with
// title_row, its title) when t obeys the shape invariants of table.h and its
// header names at least two known columns (so the reader recognises it).
// Row numbers are those of the new file.
#pragma once

#include <string>

#include "api/spreadsheet/table.h"

namespace assure::api::spreadsheet {

struct CsvWriteOptions {
  bool bom = true;          // UTF-8 byte order mark first
  bool title_row = false;   // a one-cell row with table.title above the header
  char delimiter = ',';     // ',' or ';' (for Excel in comma-decimal locales)
};

std::string WriteCsv(const Table& table, const CsvWriteOptions& options = {});

}  // namespace assure::api::spreadsheet
