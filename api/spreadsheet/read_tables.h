// One entry point for callers that hold an uploaded file: picks the reader
// by content and name, and reads.
//
//   zip magic "PK\3\4" or .xlsx/.xlsm name   -> ReadXlsx
//   .md/.markdown name, or text whose first table-like line is followed by
//   a |---| separator line                  -> ReadMarkdown
//   anything else                            -> ReadCsv
//
// Legacy binary .xls (an OLE compound file) is refused with
// kUnsupportedMediaType: save it as .xlsx.
#pragma once

#include <string_view>

#include "api/spreadsheet/read_options.h"
#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

enum class Format { kCsv, kMarkdown, kXlsx, kLegacyXls };

Format DetectFormat(std::string_view bytes, std::string_view file_name);

Result<ReadResult> ReadTables(std::string_view bytes, std::string_view file_name,
                              const ReadOptions& options = {});

}  // namespace assure::api::spreadsheet
