// libFuzzer target for ReadCsv. Built and run by ops/fuzz (a short run in ops/test).
//
// Beyond "no crash, no leak, no UB": a successful read satisfies the table
// invariants, and writing the table back as CSV and reading it again gives
// the same header and cells (the export round trip).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/spreadsheet/csv_reader.h"
#include "api/spreadsheet/csv_writer.h"
#include "tests/fuzz/fuzz_checks.h"

using namespace assure::api::spreadsheet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadOptions options;
  options.limits.max_columns = 64;
  auto r = ReadCsv(bytes, "fuzz.csv", options);
  if (!r.ok()) {
    fuzz::Check(!r.error().message.empty(), "errors have a message");
    return 0;
  }
  fuzz::CheckInvariants(*r);
  fuzz::Check(r->tables.size() == 1, "a CSV file is one table");
  const Table& t = r->tables[0];
  CsvWriteOptions w;
  w.title_row = true;
  auto back = ReadCsv(WriteCsv(t, w), "round-trip.csv", options);
  fuzz::Check(back.ok(), "a written CSV reads back");
  const Table& u = back->tables[0];
  fuzz::Check(u.header == t.header, "header round-trips");
  fuzz::Check(u.rows.size() == t.rows.size(), "row count round-trips");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    fuzz::Check(u.rows[i].cells == t.rows[i].cells, "cells round-trip");
  }
  fuzz::Check(u.title == t.title, "title round-trips");
  return 0;
}
