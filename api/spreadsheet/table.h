// The table model shared by every reader and writer in assure::api::spreadsheet.
//
// A reader turns the bytes of one file into zero or more Tables plus a list of
// Warnings; a writer turns one Table back into bytes. Nothing here knows about
// deliverables: mapping rows to domain commands is the importer's job, done on
// top of these values (see column.h for the header matching it will want).
//
// Shape invariants every reader guarantees for each Row of a Table:
//   - cells.size() >= header.size() (short rows are padded with "");
//   - cells.size() >  header.size() only when the last cell is non-empty
//     (extra trailing empty cells are trimmed; extra text is kept and warned);
//   - no Row has all cells empty (empty rows are skipped);
//   - every cell is valid UTF-8 with surrounding whitespace trimmed.
//
// Thread safety: plain values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace assure::api::spreadsheet {

struct Row {
  std::size_t number = 0;  // 1-based line (CSV, Markdown) or row (xlsx) in the source
  std::vector<std::string> cells;

  friend bool operator==(const Row&, const Row&) = default;
};

struct Table {
  // e.g. "Medical Physics Work Programme (2023 - 2024)"; the sheet name for
  // xlsx; the title row above the header for CSV, when there is one.
  std::string title;
  // What the table is, when the file says so: the xlsx export writes it (the
  // programme id) and ReadXlsx gives it back (see xlsx_writer.h); else empty.
  std::string id;
  std::string source;  // "file.md", "file.csv" or "book.xlsx:Sheet name"
  std::size_t header_row = 0;  // 1-based line/row of the header in the source
  std::vector<std::string> header;
  std::vector<Row> rows;
};

// Something in the file that was read but not taken at face value: a shifted
// row, a section row, a skipped empty row, an unknown column. The importer
// shows these per row; none of them stops the read.
// What a row warning is about, so a caller that reads the row further (the
// importer realigns shifted cells and skips section rows) can give the row one
// warning of its own instead of a second one.
enum class WarningKind { kOther, kShiftedCells, kSectionRow };

struct Warning {
  std::string file;
  std::size_t row = 0;  // 1-based; 0 = the file as a whole
  std::string message;
  WarningKind kind = WarningKind::kOther;
};

struct ReadResult {
  std::vector<Table> tables;
  std::vector<Warning> warnings;
  // The text encoding read (EncodingName in text.h: "UTF-8", "Windows-1252");
  // empty for xlsx, whose XML carries its own.
  std::string encoding;
};

}  // namespace assure::api::spreadsheet
