// assure-bench-import: import of a generated work-programme CSV into a fresh,
// durable RocksDB store (sync on every commit, as in production), then a
// repeat (idempotent) import of the same data, which must append nothing.
//
//   assure-bench-import [--rows N] [--programmes P] [--rounds R] [--dir DIR]
//
// The rows (default 20,000) are in the seed's shape (12 columns, month dates,
// status words, MM/QSIN references, repeated and empty references) and are
// split across P (default 5) programmes, one CSV file each with a title row,
// all imported in one ImportFiles call. Each round uses a new store; the
// figures are medians over the rounds. A program, not a test: it never fails
// on a time, only when the repeat import appends events.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "api/programme_files/importer.h"
#include "storage/event_store.h"
#include "tests/bench/bench_util.h"

using namespace assure;
using Wall = std::chrono::steady_clock;

namespace {

const char* kStatus[] = {"On Target", "Planned Activity", "Completed", "Amber", "Ongoing", "Red", "Blue"};
const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kGroups[] = {"Workforce", "Digital", "Medical Physics", "Quality Standard for Imaging",
                         "Pathways & Modalities", "Commercial & Assets", "User Involvement",
                         "Education, Learning and Development"};

std::string Csv(std::size_t programme, std::size_t rows, std::size_t first) {
  const std::string group = kGroups[programme % 8] + (programme >= 8 ? " " + std::to_string(programme) : "");
  std::string out = "\xEF\xBB\xBF" + group + " Work Programme (2023 - 2024)\r\n";
  out += "Network Reference,Network Objective,Deliverable,Date Initiated,Planned End Date,"
         "Date Completed,Owner,Description,Anticipated Outcome,Interdependencies/ Risks,"
         "RAGB Status,MM/QSIN Reference\r\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t n = first + i;
    const char* status = kStatus[n % 7];
    const bool done = std::string(status) == "Completed";
    // Every 10th row has no reference; every 7th repeats the previous one.
    std::string ref = n % 10 == 0 ? "" : "Workforce-" + std::to_string(n % 7 == 0 ? n - 1 : n);
    out += ref + ",," + "\"Deliverable " + std::to_string(n) + ", improve the network's service\"," +
           kMonths[n % 12] + "-23," + kMonths[(n + 3) % 12] + "-24," +
           (done ? std::string(kMonths[(n + 1) % 12]) + "-24" : std::string(n % 3 ? "" : "ongoing")) +
           ",Network Director,\"Engage the trusts; agree the plan\nand report to the board\","
           "Clear governance,Funding,"
           + status + ",\"Clinical Governance IN-501, 601\"\r\n";
  }
  return out;
}

using assure::bench::Median;

double Seconds(Wall::time_point a, Wall::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Import benchmark: a generated work-programme CSV into a durable RocksDB store"};
  std::size_t rows = 20'000, programmes = 5, rounds = 3;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--rows", rows, "Rows in all")->capture_default_str();
  app.add_option("--programmes", programmes, "Programmes (one CSV file each)")->capture_default_str();
  app.add_option("--rounds", rounds, "Rounds (a fresh store each)")->capture_default_str();
  app.add_option("--dir", dir, "Where the stores are made")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  programmes = std::max<std::size_t>(programmes, 1);

  std::vector<api::programme_files::ImportFile> files;
  std::size_t bytes = 0;
  for (std::size_t p = 0; p < programmes; ++p) {
    const std::size_t first = p * rows / programmes, last = (p + 1) * rows / programmes;
    files.push_back({"programme-" + std::to_string(p + 1) + ".csv", Csv(p, last - first, first)});
    bytes += files.back().bytes.size();
  }
  std::printf("assure-bench-import: %zu rows in %zu CSV files (%.1f MiB), %zu rounds, one entity writer, "
              "durable RocksDB store under %s\n",
              rows, programmes, bytes / 1048576.0, rounds, dir.c_str());

  std::vector<double> first_s, repeat_s;
  std::size_t events = 0, repeat_events = 0;
  for (std::size_t round = 0; round < rounds; ++round) {
    const std::string path = dir + "/assure-bench-import-" + std::to_string(::getpid()) + "-" +
                             std::to_string(round);
    std::filesystem::remove_all(path);
    {
      auto store = storage::OpenRocksStore(path);
      if (!store.ok()) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 2;
      }
      api::programme_files::ImportOptions options;
      options.actor = "bench";
      options.now_us = 1'700'000'000'000'000;
      auto t0 = Wall::now();
      auto first = api::programme_files::ImportFiles(**store, files, options);
      auto t1 = Wall::now();
      if (!first.ok()) {
        std::fprintf(stderr, "import: %s\n", first.error().message.c_str());
        return 2;
      }
      auto again = api::programme_files::ImportFiles(**store, files, options);
      auto t2 = Wall::now();
      if (!again.ok()) {
        std::fprintf(stderr, "repeat import: %s\n", again.error().message.c_str());
        return 2;
      }
      events = first->events_appended;
      repeat_events = std::max(repeat_events, again->events_appended);
      first_s.push_back(Seconds(t0, t1));
      repeat_s.push_back(Seconds(t1, t2));
      std::printf("  round %zu: import %.2f s (%.0f rows/s, %zu deliverables, %zu events), "
                  "repeat %.3f s (%zu events)\n",
                  round + 1, first_s.back(), rows / first_s.back(), first->deliverables_created,
                  events, repeat_s.back(), again->events_appended);
    }
    std::filesystem::remove_all(path);
  }
  std::printf("\n| measure | median |\n|---|---|\n");
  std::printf("| first import, %zu rows | %.2f s = %.0f rows/s (%zu events) |\n", rows,
              Median(first_s), rows / Median(first_s), events);
  std::printf("| repeat import (idempotent) | %.3f s = %.0f rows/s, %zu events appended |\n",
              Median(repeat_s), rows / Median(repeat_s), repeat_events);
  return repeat_events == 0 ? 0 : 1;
}
