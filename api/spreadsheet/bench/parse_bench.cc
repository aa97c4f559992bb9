// assure-bench-import-parse: how fast the import readers parse a programme.
//
// Generates a 20,000-row work programme CSV in memory (the seed's columns,
// quoted cells with commas, quotes and line breaks, as Excel writes them),
// parses it with ReadCsv a few times and prints rows/s and MB/s; then the same
// table written as xlsx and read back with ReadXlsx. A program, not a test: it
// never fails on a time.
//
//   ninja -C build-import assure-bench-import-parse &&
//   ./build-import/api/spreadsheet/assure-bench-import-parse [ROWS] [REPEATS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/csv_reader.h"
#include "api/spreadsheet/csv_writer.h"
#include "api/spreadsheet/xlsx_reader.h"
#include "api/spreadsheet/xlsx_writer.h"

using assure::api::spreadsheet::Table;
namespace imp = assure::api::spreadsheet;

namespace {

Table Generate(std::size_t rows) {
  Table t;
  t.title = "Benchmark Work Programme (2023 - 2024)";
  t.header = imp::CanonicalHeader();
  const char* ragb[] = {"Red", "Amber", "Blue", "Green", "On Target", "Completed"};
  for (std::size_t i = 0; i < rows; ++i) {
    imp::Row r;
    r.number = i + 2;
    const std::string n = std::to_string(i + 1);
    r.cells = {"Governance-" + n,
               "",
               "Establish membership, ToR and a \"meeting schedule\" for group " + n,
               "Mar-23",
               "Jun-24",
               i % 3 == 0 ? "Ongoing" : "",
               "Network Director",
               "Review opportunities to develop network wide processes.\n3/3 - "
               "Provisional date agreed for 19th Sept, agenda items brainstormed",
               "Clear governance arrangements are in place to support activity",
               i % 2 ? "Workforce SIG" : "",
               ragb[i % 6],
               "Clinical Governance IN-501, 601, 701"};
    t.rows.push_back(std::move(r));
  }
  return t;
}

double Seconds(std::chrono::steady_clock::time_point a,
               std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const Table table = Generate(rows);
  const std::string csv = imp::WriteCsv(table);
  std::printf("generated CSV: %zu rows, %.2f MB\n", rows, csv.size() / 1e6);

  double best = 1e9;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = imp::ReadCsv(csv, "bench.csv");
    const auto t1 = std::chrono::steady_clock::now();
    if (!r.ok() || r->tables.at(0).rows.size() != rows) {
      std::fprintf(stderr, "parse failed: %s\n", r.ok() ? "row count" : r.error().message.c_str());
      return 1;
    }
    best = std::min(best, Seconds(t0, t1));
  }
  std::printf("ReadCsv:  best of %d: %.1f ms, %.0f rows/s, %.1f MB/s\n", repeats,
              best * 1e3, rows / best, csv.size() / 1e6 / best);

  auto t0 = std::chrono::steady_clock::now();
  auto xlsx = imp::WriteXlsx({table});
  auto t1 = std::chrono::steady_clock::now();
  if (!xlsx.ok()) {
    std::fprintf(stderr, "xlsx write failed: %s\n", xlsx.error().message.c_str());
    return 1;
  }
  std::printf("WriteXlsx: %.1f ms, %.2f MB\n", Seconds(t0, t1) * 1e3, xlsx->size() / 1e6);
  t0 = std::chrono::steady_clock::now();
  auto back = imp::ReadXlsx(*xlsx, "bench.xlsx");
  t1 = std::chrono::steady_clock::now();
  if (!back.ok()) {
    std::fprintf(stderr, "xlsx read failed: %s\n", back.error().message.c_str());
    return 1;
  }
  std::printf("ReadXlsx: %.1f ms, %.0f rows/s\n", Seconds(t0, t1) * 1e3,
              rows / Seconds(t0, t1));
  return 0;
}
