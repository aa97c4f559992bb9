// assure-bench-http's phases and the options they read (see bench_http.cc
// for what each measures). Each phase prints its figures; none passes or
// fails on one.
#pragma once

#include <string>
#include <vector>

namespace assure::bench::http_load {

struct Options {
  std::string bin;  // the assure binary
  std::string dir;  // scratch directory, one subdirectory per phase
  int worker_threads = 0;
  std::string server_config;  // JSON merge patch onto the servers' config
  // ratings
  double seconds = 4;
  int rounds = 2;
  std::vector<int> concurrency = {32, 64};
  // reads, history
  double read_seconds = 4;
  int read_conns = 64;
  // live
  int subscribers = 1000, appends = 50, spacing_ms = 50;
  // mixed, notes
  int connections = 32;
  double minutes = 5;
  double window_seconds = 60;
  int hot_deliverables = 4;
  int sitting_items = 100;      // mixed: attendance, decisions and actions per sitting
  int document_versions = 20;   // mixed: draft versions per document
  std::string mixed_store_from;  // mixed: a store (e.g. a soak's, kept with --dir) the server starts on, copied
  // mixed: percent of the drawn requests by kind (note, rating, attendance,
  // decision, action, document version); they add up to 100.
  std::vector<int> weights = {40, 20, 10, 10, 10, 10};
  int notes_deliverables = 67;
  std::string between;  // notes: a shell command run before each round
  // history
  int history_changes = 10'000;
  // coldstart
  std::string coldstart_store;  // cached generated store (empty: generated in dir)
  unsigned long long coldstart_events = 1'000'000;
  int coldstart_starts = 3;
  // Events after the read models' snapshot (>= coldstart_events: none).
  unsigned long long coldstart_tail = 10'000;
};

// ratings, reads and live share one server (reads page through the
// histories the ratings phase wrote; live appends to the same network).
void RunClassic(const Options& o, bool ratings, bool reads, bool live);
void RunMixed(const Options& o);
void RunNotes(const Options& o);
void RunHistory(const Options& o);
void RunColdstart(const Options& o);

// Raw RocksDB Write(sync=true) of an event+index batch (as in bench_store.cc)
// from `conns` threads for `seconds` in a fresh DB at `dir` (removed after):
// writes/s, the ceiling a durable append can approach on this disk.
double RawSyncWrites(const std::string& dir, int conns, double seconds);

}  // namespace assure::bench::http_load
