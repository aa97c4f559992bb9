// assure-bench-http: `assure serve` under load, on loopback.
//
// Each phase starts the real `assure serve` (--assure, a child process) on
// 127.0.0.1:<free port> over a fresh store in its own subdirectory of --dir,
// with admin, editor and secretary tokens and a config that disables rate
// limiting, builds its network through the REST API, and measures with its
// own Beast load generator (keep-alive connections, one request outstanding
// on each, all driven by one thread with asynchronous I/O). --phases picks
// them (default: ratings,reads,live):
//
//   ratings    durable writes/s of change-ragb at 32 and 64 connections beside
//              raw RocksDB Write(sync=true) at the same concurrency.
//   reads      GET a deliverable and its newest history page at 64 connections.
//   live       WebSocket subscribers: append ack -> receipt by every one.
//   mixed      a realistic mixed workload for --minutes (bench_http_mixed.cc):
//              writes/s, latency, non-2xx and the server's RSS per minute.
//   notes      add-progress-note to random deliverables of 67 at 32
//              connections, --rounds x --seconds (ops/bench-peers' workload).
//   history    one deliverable with 10,000 rating changes; its newest
//              history page at 64 connections.
//   coldstart  a generated store of 1,000,000 events: start -> accepts ->
//              /healthz 200 -> /readyz 200.
//
// Every phase is bounded in requests or seconds and a watchdog kills the
// server and exits if the whole run exceeds --max-seconds. Figures are
// printed; nothing passes or fails on a time.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <numeric>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_http_phases.h"
#include "tests/bench/http_harness.h"

#ifndef ASSURE_BIN
#define ASSURE_BIN "assure"
#endif

namespace hl = assure::bench::http_load;

