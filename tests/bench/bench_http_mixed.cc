// assure-bench-http's write workloads that run for minutes or rounds:
//
//   mixed  --connections (32) connections for --minutes (5), each request
//          drawn by weight: progress notes on --hot (4) hot deliverables
//          (so they reach thousands of events), rating changes (each
//          connection its own deliverable), attendance, decisions and
//          actions in each connection's own meeting (closed after
//          --sitting-items, the next scheduled and opened), and draft
//          versions of each connection's own document (the next registered
//          after --document-versions).
//          One line per --window-seconds (60): writes/s, p50/p99, non-2xx
//          and the server's RSS; then last/first window and RSS growth (and,
//          in runs of over five minutes, from five minutes on, with the heap's
//          growth per meeting or document created), and raw RocksDB synced
//          writes at the same concurrency.
//   notes  add-progress-note to random deliverables of --notes-deliverables
//          (67) at --connections, --rounds x --seconds, each round after
//          --between (a shell command: ops/bench-peers' PostgreSQL round).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "tests/bench/bench_http_phases.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/http_harness.h"

namespace assure::bench::http_load {

namespace {

enum Kind { kNote, kRating, kAttendance, kDecision, kAction, kDocument, kSitting, kNewDocument, kKinds };
const char* kKindNames[kKinds] = {"progress note", "rating change",   "attendance",     "decision", "action",
                                  "document version", "meeting cycle", "new document"};
// The drawn kinds are the first kDocument + 1, in Options::weights' order;
// meeting cycles (close, schedule, open) and new documents are not drawn but
// come when a sitting or a document is full.
const char* kAttendanceValues[] = {"present", "apologies", "absent"};

constexpr int kPeople = 24;

std::string NoteBody(std::uint64_t i) {
  return json{{"note_date", "2026-11-" + std::to_string(10 + i % 19)},
              {"text", "Bench note " + std::to_string(i) +
                           ": provisional date agreed with the supplier; staffing reviewed at the board"}}
      .dump();
}

// The network of the mixed workload and each connection's own counters
// (one request outstanding per connection, so no two of its requests race).
// Each connection sits in its own meeting (attendance, decisions, actions)
// until it holds --sitting-items of them; then it closes it, schedules the
// next and opens it, as a board secretary does. Each connection drafts
// versions of its own document until it has --document-versions, then
// registers the next. So meetings and documents stay the size boards know,
// while the hot deliverables take thousands of notes and each connection's
// rated deliverable thousands of rating changes.
struct Mixed {
  std::string group;
  std::vector<std::string> people, hot_deliverables, rating_deliverables;
  enum Step { kItems, kClose, kSchedule, kOpen };
  struct PerConn {
    std::mt19937_64 rng;
    std::uint64_t rating = 0, attendance = 0;
    std::string meeting, document;
    int sitting = 0, sittings = 0, versions = 0, documents = 0;
    Step step = kItems;
    bool need_document = false;
  };
  std::vector<PerConn> conns;
};

json ScheduleBody(const Mixed& m, int t, int n) {
  return {{"group_id", m.group},
          {"title", "Sitting " + std::to_string(n) + " of table " + std::to_string(t)},
          {"scheduled_for", "2026-12-01"}};
}
json DocumentBody(int t, int n) {
  return {{"title", "Bench policy " + std::to_string(n) + " of table " + std::to_string(t)},
          {"document_numbers", "IN-201"}};
}

Mixed BuildMixedNetwork(const Server& s, int conns, int hot) {
  Mixed m;
  Conn c(s.port, s.admin);
  m.group = CreateId(c, "groups", {{"name", "Mixed SIG"}, {"kind", "sig"}});
  const std::string programme =
      CreateId(c, "programmes", {{"group_id", m.group}, {"year", "2026-27"}, {"title", "Mixed"}});
  for (int i = 0; i < kPeople; ++i) {
    m.people.push_back(CreateId(c, "people", {{"name", "Bench Person " + std::to_string(i)}}));
  }
  auto deliverable = [&](const std::string& title) {
    return CreateId(c, "deliverables", {{"programme_id", programme}, {"title", title}, {"ragb", "blue"}});
  };
  for (int i = 0; i < hot; ++i) m.hot_deliverables.push_back(deliverable("Hot deliverable " + std::to_string(i)));
  for (int i = 0; i < conns; ++i) m.rating_deliverables.push_back(deliverable("Rated deliverable " + std::to_string(i)));
  for (int t = 0; t < conns; ++t) {
    Mixed::PerConn pc;
    pc.rng.seed(static_cast<std::uint64_t>(t) + 1);
    pc.meeting = CreateId(c, "meetings", ScheduleBody(m, t, 1));
    MustPost(c, "/api/v1/meetings/" + pc.meeting + "/open", json::object());
    pc.sittings = 1;
    pc.document = CreateId(c, "documents", DocumentBody(t, 1));
    pc.documents = 1;
    m.conns.push_back(std::move(pc));
  }
  return m;
}

// A 2xx answer: a meeting cycle's or a new document's next step.
void MixedAnswered(Mixed& m, int t, int kind, const std::string& body) {
  auto& pc = m.conns[t];
  if (kind == kNewDocument) {
    pc.document = json::parse(body).at("id").get<std::string>();
    pc.versions = 0;
    pc.need_document = false;
  } else if (kind == kSitting) {
    if (pc.step == Mixed::kClose) {
      pc.step = Mixed::kSchedule;
    } else if (pc.step == Mixed::kSchedule) {
      pc.meeting = json::parse(body).at("id").get<std::string>();
      pc.step = Mixed::kOpen;
    } else if (pc.step == Mixed::kOpen) {
      pc.step = Mixed::kItems;
      pc.sitting = 0;
    }
  }
}

Req MixedRequest(Mixed& m, const Options& o, const Server& s, int t, std::uint64_t i, int* kind) {
  auto& pc = m.conns[t];
  const std::string meeting = "/api/v1/meetings/" + pc.meeting;
  // A meeting cycle under way, or a document to register, comes first (a
  // refused step is sent again).
  if (pc.step != Mixed::kItems) {
    *kind = kSitting;
    if (pc.step == Mixed::kClose) return Post(meeting + "/close", "{}", s.secretary);
    if (pc.step == Mixed::kSchedule) {
      return Post("/api/v1/meetings", ScheduleBody(m, t, ++pc.sittings).dump(), s.secretary);
    }
    return Post(meeting + "/open", "{}", s.secretary);
  }
  if (pc.need_document) {
    *kind = kNewDocument;
    return Post("/api/v1/documents", DocumentBody(t, ++pc.documents).dump(), s.editor);
  }
  int draw = static_cast<int>(pc.rng() % 100), k = 0;
  while (draw >= o.weights[k]) draw -= o.weights[k++];
  *kind = k;
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[pc.rng() % v.size()]; };
  const std::string tag = std::to_string(t) + "." + std::to_string(i);
  if ((k == kAttendance || k == kDecision || k == kAction) && o.sitting_items > 0 &&
      ++pc.sitting > o.sitting_items) {
    pc.step = Mixed::kClose;  // the sitting is full: its cycle begins, above
    return MixedRequest(m, o, s, t, i, kind);
  }
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
      // Person n's successive records in this connection's meetings cycle
      // present -> apologies -> absent: each one a change.
      const std::uint64_t n = pc.attendance++;
      return Post(meeting + "/record-attendance",
              json{{"person_id", m.people[n % m.people.size()]},
                   {"attendance", kAttendanceValues[(n / m.people.size()) % 3]}}
                  .dump(),
              s.secretary);
    }
    case kDecision:
      return Post(meeting + "/record-decision",
              json{{"text", "Agreed the revised plan " + tag},
                   {"links", json::array({{{"kind", "deliverable"}, {"id", pick(m.hot_deliverables)}}})}}
                  .dump(),
              s.secretary);
    case kAction:
      return Post(meeting + "/raise-action",
              json{{"text", "Follow up with the trusts " + tag},
                   {"owner_person_id", pick(m.people)},
                   {"due_date", "2027-01-31"}}
                  .dump(),
              s.secretary);
    default:
      if (o.document_versions > 0 && ++pc.versions >= o.document_versions) pc.need_document = true;
      return Post("/api/v1/documents/" + pc.document + "/versions?version_label=" + tag + "&summary=bench",
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
  // The disk's ceiling before the run, and again after it (below): raw
  // RocksDB synced writes, each in a fresh directory.
  const double raw_before = RawSyncWrites(o.dir + "/mixed-raw-before", o.connections, o.seconds);
  ServerOptions so;
  so.worker_threads = o.worker_threads;
  so.config_patch = o.server_config;
  so.store_from = o.mixed_store_from;
  Server s = StartFreshServer(o.bin, o.dir + "/mixed", so);
  Mixed m = BuildMixedNetwork(s, o.connections, o.hot_deliverables);
  std::printf("\nMixed workload: %d connections for %.1f min; by weight", o.connections, o.minutes);
  for (int k = 0; k <= kDocument; ++k) std::printf("%s %d%% %s", k ? "," : "", o.weights[k], kKindNames[k]);
  std::printf("\n(notes on %d hot deliverables; each connection's meeting closed after %d items and the next "
              "opened; each connection's document given %d versions, then the next registered)\n",
              o.hot_deliverables, o.sitting_items, o.document_versions);
  // heap MB: what the server's allocator holds for live objects (jemalloc's
  // allocated bytes, from /metrics; -1 without jemalloc): RSS growing while
  // it stays flat is the allocator's or RocksDB's, not the server's data.
  // jemalloc MB: the pages the allocator keeps resident (its resident bytes:
  // heap plus its free pages not yet given back); RSS above it is not the
  // allocator's (stacks, the program, files mapped). rocks MB: RocksDB's
  // memtables and block cache, within the heap and within their budgets.
  std::printf("%-8s %10s %9s %9s %8s %9s %9s %11s %9s\n", "at (s)", "writes/s", "p50 ms", "p99 ms", "non-2xx",
              "RSS MB", "heap MB", "jemalloc MB", "rocks MB");
  std::fflush(stdout);
  std::vector<double> rates;
  std::vector<long> rss;
  std::vector<double> heap;
  std::vector<int> entities;  // meetings and documents created so far, per window
  auto created = [&m] {
    int n = 0;
    for (auto& pc : m.conns) n += pc.sittings + pc.documents;
    return n;
  };
  double at = 0;
  DriveOptions d;
  d.conns = o.connections;
  d.seconds = o.minutes * 60;
  d.keep_latency = true;
  d.window_seconds = o.window_seconds;
  d.on_ok = [&m](int t, int kind, const std::string& body) { MixedAnswered(m, t, kind, body); };
  d.on_window = [&](const Window& w) {
    at += w.seconds;
    // A stretch under half a window (the run's remainder) is not a minute to compare.
    if (w.seconds >= o.window_seconds / 2) rates.push_back(w.ops_per_s());
    rss.push_back(RssKb(ServerPid()));
    heap.push_back(MetricValue(s.port, s.admin, "assure_allocator_allocated_bytes") / (1 << 20));
    entities.push_back(created());
    const double resident = MetricValue(s.port, s.admin, "assure_allocator_resident_bytes") / (1 << 20);
    const double rocks = (MetricValue(s.port, s.admin, "assure_rocksdb_memtable_bytes") +
                          MetricValue(s.port, s.admin, "assure_rocksdb_block_cache_bytes")) /
                         (1 << 20);
    std::printf("%-8.0f %10.0f %9.2f %9.2f %8llu %9.1f %9.1f %11.1f %9.1f\n", at, w.ops_per_s(),
                Pct(w.lat_us, 0.5) / 1000, Pct(w.lat_us, 0.99) / 1000, static_cast<unsigned long long>(w.non2xx),
                rss.back() / 1024.0, heap.back(), resident, rocks);
    std::fflush(stdout);
  };
  HttpRun h = DriveHttp(
      s.port, s.editor, d, [&](int t, std::uint64_t i, int* kind) { return MixedRequest(m, o, s, t, i, kind); },
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
  std::printf("  (about %llu notes per hot deliverable, %llu rating changes per rated deliverable; "
              "%d meetings and %d documents at the end)\n",
              static_cast<unsigned long long>(h.ok_by_kind[kNote] / std::max(1, o.hot_deliverables)),
              static_cast<unsigned long long>(h.ok_by_kind[kRating] / std::max(1, o.connections)),
              [&] { int n = 0; for (auto& pc : m.conns) n += pc.sittings; return n; }(),
              [&] { int n = 0; for (auto& pc : m.conns) n += pc.documents; return n; }());
  if (rates.size() >= 2 && rates.front() > 0) {
    std::printf("last/first window writes/s: %.0f / %.0f = %.2f\n", rates.back(), rates.front(),
                rates.back() / rates.front());
  }
  if (rss.size() >= 2 && rss.front() > 0) {
    std::printf("server RSS: %.1f MB after the first window -> %.1f MB at the end (%+.0f %%)\n", rss.front() / 1024.0,
                rss.back() / 1024.0, 100.0 * static_cast<double>(rss.back() - rss.front()) / static_cast<double>(rss.front()));
  }
  if (heap.size() >= 2 && heap.front() > 0) {
    std::printf("server heap (jemalloc allocated): %.1f MB after the first window -> %.1f MB at the end (%+.0f %%)\n",
                heap.front(), heap.back(), 100.0 * (heap.back() - heap.front()) / heap.front());
  }
  // Once warm (RocksDB's memtables and caches fill their budgets in the
  // first minutes): from the first window at or after five minutes. What
  // still grows then is mostly the read model's rows of the meetings and
  // documents the run keeps creating: per one created.
  const auto warm = static_cast<std::size_t>(std::max(0.0, 300.0 / o.window_seconds - 1));
  if (rss.size() >= warm + 2 && heap[warm] > 0) {
    const int made = entities.back() - entities[warm];
    std::printf("once warm (from %.0f s): RSS %.1f -> %.1f MB (%+.0f %%), heap %.1f -> %.1f MB (%+.0f %%); "
                "%d meetings and documents created meanwhile, %.2f KB of heap growth per one\n",
                (warm + 1) * o.window_seconds, rss[warm] / 1024.0, rss.back() / 1024.0,
                100.0 * static_cast<double>(rss.back() - rss[warm]) / static_cast<double>(rss[warm]), heap[warm],
                heap.back(), 100.0 * (heap.back() - heap[warm]) / heap[warm], made,
                made > 0 ? (heap.back() - heap[warm]) * 1024.0 / made : 0.0);
  }
  // The same with each end the median of up to six windows: memtables fill
  // and flush every minute or two, so RSS and the heap swing by tens of MB,
  // and two single windows compare mostly where each fell in that swing.
  auto ends = [](std::size_t from, std::size_t n, auto value) {
    const std::size_t k = std::min<std::size_t>(6, (n - from) / 2);
    std::vector<double> first, last;
    for (std::size_t i = from; i < from + k; ++i) first.push_back(value(i));
    for (std::size_t i = n - k; i < n; ++i) last.push_back(value(i));
    return std::tuple{k, Median(first), Median(last)};
  };
  if (rates.size() >= 4) {
    const auto [k, first, last] = ends(0, rates.size(), [&](std::size_t i) { return rates[i]; });
    std::printf("writes/s, medians of the first and last %zu windows: %.0f -> %.0f (%.2f)\n", k, first, last,
                first > 0 ? last / first : 0.0);
  }
  if (rss.size() >= warm + 4) {  // rss and heap have a value per window each
    const auto [k, rss0, rss1] = ends(warm, rss.size(), [&](std::size_t i) { return rss[i] / 1024.0; });
    const auto heap_ends = ends(warm, heap.size(), [&](std::size_t i) { return heap[i]; });
    const double heap0 = std::get<1>(heap_ends), heap1 = std::get<2>(heap_ends);
    if (rss0 > 0 && heap0 > 0) {
      std::printf("once warm, medians of the first and last %zu windows: RSS %.1f -> %.1f MB (%+.1f %%), "
                  "heap %.1f -> %.1f MB (%+.1f %%)\n",
                  k, rss0, rss1, 100.0 * (rss1 - rss0) / rss0, heap0, heap1, 100.0 * (heap1 - heap0) / heap0);
    }
  }
  StopServer();
  // After the run, with the server stopped and what it left unwritten in the
  // page cache written out first (else the writeback, gigabytes after a long
  // run, competes with the raw writes' syncs).
  ::sync();
  const double raw_after = RawSyncWrites(o.dir + "/mixed-raw", o.connections, o.seconds);
  std::printf("raw RocksDB Write(sync=true) at %d threads, %.0f s: %.0f writes/s before the run, %.0f after; "
              "mixed whole run / raw = %.2f (before), %.2f (after)\n",
              o.connections, o.seconds, raw_before, raw_after, raw_before > 0 ? h.ops_per_s() / raw_before : 0,
              raw_after > 0 ? h.ops_per_s() / raw_after : 0);
}

void RunNotes(const Options& o) {
  ServerOptions so;
  so.worker_threads = o.worker_threads;
  so.config_patch = o.server_config;
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
  std::vector<double> rates, raw;
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
    // The disk's ceiling in the same window: raw RocksDB synced writes of an
    // event and its index entry at the same concurrency (the server idles).
    raw.push_back(RawSyncWrites(o.dir + "/notes-raw-" + std::to_string(r), o.connections, o.seconds));
    std::printf("raw round %d: %.0f writes/s\n", r, raw.back());
    std::fflush(stdout);
  }
  std::printf("notes median: %.0f writes/s; raw RocksDB median: %.0f writes/s; notes / raw = %.2f\n", Median(rates),
              Median(raw), Median(raw) > 0 ? Median(rates) / Median(raw) : 0);
  StopServer();
}

}  // namespace assure::bench::http_load
