// Builds small zip archives (hand-made xlsx workbooks) in memory for tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace assure::api::spreadsheet::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;

// The bytes of a zip holding `entries` (deflated).
std::string MakeZip(const ZipEntries& entries);

// A minimal workbook: one sheet per entry of `sheets` (name, sheetData XML
// body), plus the given sharedStrings and styles parts when non-empty.
std::string MakeXlsx(const std::vector<std::pair<std::string, std::string>>& sheets,
                     const std::string& shared_strings = "",
                     const std::string& styles = "", bool date1904 = false);

// The content of one entry of a zip ("" when missing).
std::string ReadZipEntry(const std::string& zip, const std::string& name);

std::string ReadFile(const std::string& path);

}  // namespace assure::api::spreadsheet::testing