int main(int argc, char** argv) {
  CLI::App app{"assure-bench-http: assure serve under loopback load (see README)"};
  hl::Options o;
  o.bin = ASSURE_BIN;
  std::vector<std::string> phases = {"ratings", "reads", "live"};
  int max_seconds = 0;
  bool strict = false;
  const std::set<std::string> known = {"ratings", "reads", "live", "mixed", "notes", "history", "coldstart"};
  app.add_option("--assure", o.bin, "The assure binary")->capture_default_str();
  app.add_option("--phases", phases, "Phases to run, in this order: ratings,reads,live,mixed,notes,history,coldstart")
      ->delimiter(',')
      ->check(CLI::IsMember(known))
      ->capture_default_str();
  app.add_option("--dir", o.dir, "Scratch directory (default: a fresh temp dir; removed afterwards)");
  app.add_option("--seconds", o.seconds, "ratings, notes: seconds per write round")->capture_default_str();
  app.add_option("--rounds", o.rounds, "ratings: rounds, HTTP and raw alternating (medians); notes: rounds")
      ->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "ratings: connection counts")->capture_default_str();
  app.add_option("--read-seconds", o.read_seconds, "reads, history: seconds per read measurement")
      ->capture_default_str();
  app.add_option("--read-connections", o.read_conns, "reads, history: connections")->capture_default_str();
  app.add_option("--subscribers", o.subscribers, "live: WebSocket subscribers")->capture_default_str();
  app.add_option("--appends", o.appends, "live: appends measured")->capture_default_str();
  app.add_option("--spacing-ms", o.spacing_ms, "live: pause between appends")->capture_default_str();
  app.add_option("--connections", o.connections, "mixed, notes: write connections")->capture_default_str();
  app.add_option("--minutes", o.minutes, "mixed: length of the run")->capture_default_str();
  app.add_option("--window-seconds", o.window_seconds, "mixed: one line of figures per this many seconds")
      ->capture_default_str();
  app.add_option("--sitting-items", o.sitting_items,
                 "mixed: a connection's meeting is closed after this many attendance records, decisions and "
                 "actions, and its next one scheduled and opened (0: one meeting per connection for the whole run)")
      ->capture_default_str();
  app.add_option("--document-versions", o.document_versions,
                 "mixed: a connection's document takes this many draft versions, then it registers the next "
                 "(0: one document per connection for the whole run)")
      ->capture_default_str();
  app.add_option("--mixed-store-from", o.mixed_store_from,
                 "mixed: start the server on a copy of this store (e.g. a soak's, kept with --dir: "
                 "<dir>/mixed/store) rather than a fresh one: does a long run's slowing stay after a restart?")
      ->check(CLI::ExistingDirectory);
  app.add_option("--weights", o.weights,
                 "mixed: percent of requests by kind, in the order progress note, rating change, attendance, "
                 "decision, action, document version (six numbers adding up to 100)")
      ->expected(6)
      ->delimiter(',')
      ->check([](const std::string& v) {
        return !v.empty() && v.find_first_not_of("0123456789") == std::string::npos ? std::string()
                                                                                     : "a percentage";
      })
      ->capture_default_str();
  app.add_option("--hot", o.hot_deliverables, "mixed: hot deliverables taking the progress notes")
      ->capture_default_str();
  app.add_option("--notes-deliverables", o.notes_deliverables, "notes: deliverables written to")
      ->capture_default_str();
  app.add_option("--between", o.between,
                 "notes: shell command run before each round (ops/bench-peers runs a PostgreSQL round)");
  app.add_option("--history-changes", o.history_changes, "history: rating changes of the one deliverable")
      ->capture_default_str();
  app.add_option("--coldstart-store", o.coldstart_store,
                 "coldstart: where the generated store is kept for reruns (default: generated in --dir)");
  app.add_option("--coldstart-events", o.coldstart_events, "coldstart: events in the generated store")
      ->capture_default_str();
  app.add_option("--coldstart-starts", o.coldstart_starts, "coldstart: starts measured (median)")
      ->capture_default_str();
  app.add_option("--coldstart-tail", o.coldstart_tail,
                 "coldstart: events after the read models' snapshot in the generated store (>= events: no snapshot)")
      ->capture_default_str();
  app.add_option("--workers", o.worker_threads, "The server's worker threads (0: its default)")->capture_default_str();
  app.add_option("--server-config", o.server_config,
                 "A JSON merge patch onto the config the benchmark gives every server it starts, e.g. "
                 "'{\"storage\":{\"writer_cache_bytes\":1048576}}'");
  app.add_option("--max-seconds", max_seconds,
                 "Watchdog: abort the run after this long (0: 600 per phase, plus the mixed run's minutes)")
      ->capture_default_str();
  app.add_flag("--strict", strict,
               "Exit 2 if any measured request failed (non-2xx or a broken connection): the smoke test's check "
               "that the workloads still match the API; never about a figure");
  CLI11_PARSE(app, argc, argv);
  if (std::accumulate(o.weights.begin(), o.weights.end(), 0) != 100) {
    std::fprintf(stderr, "--weights: the six percentages add up to %d, not 100\n",
                 std::accumulate(o.weights.begin(), o.weights.end(), 0));
    return 2;
  }
  namespace fs = std::filesystem;
  auto chosen = [&](const char* p) { return std::find(phases.begin(), phases.end(), p) != phases.end(); };
  if (max_seconds <= 0) {
    max_seconds = 600 * static_cast<int>(phases.size()) + (chosen("mixed") ? static_cast<int>(o.minutes * 60) : 0);
  }

  // Descriptors for the subscribers (the server inherits the limit).
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  ::signal(SIGPIPE, SIG_IGN);

  const bool temp = o.dir.empty();
  if (temp) {
    std::string templ = (fs::temp_directory_path() / "assure-bench-http-XXXXXX").string();
    if (!::mkdtemp(templ.data())) hl::Die("mkdtemp failed");
    o.dir = templ;
  } else {
    fs::remove_all(o.dir);
    fs::create_directories(o.dir);
  }
  std::thread([max_seconds] {
    std::this_thread::sleep_for(std::chrono::seconds(max_seconds));
    std::fprintf(stderr, "assure-bench-http: watchdog: over %d s, aborting\n", max_seconds);
    if (hl::ServerPid() > 0) ::kill(hl::ServerPid(), SIGKILL);
    std::_Exit(3);
  }).detach();
  std::printf("assure-bench-http: %s\n", o.bin.c_str());

  if (chosen("ratings") || chosen("reads") || chosen("live")) {
    hl::RunClassic(o, chosen("ratings"), chosen("reads"), chosen("live"));
  }
  for (const auto& p : phases) {
    if (p == "mixed") hl::RunMixed(o);
    if (p == "notes") hl::RunNotes(o);
    if (p == "history") hl::RunHistory(o);
    if (p == "coldstart") hl::RunColdstart(o);
    std::fflush(stdout);
  }
  hl::StopServer();
  if (temp) fs::remove_all(o.dir);
  if (strict && hl::TotalFailures() > 0) {
    std::fprintf(stderr, "assure-bench-http: %llu measured requests failed (--strict)\n",
                 static_cast<unsigned long long>(hl::TotalFailures()));
    return 2;
  }
  return 0;
}
