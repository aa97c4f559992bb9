// Turning raw rows into a Table: finding the header row (CSV, xlsx) and
// shaping every data row to the header (see the invariants in table.h).
// Shared by all readers so they agree on what a table looks like.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "api/spreadsheet/read_options.h"
#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

// True when every cell is empty.
bool IsBlankRow(const std::vector<std::string>& cells);

// Pads `row` to `width` cells and trims trailing empty cells beyond it. Adds a
// warning, with warn_long, when the row carries text beyond the header
// (shifted cells), or, with warn_short, when it had fewer cells than the
// header.
void ShapeRow(Row& row, std::size_t width, const std::string& file,
              bool warn_long, bool warn_short, std::vector<Warning>& warnings);

// Warns when a data row looks like a section heading inside the table (the
// seed's "| | | | Key Priorities | ..."): its first two cells are empty and at
// most two cells hold text. The row is kept.
void WarnIfSectionRow(const Row& row, const std::string& file,
                      std::vector<Warning>& warnings);

// Warns about header cells naming no known column (see column.h).
void WarnUnknownColumns(const Table& table, const std::string& file,
                        std::vector<Warning>& warnings);

// Builds one table from the non-blank rows of a CSV file or xlsx sheet.
//
// The header is the first of the first options.header_search_rows rows in
// which at least options.min_header_matches cells name known columns. A row
// above it with a single non-empty cell becomes the title (when `title` is
// empty); other rows above it are skipped with a warning. Without such a row
// the result is kInvalidArgument, unless first_row_fallback is set, in which
// case the first row is the header and a warning says so.
Result<Table> BuildTable(std::vector<Row> rows, std::string title,
                         std::string source, const std::string& file,
                         const ReadOptions& options, bool first_row_fallback,
                         std::vector<Warning>& warnings);

}  // namespace assure::api::spreadsheet
