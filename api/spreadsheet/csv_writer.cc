#include "api/spreadsheet/csv_writer.h"

#include <string_view>
#include <vector>

namespace assure::api::spreadsheet {
namespace {

// `always`: quoted whatever it holds (a cell that would read as a "sep=X"
// hint); its quotes doubled like any other's.
void AppendCell(std::string& out, std::string_view cell, char delim, bool always = false) {
  // Any of the delimiters the reader may detect is quoted, whichever one is
  // in use, so no cell can make another delimiter look right on reading.
  const bool quote = always ||
                     cell.find_first_of(std::string{delim, ',', ';', '\t', '"', '\r', '\n'}) !=
                         std::string_view::npos ||
                     (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
  if (!quote) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

// True for text that, alone at the start of a file, reads as Excel's
// "sep=X" delimiter hint.
bool LooksLikeSepHint(std::string_view cell) {
  return cell.size() == 5 && (cell.substr(0, 4) == "sep=" || cell.substr(0, 4) == "SEP=");
}

void AppendRecord(std::string& out, const std::vector<std::string>& cells,
                  char delim, bool first_record) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(delim);
    // (Its quote, if it is one, doubled: `SEP="` written as "SEP=""" reads back.)
    AppendCell(out, cells[i], delim, /*always=*/i == 0 && first_record && LooksLikeSepHint(cells[0]));
  }
  out.append("\r\n");
}

}  // namespace

std::string WriteCsv(const Table& table, const CsvWriteOptions& options) {
  std::string out;
  if (options.bom) out.append("\xEF\xBB\xBF");
  bool first = true;
  if (options.title_row && !table.title.empty()) {
    AppendRecord(out, {table.title}, options.delimiter, first);
    first = false;
  }
  AppendRecord(out, table.header, options.delimiter, first);
  for (const Row& row : table.rows) {
    AppendRecord(out, row.cells, options.delimiter, false);
  }
  return out;
}

}  // namespace assure::api::spreadsheet
