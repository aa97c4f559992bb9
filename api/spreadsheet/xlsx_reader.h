// Reading .xlsx workbooks: one Table per non-empty worksheet, in workbook
// order; source is "book.xlsx:Sheet name". The title is, first, the one the
// export recorded for the sheet (custom document properties, see
// xlsx_writer.h, which also give Table::id), else a title row above the
// header (a row with one non-empty cell, merged across or not), else the
// sheet name.
//
// Cells: shared strings (rich text runs joined), inline strings, formula
// results, booleans (TRUE/FALSE), error values (#N/A), numbers (up to 15
// significant digits, as Excel shows them), and numbers in a date format
// converted from Excel serials to ISO 8601: "2023-03-01", or "2023-03" when
// the format shows no day (mmm-yy, the seed's "Mar-23"); see excel_date.h.
// Merged cells are tolerated: the value sits in the top-left cell, the rest
// are empty. A RAGB Status cell with no text but a solid fill is given the
// rating word of its colour ("Red", "Amber", "Green", "Blue"; see
// RagbWordOfFill), with a warning; a fill of another colour is a warning. Header and rows follow the CSV rules (table_builder.h), except
// that a sheet without a recognisable header keeps its first row as the
// header, with a warning. Hidden sheets are read too.
//
// Errors: kInvalidArgument when the bytes are not a zip, not a workbook, hold
// damaged XML or non-UTF-8 text, or no sheet has any cell; kTooLarge for the
// zip-bomb limits, a row past limits.max_columns or a sheet past max_rows.
#pragma once

#include <string_view>

#include "api/spreadsheet/read_options.h"
#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

Result<ReadResult> ReadXlsx(std::string_view bytes, std::string_view file_name,
                            const ReadOptions& options = {});

}  // namespace assure::api::spreadsheet
