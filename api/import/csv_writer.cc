#include "api/import/csv_writer.h"

#include <string_view>
#include <vector>

namespace assure::api::import {
namespace {

void AppendCell(std::string& out, std::string_view cell, char delim) {
  const bool quote = cell.find_first_of(std::string{delim, '"', '\r', '\n'}) !=
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

void AppendRecord(std::string& out, const std::vector<std::string>& cells,
                  char delim) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(delim);
    AppendCell(out, cells[i], delim);
  }
  out.append("\r\n");
}

}  // namespace

std::string WriteCsv(const Table& table, const CsvWriteOptions& options) {
  std::string out;
  if (options.bom) out.append("\xEF\xBB\xBF");
  if (options.title_row && !table.title.empty()) {
    AppendRecord(out, {table.title}, options.delimiter);
  }
  AppendRecord(out, table.header, options.delimiter);
  for (const Row& row : table.rows) AppendRecord(out, row.cells, options.delimiter);
  return out;
}

}  // namespace assure::api::import
