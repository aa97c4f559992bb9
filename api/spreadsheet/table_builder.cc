#include "api/spreadsheet/table_builder.h"

#include <utility>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/text.h"

namespace assure::api::spreadsheet {

bool IsBlankRow(const std::vector<std::string>& cells) {
  for (const std::string& c : cells) {
    if (!c.empty()) return false;
  }
  return true;
}

void ShapeRow(Row& row, std::size_t width, const std::string& file,
              bool warn_long, bool warn_short, std::vector<Warning>& warnings) {
  const std::size_t original = row.cells.size();
  while (row.cells.size() > width && row.cells.back().empty()) {
    row.cells.pop_back();
  }
  if (row.cells.size() > width) {
    if (warn_long) {
      warnings.push_back(
          {file, row.number,
           "row has " + std::to_string(row.cells.size()) +
               " cells but the header has " + std::to_string(width) +
               ": cells may be shifted; all cells kept as they are",
           WarningKind::kShiftedCells});
    }
  } else if (warn_short && original < width) {
    warnings.push_back(
        {file, row.number,
         "row has " + std::to_string(original) + " cells but the header has " +
             std::to_string(width) + ": missing cells read as empty"});
  }
  if (row.cells.size() < width) row.cells.resize(width);
}

void WarnIfSectionRow(const Row& row, const std::string& file,
                      std::vector<Warning>& warnings) {
  if (row.cells.size() < 3 || !row.cells[0].empty() || !row.cells[1].empty()) {
    return;
  }
  std::size_t filled = 0;
  const std::string* first = nullptr;
  for (const std::string& c : row.cells) {
    if (c.empty()) continue;
    ++filled;
    if (!first) first = &c;
  }
  if (filled == 0 || filled > 2) return;
  warnings.push_back({file, row.number,
                      "looks like a section row (\"" + *first +
                          "\"), not a deliverable: kept as a row",
                      WarningKind::kSectionRow});
}

void WarnUnknownColumns(const Table& table, const std::string& file,
                        std::vector<Warning>& warnings) {
  const HeaderMatch m = MatchHeader(table.header);
  for (std::size_t i : m.unknown) {
    warnings.push_back({file, table.header_row,
                        "column \"" + table.header[i] +
                            "\" is not a known work programme column; kept"});
  }
  for (std::size_t i : m.duplicate) {
    warnings.push_back({file, table.header_row,
                        "column \"" + table.header[i] +
                            "\" repeats an earlier column; kept"});
  }
}

Result<Table> BuildTable(std::vector<Row> rows, std::string title,
                         std::string source, const std::string& file,
                         const ReadOptions& options, bool first_row_fallback,
                         std::vector<Warning>& warnings) {
  std::size_t header_index = rows.size();
  std::size_t searched = 0;
  for (std::size_t i = 0; i < rows.size() && searched < options.header_search_rows;
       ++i) {
    if (IsBlankRow(rows[i].cells)) continue;
    ++searched;
    if (MatchHeader(rows[i].cells).matched >= options.min_header_matches) {
      header_index = i;
      break;
    }
  }
  if (header_index == rows.size()) {
    if (!first_row_fallback || rows.empty()) {
      return ReadError(
          ErrorCode::kInvalidArgument, file, 0,
          "no recognisable header row in the first " +
              std::to_string(options.header_search_rows) +
              " rows: expected at least " +
              std::to_string(options.min_header_matches) +
              " column names such as \"Network Reference\", \"Deliverable\", "
              "\"RAGB Status\"");
    }
    header_index = 0;
    warnings.push_back({file, rows[0].number,
                        "no recognisable work programme header; the first row "
                        "is taken as the header"});
  }

  Table table;
  table.title = std::move(title);
  table.source = std::move(source);
  for (std::size_t i = 0; i < header_index; ++i) {
    const Row& r = rows[i];
    std::size_t filled = 0;
    const std::string* only = nullptr;
    for (const std::string& c : r.cells) {
      if (!c.empty()) {
        ++filled;
        only = &c;
      }
    }
    if (filled == 0) continue;
    if (filled == 1 && table.title.empty()) {
      table.title = *only;
      continue;
    }
    warnings.push_back({file, r.number, "row above the header skipped"});
  }

  Row& head = rows[header_index];
  table.header_row = head.number;
  table.header = std::move(head.cells);
  while (!table.header.empty() && table.header.back().empty()) {
    table.header.pop_back();
  }
  const std::size_t width = table.header.size();
  table.rows.reserve(rows.size() - header_index - 1);
  for (std::size_t i = header_index + 1; i < rows.size(); ++i) {
    if (IsBlankRow(rows[i].cells)) continue;
    ShapeRow(rows[i], width, file, /*warn_long=*/true, /*warn_short=*/false,
             warnings);
    WarnIfSectionRow(rows[i], file, warnings);
    table.rows.push_back(std::move(rows[i]));
  }
  WarnUnknownColumns(table, file, warnings);
  return table;
}

}  // namespace assure::api::spreadsheet
