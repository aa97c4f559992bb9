#include "api/spreadsheet/read_tables.h"

#include <string>

#include "api/spreadsheet/csv_reader.h"
#include "api/spreadsheet/markdown_reader.h"
#include "api/spreadsheet/text.h"
#include "api/spreadsheet/xlsx_reader.h"

namespace assure::api::spreadsheet {
namespace {

bool HasExtension(std::string_view name, std::string_view ext) {
  if (name.size() < ext.size()) return false;
  std::string_view tail = name.substr(name.size() - ext.size());
  for (std::size_t i = 0; i < ext.size(); ++i) {
    char c = tail[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != ext[i]) return false;
  }
  return true;
}

bool LooksLikeMarkdownTable(std::string_view text) {
  // A line starting with '|' whose next line is a |---| separator.
  std::size_t pos = 0;
  std::string_view prev;
  for (int n = 0; n < 2000 && pos < text.size(); ++n) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = TrimCell(text.substr(pos, end - pos));
    if (!prev.empty() && prev.front() == '|' && line.size() >= 3 &&
        line.front() == '|' &&
        line.find_first_not_of("|-: ") == std::string_view::npos &&
        line.find('-') != std::string_view::npos) {
      return true;
    }
    prev = line;
    pos = end + 1;
  }
  return false;
}

}  // namespace

Format DetectFormat(std::string_view bytes, std::string_view file_name) {
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return Format::kXlsx;
  if (bytes.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
    return Format::kLegacyXls;
  }
  if (HasExtension(file_name, ".xlsx") || HasExtension(file_name, ".xlsm")) {
    return Format::kXlsx;
  }
  if (HasExtension(file_name, ".md") || HasExtension(file_name, ".markdown")) {
    return Format::kMarkdown;
  }
  if (HasExtension(file_name, ".csv") || HasExtension(file_name, ".txt")) {
    return Format::kCsv;
  }
  return LooksLikeMarkdownTable(bytes) ? Format::kMarkdown : Format::kCsv;
}

Result<ReadResult> ReadTables(std::string_view bytes, std::string_view file_name,
                              const ReadOptions& options) {
  switch (DetectFormat(bytes, file_name)) {
    case Format::kXlsx: return ReadXlsx(bytes, file_name, options);
    case Format::kMarkdown: return ReadMarkdown(bytes, file_name, options);
    case Format::kCsv: return ReadCsv(bytes, file_name, options);
    case Format::kLegacyXls:
      return ReadError(ErrorCode::kUnsupportedMediaType, file_name, 0,
                       "legacy .xls workbooks are not supported: save it as "
                       ".xlsx (or CSV UTF-8)");
  }
  return ReadError(ErrorCode::kInternal, file_name, 0, "unknown format");
}

}  // namespace assure::api::spreadsheet
