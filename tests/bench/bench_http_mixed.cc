// assure-bench-http's write workloads that run for minutes or rounds:
//
//   mixed  --connections (32) connections for --minutes (5), each request
//          drawn by weight: progress notes on --hot (4) hot deliverables
//          (so they reach thousands of events), rating changes (each
//          connection its own deliverable), meetings recording attendance
//          (each connection its own meeting), decisions and actions on four
//          hot meetings, and draft versions of two hot controlled documents.
//          One line per --window-seconds (60): writes/s, p50/p99, non-2xx
//          and the server's RSS; then last/first window and RSS growth, and
//          raw RocksDB synced writes at the same concurrency.
//   notes  add-progress-note to random deliverables of --notes-deliverables
//          (67) at --connections, --rounds x --seconds, each round after
//          --between (a shell command: ops/bench-peers' PostgreSQL round).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "tests/bench/bench_http_phases.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/http_harness.h"

namespace assure::bench::http_load {

namespace {

enum Kind { kNote, kRating, kAttendance, kDecision, kAction, kDocument, kKinds };
const char* kKindNames[kKinds] = {"progress note", "rating change", "attendance", "decision", "action",
                                  "document version"};
const int kWeights[kKinds] = {40, 20, 10, 10, 10, 10};  // percent
const char* kAttendanceValues[] = {"present", "apologies", "absent"};

constexpr int kPeople = 24, kHotMeetings = 4, kHotDocuments = 2;

std::string NoteBody(std::uint64_t i) {
  return json{{"note_date", "2026-11-" + std::to_string(10 + i % 19)},
              {"text", "Bench note " + std::to_string(i) +
                           ": provisional date agreed with the supplier; staffing reviewed at the board"}}
      .dump();
}

// The network of the mixed workload and each connection's own counters
// (one request outstanding per connection, so no two of its requests race).
struct Mixed {
  std::vector<std::string> people, hot_deliverables, rating_deliverables, hot_meetings, own_meetings, documents;
  struct PerConn {
    std::mt19937_64 rng;
    std::uint64_t rating = 0, attendance = 0, version = 0;
  };
  std::vector<PerConn> conns;
};

Mixed BuildMixedNetwork(const Server& s, int conns, int hot) {
  Mixed m;
  Conn c(s.port, s.admin);
  const std::string group = CreateId(c, "groups", {{"name", "Mixed SIG"}, {"kind", "sig"}});
  const std::string programme =
      CreateId(c, "programmes", {{"group_id", group}, {"year", "2026-27"}, {"title", "Mixed"}});
  for (int i = 0; i < kPeople; ++i) {
    m.people.push_back(CreateId(c, "people", {{"name", "Bench Person " + std::to_string(i)}}));
  }
  auto deliverable = [&](const std::string& title) {
    return CreateId(c, "deliverables", {{"programme_id", programme}, {"title", title}, {"ragb", "blue"}});
  };
  for (int i = 0; i < hot; ++i) m.hot_deliverables.push_back(deliverable("Hot deliverable " + std::to_string(i)));
  for (int i = 0; i < conns; ++i) m.rating_deliverables.push_back(deliverable("Rated deliverable " + std::to_string(i)));
  auto meeting = [&](const std::string& title) {
    std::string id = CreateId(c, "meetings",
                              {{"group_id", group}, {"title", title}, {"scheduled_for", "2026-12-01"}});
    MustPost(c, "/api/v1/meetings/" + id + "/open", json::object());
    return id;
  };
  for (int i = 0; i < kHotMeetings; ++i) m.hot_meetings.push_back(meeting("Board " + std::to_string(i)));
  for (int i = 0; i < conns; ++i) m.own_meetings.push_back(meeting("Sitting " + std::to_string(i)));
  for (int i = 0; i < kHotDocuments; ++i) {
    m.documents.push_back(CreateId(c, "documents", {{"title", "Bench strategy " + std::to_string(i)},
                                                    {"document_numbers", "IN-201"}}));
  }
  for (int t = 0; t < conns; ++t) m.conns.push_back({std::mt19937_64(static_cast<std::uint64_t>(t) + 1)});
  return m;
}

Req MixedRequest(Mixed& m, const Server& s, int t, std::uint64_t i, int* kind) {
  auto& pc = m.conns[t];
  int draw = static_cast<int>(pc.rng() % 100), k = 0;
  while (draw >= kWeights[k]) draw -= kWeights[k++];
  *kind = k;
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[pc.rng() % v.size()]; };
  const std::string tag = std::to_string(t) + "." + std::to_string(i);
  switch (k) {
    case kNote:
      return Post("/api/v1/deliverables/" + pick(m.hot_deliverables) + "/add-progress-note",
              NoteBody(i), s.editor);
    case kRating: {
      const std::uint64_t r = ++pc.rating;  // red, amber, green, red...: always a change
      return Post("/api/v1/deliverables/" + m.rating_deliverables[t] + "/change-ragb",
              json{{"ragb", kRagb[r % 3]}, {"reason", "Reviewed at the board " + tag}}.dump(), s.editor);
    }
    case kAttendance: {
      // Person n's successive records in this connection's meeting cycle
      // present -> apologies -> absent: each one a change.
      const std::uint64_t n = pc.attendance++;
      return Post("/api/v1/meetings/" + m.own_meetings[t] + "/record-attendance",
              json{{"person_id", m.people[n % m.people.size()]},
                   {"attendance", kAttendanceValues[(n / m.people.size()) % 3]}}
                  .dump(),
              s.secretary);
    }
    case kDecision:
      return Post("/api/v1/meetings/" + pick(m.hot_meetings) + "/record-decision",
              json{{"text", "Agreed the revised plan " + tag},
                   {"links", json::array({{{"kind", "deliverable"}, {"id", pick(m.hot_deliverables)}}})}}
                  .dump(),
              s.secretary);
    case kAction:
      return Post("/api/v1/meetings/" + pick(m.hot_meetings) + "/raise-action",
              json{{"text", "Follow up with the trusts " + tag},
                   {"owner_person_id", pick(m.people)},
                   {"due_date", "2027-01-31"}}
                  .dump(),
              s.secretary);
    default:
      return Post("/api/v1/documents/" + pick(m.documents) + "/versions?version_label=" + tag + "&summary=bench",
              "Strategy text, revision " + tag + "\n" + std::string(200, 'x'), s.editor, "text/plain");
  }
}

void PrintFailure(int kind, int status, const std::string& body) {
  static std::vector<bool> seen(kKinds + 1, false);
  if (seen[kind]) return;
  seen[kind] = true;
  std::fprintf(stderr, "first non-2xx %s: %d %s\n", kKindNames[kind], status, body.substr(0, 400).c_str());
}

}  // namespace

