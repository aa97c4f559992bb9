// libFuzzer target: ReadXlsx, and ReadTables' format detection.
//
// The first byte chooses the input: 0, the bytes as an .xlsx file (the zip
// itself); otherwise the rest is a workbook's parts in the container of
// tests/fuzz/fuzz_entries.h, zipped here, so that mutations reach the XML.
// No crash, leak or UB; errors have a message; a successful read satisfies
// the table invariants.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/evidence/pack_zip.h"
#include "api/spreadsheet/read_tables.h"
#include "api/spreadsheet/xlsx_reader.h"
#include "tests/fuzz/fuzz_checks.h"
#include "tests/fuzz/fuzz_entries.h"

using namespace assure::api::spreadsheet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string bytes;
  if (data[0] == 0) {
    bytes.assign(in);
  } else {
    auto zip = assure::api::WriteZip(assure::fuzz::DecodeEntries(in));
    if (!zip.ok()) return 0;
    bytes = std::move(*zip);
  }
  ReadOptions options;
  options.limits.max_columns = 64;
  options.limits.max_rows = 10'000;
  options.limits.max_total_bytes = 16u << 20;
  options.limits.max_entry_bytes = 8u << 20;
  auto r = ReadXlsx(bytes, "fuzz.xlsx", options);
  if (!r.ok()) {
    fuzz::Check(!r.error().message.empty(), "errors have a message");
  } else {
    fuzz::CheckInvariants(*r);
  }
  auto t = ReadTables(bytes, "fuzz.xlsx", options);
  fuzz::Check(t.ok() == r.ok(), "ReadTables reads an .xlsx as ReadXlsx does");
  return 0;
}
