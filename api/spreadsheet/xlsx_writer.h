// Writing Tables as an .xlsx workbook (libxlsxwriter), one sheet per table,
// as boards expect their programme spreadsheets: the header row bold and
// frozen with an autofilter, columns sized to their content (capped, long
// text wrapped), and the RAGB column's cells filled Red, Amber, Blue or Green
// by value ("Red", "R", "Red (R)", any case; "On Target" is Blue and
// "Completed" Green, as the export writes a Blue deliverable in progress and
// a completed one; other status words stay unfilled). The RAGB column is found by header name (column.h).
//
// Sheet names are the table titles made legal for Excel (no []:*?/\, at most
// 31 characters, unique); an empty title becomes "Sheet<n>". Because a sheet
// name loses most of a long title, each table's identity is also written as
// custom document properties (File > Info > Properties in Excel), n = 1, 2,
// ... in table order:
//   "Assure table <n> sheet"   the sheet's name
//   "Assure table <n> id"      Table::id, when not empty
//   "Assure table <n> title"   Table::title, in full (past 255 bytes, the rest
//                              continues in "... title 2", "... title 3", ...)
// ReadXlsx gives the title and id back for the sheet of that name.
//
// Cells are written as text, except ISO dates in the date columns (Date
// Initiated, Planned End Date, Date Completed, found by header name): "2021-02"
// becomes a date cell shown as a month ("Feb-21", format mmm-yy) and
// "2021-02-03" one shown as a day ("03/02/2021"). Either way ReadXlsx gives
// back the same cells.
//
// libxlsxwriter 1.1.4 (Debian 12) cannot write to memory, so the workbook is
// written to a private temporary file, read back and removed.
//
// Errors: kInvalidArgument for no tables or a cell Excel cannot hold (over
// 32,767 characters); kTooLarge past 1,048,576 rows or 16,384 columns;
// kIoError when the temporary file cannot be written.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

// The custom document properties naming each table start with this.
inline constexpr std::string_view kXlsxPropertyPrefix = "Assure table ";

struct XlsxWriteOptions {
  double max_column_width = 60;  // characters; wider text wraps
  double min_column_width = 8;
};

// The colour an RAGB cell gets, by its text; nullopt for anything else.
enum class RagbColour { kRed, kAmber, kBlue, kGreen };
std::optional<RagbColour> RagbColourOf(std::string_view cell);

Result<std::string> WriteXlsx(const std::vector<Table>& tables,
                              const XlsxWriteOptions& options = {});

}  // namespace assure::api::spreadsheet