void RunMixed(const Options& o) {
  ServerOptions so;
  so.worker_threads = o.worker_threads;
  Server s = StartFreshServer(o.bin, o.dir + "/mixed", so);
  Mixed m = BuildMixedNetwork(s, o.connections, o.hot_deliverables);
  std::printf("\nMixed workload: %d connections for %.1f min; by weight", o.connections, o.minutes);
  for (int k = 0; k < kKinds; ++k) std::printf("%s %d%% %s", k ? "," : "", kWeights[k], kKindNames[k]);
  std::printf("\n(notes on %d hot deliverables; decisions and actions on %d hot meetings; document versions "
              "of %d documents)\n",
              o.hot_deliverables, kHotMeetings, kHotDocuments);
  std::printf("%-8s %10s %9s %9s %8s %9s\n", "at (s)", "writes/s", "p50 ms", "p99 ms", "non-2xx", "RSS MB");
  std::fflush(stdout);
  std::vector<double> rates;
  std::vector<long> rss;
  double at = 0;
  DriveOptions d;
  d.conns = o.connections;
  d.seconds = o.minutes * 60;
  d.keep_latency = true;
  d.window_seconds = o.window_seconds;
  d.on_window = [&](const Window& w) {
    at += w.seconds;
    // A stretch under half a window (the run's remainder) is not a minute to compare.
    if (w.seconds >= o.window_seconds / 2) rates.push_back(w.ops_per_s());
    rss.push_back(RssKb(ServerPid()));
    std::printf("%-8.0f %10.0f %9.2f %9.2f %8llu %9.1f\n", at, w.ops_per_s(), Pct(w.lat_us, 0.5) / 1000,
                Pct(w.lat_us, 0.99) / 1000, static_cast<unsigned long long>(w.non2xx), rss.back() / 1024.0);
    std::fflush(stdout);
  };
  HttpRun h = DriveHttp(
      s.port, s.editor, d, [&](int t, std::uint64_t i, int* kind) { return MixedRequest(m, s, t, i, kind); },
      [](int, int kind, int st, const std::string& body) { PrintFailure(kind, st, body); });
  std::sort(h.lat_us.begin(), h.lat_us.end());
  std::printf("whole run: %.0f writes/s, p50 %.2f ms, p99 %.2f ms, %llu non-2xx\n", h.ops_per_s(),
              Pct(h.lat_us, 0.5) / 1000, Pct(h.lat_us, 0.99) / 1000, static_cast<unsigned long long>(h.non2xx));
  h.ok_by_kind.resize(kKinds);
  h.non2xx_by_kind.resize(kKinds);
  for (int k = 0; k < kKinds; ++k) {
    std::printf("  %-17s %9llu ok %7llu non-2xx\n", kKindNames[k], static_cast<unsigned long long>(h.ok_by_kind[k]),
                static_cast<unsigned long long>(h.non2xx_by_kind[k]));
  }
  std::printf("  (about %llu notes per hot deliverable, %llu decisions and actions per hot meeting)\n",
              static_cast<unsigned long long>(h.ok_by_kind[kNote] / std::max(1, o.hot_deliverables)),
              static_cast<unsigned long long>((h.ok_by_kind[kDecision] + h.ok_by_kind[kAction]) / kHotMeetings));
  if (rates.size() >= 2 && rates.front() > 0) {
    std::printf("last/first window writes/s: %.0f / %.0f = %.2f\n", rates.back(), rates.front(),
                rates.back() / rates.front());
  }
  if (rss.size() >= 2 && rss.front() > 0) {
    std::printf("server RSS: %.1f MB after the first window -> %.1f MB at the end (%+.0f %%)\n", rss.front() / 1024.0,
                rss.back() / 1024.0, 100.0 * static_cast<double>(rss.back() - rss.front()) / static_cast<double>(rss.front()));
  }
  StopServer();
  // The disk's ceiling with the server stopped: raw RocksDB synced writes.
  const double raw = RawSyncWrites(o.dir + "/mixed-raw", o.connections, o.seconds);
  std::printf("raw RocksDB Write(sync=true) at %d threads, %.0f s: %.0f writes/s; mixed whole run / raw = %.2f\n",
              o.connections, o.seconds, raw, raw > 0 ? h.ops_per_s() / raw : 0);
}

