// assure-bench-http's history phase: one deliverable given
// --history-changes (10,000) rating changes through the API, one at a time
// on one connection (a rating change must change the rating, so concurrent
// changes of one deliverable would refuse each other), then its newest
// history page (order=desc, limit=100) read at --read-connections (64) for
// --read-seconds: reads/s, p50, p99 and bytes per response.
#include <algorithm>
#include <cstdio>
#include <string>

#include "tests/bench/bench_http_phases.h"
#include "tests/bench/http_harness.h"

namespace assure::bench::http_load {

void RunHistory(const Options& o) {
  ServerOptions so;
  so.worker_threads = o.worker_threads;
  so.config_patch = o.server_config;
  Server s = StartFreshServer(o.bin, o.dir + "/history", so);
  std::string id;
  {
    Conn c(s.port, s.admin);
    const std::string group = CreateId(c, "groups", {{"name", "History SIG"}, {"kind", "sig"}});
    const std::string programme =
        CreateId(c, "programmes", {{"group_id", group}, {"year", "2026-27"}, {"title", "History"}});
    id = CreateId(c, "deliverables", {{"programme_id", programme}, {"title", "Long history"}, {"ragb", "blue"}});
  }
  std::printf("\nHistory: %d rating changes of one deliverable, one at a time\n", o.history_changes);
  std::fflush(stdout);
  {
    Conn c(s.port, s.editor);
    const std::string target = "/api/v1/deliverables/" + id + "/change-ragb";
    const auto start = Wall::now();
    for (int i = 0; i < o.history_changes; ++i) {
      auto [st, b] = c.Do(http::verb::post, target,
                          json{{"ragb", kRagb[i % 3]}, {"reason", "Reviewed at the board, change " + std::to_string(i)}}
                              .dump());
      if (st < 200 || st >= 300) Die("history change " + std::to_string(i) + " -> " + std::to_string(st) + " " + b);
    }
    const double secs = std::chrono::duration<double>(Wall::now() - start).count();
    std::printf("written in %.1f s (%.0f writes/s on one connection)\n", secs, o.history_changes / secs);
  }
  const std::string page = "/api/v1/deliverables/" + id + "/history?order=desc&limit=100";
  DriveOptions d;
  d.conns = o.read_conns;
  d.seconds = o.read_seconds;
  d.keep_latency = true;
  HttpRun h = DriveHttp(
      s.port, s.admin, d, [&](int, std::uint64_t, int*) { return Get(page); },
      [](int, int, int st, const std::string& body) {
        static bool once = false;
        if (!once) std::fprintf(stderr, "first non-2xx history read: %d %s\n", st, body.substr(0, 400).c_str());
        once = true;
      });
  std::sort(h.lat_us.begin(), h.lat_us.end());
  std::printf("GET %s at %d connections, %.1f s (latency in ms)\n", "/deliverables/{id}/history?order=desc&limit=100",
              o.read_conns, o.read_seconds);
  std::printf("%10s %8s %8s %8s %14s\n", "reads/s", "non-2xx", "p50", "p99", "bytes/response");
  std::printf("%10.0f %8llu %8.2f %8.2f %14.0f\n", h.ops_per_s(), static_cast<unsigned long long>(h.non2xx),
              Pct(h.lat_us, 0.5) / 1000, Pct(h.lat_us, 0.99) / 1000,
              h.ok ? static_cast<double>(h.bytes) / static_cast<double>(h.ok) : 0.0);
  StopServer();
}

}  // namespace assure::bench::http_load
