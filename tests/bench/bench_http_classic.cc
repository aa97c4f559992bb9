// The first phases of assure-bench-http, on one server:
//   ratings: durable writes/s of POST /api/v1/deliverables/{id}/change-ragb
//            (each connection changes its own deliverable, so no conflicts)
//            beside raw RocksDB Write(sync=true) at the same concurrency;
//            rounds alternate HTTP/raw, medians and their ratio.
//   reads:   GET /api/v1/deliverables/{id} and .../history?order=desc.
//   live:    WebSocket subscribers, append ack -> receipt (bench_http_live.cc).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/bench/bench_http_phases.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/http_harness.h"

namespace assure::bench::http_load {

void RunLiveFeed(const Options& o, const Server& s, const std::string& group, const std::string& deliverable);

namespace {

std::atomic<bool> first_error{false};

void RunRatings(const Options& o, const Server& s, const std::vector<std::string>& deliverables) {
  std::printf("\nDurable writes: POST change-ragb (HTTP 2xx/s) vs raw RocksDB Write(sync=true) of an\n"
              "event+index batch, %d rounds x %.1f s, medians\n",
              o.rounds, o.seconds);
  std::printf("%-12s %14s %10s %16s %8s\n", "connections", "HTTP (w/s)", "non-2xx", "raw sync (w/s)", "ratio");
  // Connection t changes deliverable t, red -> amber -> green -> red ... across
  // every round and level (never to the rating it already has: that is a 409).
  std::vector<std::uint64_t> next_rating(deliverables.size(), 1);
  for (int c : o.concurrency) {
    std::vector<double> ours, base;
    std::uint64_t non2xx = 0;
    for (int r = 0; r < o.rounds; ++r) {
      DriveOptions d;
      d.conns = c;
      d.seconds = o.seconds;
      HttpRun h = DriveHttp(
          s.port, s.editor, d,
          [&](int t, std::uint64_t, int*) {
            const std::uint64_t i = next_rating[t]++;
            return Post("/api/v1/deliverables/" + deliverables[t] + "/change-ragb",
                       json{{"ragb", kRagb[i % 3]}, {"reason", "bench change " + std::to_string(i)}}.dump());
          },
          [&](int, int, int st, const std::string& body) {
            if (!first_error.exchange(true)) std::fprintf(stderr, "first non-2xx write: %d %s\n", st, body.c_str());
          });
      ours.push_back(h.ops_per_s());
      non2xx += h.non2xx;
      base.push_back(RawSyncWrites(s.dir + "/raw-" + std::to_string(c) + "-" + std::to_string(r), c, o.seconds));
    }
    double ho = Median(ours), b = Median(base);
    std::printf("%-12d %14.0f %10llu %16.0f %8.2f\n", c, ho, static_cast<unsigned long long>(non2xx), b,
                b > 0 ? ho / b : 0);
    std::fflush(stdout);
  }
}

void RunReads(const Options& o, const Server& s, const std::vector<std::string>& deliverables) {
  std::printf("\nReads at %d connections, %.1f s each (latency in ms)\n", o.read_conns, o.read_seconds);
  std::printf("%-40s %10s %8s %8s %8s\n", "route", "reads/s", "non-2xx", "p50", "p99");
  for (int which = 0; which < 2; ++which) {
    // The history as the dashboard opens it: the newest page.
    const std::string suffix = which == 0 ? "" : "/history?order=desc";
    DriveOptions d;
    d.conns = o.read_conns;
    d.seconds = o.read_seconds;
    d.keep_latency = true;
    HttpRun h = DriveHttp(
        s.port, s.admin, d,
        [&](int t, std::uint64_t i, int*) {
          const auto& id = deliverables[(static_cast<std::size_t>(t) + i) % deliverables.size()];
          return Get("/api/v1/deliverables/" + id + suffix);
        },
        [](int, int, int, const std::string&) {});
    std::sort(h.lat_us.begin(), h.lat_us.end());
    std::printf("%-40s %10.0f %8llu %8.2f %8.2f\n",
                which == 0 ? "GET /deliverables/{id}" : "GET /deliverables/{id}/history?order=desc", h.ops_per_s(),
                static_cast<unsigned long long>(h.non2xx), Pct(h.lat_us, 0.5) / 1000, Pct(h.lat_us, 0.99) / 1000);
    std::fflush(stdout);
  }
  Conn c(s.port, s.admin);
  auto [st, b] = c.Do(http::verb::get, "/api/v1/deliverables/" + deliverables[0] + "/history?order=desc");
  json j = json::parse(b, nullptr, false);
  if (st == 200 && j.is_object() && j.contains("items")) {
    std::printf("(a history page here holds the newest %zu of %s changes)\n", j["items"].size(),
                j.value("total", json(0)).dump().c_str());
  }
}

}  // namespace

void RunClassic(const Options& o, bool ratings, bool reads, bool live) {
  ServerOptions so;
  so.max_connections = o.subscribers + 1024;
  so.worker_threads = o.worker_threads;
  so.config_patch = o.server_config;
  Server s = StartFreshServer(o.bin, o.dir + "/classic", so);
  std::printf("assure serve on 127.0.0.1:%u, store %s/store, rate limiting off\n", s.port, s.dir.c_str());

  // The network: a group, a programme, one deliverable per writer.
  const int writers = *std::max_element(o.concurrency.begin(), o.concurrency.end());
  std::string group, programme;
  std::vector<std::string> deliverables;
  {
    Conn c(s.port, s.admin);
    group = CreateId(c, "groups", {{"name", "Bench SIG"}, {"kind", "sig"}});
    programme = CreateId(c, "programmes", {{"group_id", group}, {"year", "2024-25"}, {"title", "Bench"}});
    for (int i = 0; i < std::max(writers, o.read_conns) + 1; ++i) {
      deliverables.push_back(CreateId(c, "deliverables",
                                      {{"programme_id", programme},
                                       {"title", "Bench deliverable " + std::to_string(i)},
                                       {"ragb", "blue"}}));
    }
  }
  if (ratings) RunRatings(o, s, deliverables);
  if (reads) RunReads(o, s, deliverables);
  if (live) RunLiveFeed(o, s, group, deliverables.back());
  StopServer();
}

}  // namespace assure::bench::http_load