void RunNotes(const Options& o) {
  ServerOptions so;
  so.worker_threads = o.worker_threads;
  Server s = StartFreshServer(o.bin, o.dir + "/notes", so);
  std::vector<std::string> deliverables;
  {
    Conn c(s.port, s.admin);
    const std::string group = CreateId(c, "groups", {{"name", "Notes SIG"}, {"kind", "sig"}});
    const std::string programme =
        CreateId(c, "programmes", {{"group_id", group}, {"year", "2026-27"}, {"title", "Notes"}});
    for (int i = 0; i < o.notes_deliverables; ++i) {
      deliverables.push_back(CreateId(
          c, "deliverables", {{"programme_id", programme}, {"title", "Deliverable " + std::to_string(i)}, {"ragb", "blue"}}));
    }
  }
  std::printf("\nProgress notes: %d connections, random deliverables of %d, %d rounds x %.1f s\n", o.connections,
              o.notes_deliverables, o.rounds, o.seconds);
  std::fflush(stdout);
  std::mt19937_64 rng(17);
  std::vector<double> rates;
  for (int r = 1; r <= o.rounds; ++r) {
    if (!o.between.empty()) {
      std::fflush(stdout);
      const int rc = std::system(o.between.c_str());
      if (rc != 0) std::fprintf(stderr, "assure-bench-http: --between exited %d\n", rc);
    }
    DriveOptions d;
    d.conns = o.connections;
    d.seconds = o.seconds;
    d.keep_latency = true;
    HttpRun h = DriveHttp(
        s.port, s.editor, d,
        [&](int, std::uint64_t i, int*) {
          return Post("/api/v1/deliverables/" + deliverables[rng() % deliverables.size()] + "/add-progress-note",
                      NoteBody(i));
        },
        [](int, int, int st, const std::string& body) { PrintFailure(kNote, st, body); });
    std::sort(h.lat_us.begin(), h.lat_us.end());
    rates.push_back(h.ops_per_s());
    std::printf("notes round %d: %.0f writes/s, p50 %.2f ms, p99 %.2f ms, %llu non-2xx\n", r, h.ops_per_s(),
                Pct(h.lat_us, 0.5) / 1000, Pct(h.lat_us, 0.99) / 1000, static_cast<unsigned long long>(h.non2xx));
    std::fflush(stdout);
  }
  std::printf("notes median: %.0f writes/s\n", Median(rates));
  StopServer();
}

}  // namespace assure::bench::http_load
