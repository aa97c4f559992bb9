// assure-bench-http: `assure serve` under load, on loopback, in one run.
//
// Starts the real `assure serve` (ASSURE_BIN, a child process) on
// 127.0.0.1:<free port> over a fresh temp store with an admin token and a
// config that disables rate limiting, builds a group, a programme and one
// deliverable per writer through the REST API, then measures with its own
// Beast load generator (keep-alive connections, one request outstanding on
// each, all driven by one thread with asynchronous I/O):
//
// 1. Durable writes/s of POST /api/v1/deliverables/{id}/change-ragb (each
//    connection changes its own deliverable, so no optimistic-concurrency
//    conflicts) at 32 and 64 connections, beside the store benchmark's raw
//    RocksDB Write(sync=true) of an event+index batch at the same
//    concurrency; rounds alternate HTTP/raw, medians and their ratio.
// 2. Reads/s of GET /api/v1/deliverables/{id} and of .../history at 64
//    connections, with p50/p99 latency.
// 3. Live feed: N WebSocket subscribers (default 1,000; ?token= on the URL)
//    subscribed to the group from "now"; for each of A appends (one at a time,
//    spaced), the time from the HTTP response (the append's acknowledgement)
//    to receipt by every subscriber: p50 / p99 / max over all pairs.
//
// Loopback only; every phase is bounded in requests or seconds and a watchdog
// kills the server and exits if the whole run exceeds --max-seconds. Figures
// are printed; nothing passes or fails on a time.
#include <CLI/CLI.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/codec.h"
#include "tests/bench/bench_util.h"

#ifndef ASSURE_BIN
#define ASSURE_BIN "assure"
#endif

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ws = beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using Wall = std::chrono::steady_clock;

namespace {

pid_t g_child = -1;
std::atomic<bool> first_error{false};

void StopChild() {
  if (g_child <= 0) return;
  ::kill(g_child, SIGTERM);
  for (int i = 0; i < 200; ++i) {  // up to 20 s for a graceful stop
    int st = 0;
    if (::waitpid(g_child, &st, WNOHANG) == g_child) {
      g_child = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(g_child, SIGKILL);
  ::waitpid(g_child, nullptr, 0);
  g_child = -1;
}

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "assure-bench-http: %s\n", why.c_str());
  StopChild();
  std::exit(1);
}

using assure::bench::Median;

double Pct(std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

std::uint16_t FreePort() {
  net::io_context io;
  tcp::acceptor a(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

// One keep-alive HTTP/1.1 connection to 127.0.0.1:port (synchronous).
class Conn {
 public:
  Conn(std::uint16_t port, std::string token) : sock_(io_), token_(std::move(token)) {
    beast::error_code ec;
    sock_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec) Die("connect: " + ec.message());
    sock_.set_option(tcp::no_delay(true));
  }
  // Returns status and body; status 0 on a broken connection.
  std::pair<int, std::string> Do(http::verb verb, const std::string& target,
                                 const std::string& body = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token_);
    req.keep_alive(true);
    if (verb == http::verb::post) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    beast::error_code ec;
    http::write(sock_, req, ec);
    if (ec) return {0, ec.message()};
    http::response<http::string_body> res;
    http::read(sock_, buf_, res, ec);
    if (ec) return {0, ec.message()};
    return {static_cast<int>(res.result_int()), std::move(res.body())};
  }

 private:
  net::io_context io_;
  tcp::socket sock_;
  beast::flat_buffer buf_;
  std::string token_;
};

std::string Run(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) Die("popen failed: " + cmd);
  std::string out;
  char b[512];
  while (std::fgets(b, sizeof b, p)) out += b;
  int rc = ::pclose(p);
  if (rc != 0) Die("command failed (" + std::to_string(rc) + "): " + cmd);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

void StartServer(const std::string& bin, const std::string& dir, std::uint16_t port) {
  const std::string store = dir + "/store", config = dir + "/config.json", log = dir + "/server.log";
  pid_t pid = ::fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    std::string listen = "127.0.0.1:" + std::to_string(port);
    ::execl(bin.c_str(), bin.c_str(), "serve", "--data", store.c_str(), "--listen", listen.c_str(),
            "--config", config.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  g_child = pid;
  // Wait for the port to accept (up to 30 s).
  for (int i = 0; i < 300; ++i) {
    net::io_context io;
    tcp::socket s(io);
    beast::error_code ec;
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) return;
    int st = 0;
    if (::waitpid(g_child, &st, WNOHANG) == g_child) {
      g_child = -1;
      Die("assure serve exited; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Die("assure serve did not start listening; see " + log);
}

std::string CreateId(Conn& c, const std::string& collection, const json& body) {
  auto [st, b] = c.Do(http::verb::post, "/api/v1/" + collection, body.dump());
  if (st != 201) Die("create " + collection + " -> " + std::to_string(st) + " " + b);
  return json::parse(b).at("id").get<std::string>();
}

const char* kRagb[] = {"red", "amber", "green"};

std::string ChangeBody(std::uint64_t i) {
  return json{{"ragb", kRagb[i % 3]}, {"reason", "bench change " + std::to_string(i)}}.dump();
}

struct HttpRun {
  double ops_per_s = 0;
  std::uint64_t ok = 0, non2xx = 0;
  std::vector<double> lat_us;  // per request
};

// What one request of a load run sends.
struct Req {
  http::verb verb = http::verb::get;
  std::string target;
  std::string body;
};

// `conns` keep-alive connections, all driven by this thread with
// asynchronous I/O (one thread per connection would spend the 2-core
// machine's CPU on the load generator's own wake-ups): each sends
// make(conn, i), reads the response, and sends the next, for `seconds` (after
// all have connected). `failed(conn, status, body)` sees each non-2xx
// response (status 0: the connection broke, and that connection stops).
template <typename Make, typename Failed>
HttpRun DriveHttp(std::uint16_t port, const std::string& token, int conns, double seconds,
                  bool keep_latency, Make make, Failed failed) {
  struct Client {
    explicit Client(net::io_context& io) : sock(io) {}
    tcp::socket sock;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    int t = 0;
    std::uint64_t i = 0;
    Wall::time_point t0;
  };
  net::io_context io(1);
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < conns; ++t) {
    auto c = std::make_unique<Client>(io);
    beast::error_code ec;
    c->sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec) Die("connect: " + ec.message());
    c->sock.set_option(tcp::no_delay(true));
    c->t = t;
    clients.push_back(std::move(c));
  }
  HttpRun out;
  bool stop = false;
  std::function<void(Client&)> send = [&](Client& c) {
    Req r = make(c.t, c.i++);
    c.req = {r.verb, r.target, 11};
    c.req.set(http::field::host, "127.0.0.1");
    c.req.set(http::field::authorization, "Bearer " + token);
    c.req.keep_alive(true);
    if (r.verb == http::verb::post) {
      c.req.set(http::field::content_type, "application/json");
      c.req.body() = std::move(r.body);
    }
    c.req.prepare_payload();
    c.t0 = Wall::now();
    http::async_write(c.sock, c.req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!stop) failed(c.t, 0, ec.message());
        return;
      }
      c.res = {};
      http::async_read(c.sock, c.buf, c.res, [&](beast::error_code ec, std::size_t) {
        if (stop) return;  // answered after the run: not counted
        if (ec) return failed(c.t, 0, ec.message());
        const int st = static_cast<int>(c.res.result_int());
        if (keep_latency) {
          out.lat_us.push_back(std::chrono::duration<double, std::micro>(Wall::now() - c.t0).count());
        }
        if (st >= 200 && st < 300) {
          ++out.ok;
        } else {
          ++out.non2xx;
          failed(c.t, st, c.res.body());
        }
        send(c);
      });
    });
  };
  net::steady_timer timer(io, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::duration<double>(seconds)));
  const auto start = Wall::now();
  double elapsed = seconds;
  timer.async_wait([&](beast::error_code) {
    stop = true;
    elapsed = std::chrono::duration<double>(Wall::now() - start).count();
  });
  for (auto& c : clients) send(*c);
  io.run();
  out.ops_per_s = static_cast<double>(out.ok) / elapsed;
  return out;
}

// ---- The raw RocksDB baseline (as in bench_store.cc) ----

std::string Payload(int thread, std::uint64_t i) {
  std::string s = R"({"deliverable":"Workforce-0)" + std::to_string(thread % 10) +
                  R"(","from":"Blue","to":"Amber","i":)" + std::to_string(i) + R"(,"note":")";
  s.append(400 - s.size() - 2, 'x');
  s += "\"}";
  return s;
}

using assure::bench::Drive;

double RawSyncWrites(const std::string& d, int c, double seconds) {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  std::vector<rocksdb::ColumnFamilyDescriptor> desc = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"events", {}}, {"stream_index", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, d, desc, &cfs, &db);
  if (!s.ok()) Die("raw open: " + s.ToString());
  std::atomic<std::uint64_t> pos{0};
  rocksdb::WriteOptions wo;
  wo.sync = true;
  double r = Drive(c, seconds, [&](int t, std::uint64_t i) {
    std::uint64_t p = ++pos;
    std::string value = Payload(t, i);
    value.append(200, 'm');
    rocksdb::WriteBatch wb;
    wb.Put(cfs[1], assure::storage::U64Key(p), value);
    wb.Put(cfs[2], "deliverable-" + std::to_string(t) + '\0' + assure::storage::U64Key(i),
           assure::storage::U64Key(p));
    if (!db->Write(wo, &wb).ok()) Die("raw write failed");
  });
  for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
  db->Close();
  delete db;
  std::filesystem::remove_all(d);
  return r;
}

// ---- Live feed subscribers: async Beast websockets on one io_context ----

struct Subscriber : std::enable_shared_from_this<Subscriber> {
  Subscriber(net::io_context& io, int idx) : ws_(io), index(idx) {}
  ws::stream<tcp::socket> ws_;
  beast::flat_buffer buf;
  int index;
  bool subscribed = false;
  bool failed = false;
  std::vector<Wall::time_point> events;  // receipt time of each event message
  std::vector<std::uint64_t> positions;  // only for subscriber 0 (checked)
};

struct LiveState {
  net::io_context io;
  std::uint16_t port = 0;
  std::string target, subscribe_msg;
  std::vector<std::shared_ptr<Subscriber>> subs;
  int next = 0, in_flight = 0, max_in_flight = 64;
  std::atomic<int> subscribed{0}, failed{0};

  void Fail(Subscriber& s, const std::string& why) {
    if (!s.failed) {
      s.failed = true;
      ++failed;
      if (failed.load() <= 3) std::fprintf(stderr, "subscriber %d: %s\n", s.index, why.c_str());
    }
  }

  void OpenMore() {
    while (in_flight < max_in_flight && next < static_cast<int>(subs.size())) {
      ++in_flight;
      auto s = subs[next++];
      s->ws_.next_layer().async_connect(
          tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [this, s](beast::error_code ec) {
            if (ec) return Done(*s, "connect: " + ec.message());
            s->ws_.next_layer().set_option(tcp::no_delay(true));
            s->ws_.async_handshake("127.0.0.1", target, [this, s](beast::error_code ec) {
              if (ec) return Done(*s, "handshake: " + ec.message());
              s->ws_.text(true);
              s->ws_.async_write(net::buffer(subscribe_msg), [this, s](beast::error_code ec, std::size_t) {
                if (ec) return Done(*s, "subscribe: " + ec.message());
                Read(s);
              });
            });
          });
    }
  }
  void Done(Subscriber& s, const std::string& err) {
    Fail(s, err);
    --in_flight;
    OpenMore();
  }
  void Read(std::shared_ptr<Subscriber> s) {
    s->ws_.async_read(s->buf, [this, s](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!s->subscribed) return Done(*s, "read: " + ec.message());
        if (ec != net::error::operation_aborted && ec != ws::error::closed) Fail(*s, "read: " + ec.message());
        return;
      }
      auto now = Wall::now();
      std::string_view msg(static_cast<const char*>(s->buf.data().data()), s->buf.size());
      if (msg.find("\"type\":\"event\"") != std::string_view::npos) {
        s->events.push_back(now);
        if (s->index == 0) {
          json j = json::parse(msg, nullptr, false);
          s->positions.push_back(j.is_object() ? j.value("position", std::uint64_t{0}) : 0);
        }
      } else if (!s->subscribed && msg.find("\"type\":\"subscribed\"") != std::string_view::npos) {
        s->subscribed = true;
        ++subscribed;
        --in_flight;
        OpenMore();
      } else if (msg.find("\"type\":\"error\"") != std::string_view::npos ||
                 msg.find("\"type\":\"overflow\"") != std::string_view::npos) {
        if (!s->subscribed) return Done(*s, std::string(msg));
        Fail(*s, std::string(msg));
      }
      s->buf.consume(s->buf.size());
      Read(s);
    });
  }
  void CloseAll() {
    for (auto& s : subs) {
      beast::error_code ec;
      s->ws_.next_layer().close(ec);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"assure-bench-http: assure serve under loopback load (see README)"};
  std::string bin = ASSURE_BIN;
  std::string dir;
  double seconds = 4, read_seconds = 4;
  int rounds = 2, subscribers = 1000, appends = 50, spacing_ms = 50, max_seconds = 600, worker_threads = 0;
  std::vector<int> concurrency = {32, 64};
  int read_conns = 64;
  app.add_option("--assure", bin, "The assure binary")->capture_default_str();
  app.add_option("--dir", dir, "Scratch directory (default: a fresh temp dir; removed afterwards)");
  app.add_option("--seconds", seconds, "Seconds per write measurement")->capture_default_str();
  app.add_option("--rounds", rounds, "Write rounds, HTTP and raw alternating (medians)")->capture_default_str();
  app.add_option("--concurrency", concurrency, "Write connection counts")->capture_default_str();
  app.add_option("--read-seconds", read_seconds, "Seconds per read measurement")->capture_default_str();
  app.add_option("--read-connections", read_conns, "Read connections")->capture_default_str();
  app.add_option("--subscribers", subscribers, "WebSocket subscribers")->capture_default_str();
  app.add_option("--appends", appends, "Live-feed appends measured")->capture_default_str();
  app.add_option("--spacing-ms", spacing_ms, "Pause between live-feed appends")->capture_default_str();
  app.add_option("--workers", worker_threads, "The server's worker threads (0: its default)")->capture_default_str();
  app.add_option("--max-seconds", max_seconds, "Watchdog: abort the run after this long")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;

  // Descriptors for the subscribers (the server inherits the limit).
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  ::signal(SIGPIPE, SIG_IGN);

  bool temp = dir.empty();
  if (temp) {
    std::string templ = (fs::temp_directory_path() / "assure-bench-http-XXXXXX").string();
    if (!::mkdtemp(templ.data())) Die("mkdtemp failed");
    dir = templ;
  } else {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  std::thread([max_seconds] {
    std::this_thread::sleep_for(std::chrono::seconds(max_seconds));
    std::fprintf(stderr, "assure-bench-http: watchdog: over %d s, aborting\n", max_seconds);
    if (g_child > 0) ::kill(g_child, SIGKILL);
    std::_Exit(3);
  }).detach();

  // The store, an admin token, a config without rate limits, the server.
  const std::string token =
      Run("'" + bin + "' token create --role admin --name bench --data '" + dir + "/store'");
  // The writes are a SIG editor's RAGB changes (an admin's writes are also
  // recorded, one by one, in the security log).
  const std::string editor_token =
      Run("'" + bin + "' token create --role editor --name bench-editor --data '" + dir + "/store'");
  {
    json config = {
        {"rate_limit", {{"enabled", false}}},
        // Every connection comes from 127.0.0.1: no per-address cap to speak of.
        {"http", {{"max_connections", subscribers + 1024},
                  {"max_connections_per_client", subscribers + 1024},
                  {"idle_timeout_ms", 120000}}},
        {"workers", {{"queue_limit", 100000}}},
        {"websocket", {{"queue_limit", 4096}, {"idle_timeout_ms", 120000}}},
    };
    if (worker_threads > 0) config["workers"]["threads"] = worker_threads;
    std::ofstream(dir + "/config.json") << config.dump(2);
  }
  const std::uint16_t port = FreePort();
  StartServer(bin, dir, port);
  std::printf("assure serve on 127.0.0.1:%u, store %s/store, rate limiting off\n", port, dir.c_str());

  // The network: a group, a programme, one deliverable per writer.
  const int writers = *std::max_element(concurrency.begin(), concurrency.end());
  std::string group, programme;
  std::vector<std::string> deliverables;
  {
    Conn c(port, token);
    group = CreateId(c, "groups", {{"name", "Bench SIG"}, {"kind", "sig"}});
    programme = CreateId(c, "programmes", {{"group_id", group}, {"year", "2024-25"}, {"title", "Bench"}});
    for (int i = 0; i < std::max(writers, read_conns) + 1; ++i) {
      deliverables.push_back(CreateId(c, "deliverables",
                                      {{"programme_id", programme},
                                       {"title", "Bench deliverable " + std::to_string(i)},
                                       {"ragb", "blue"}}));
    }
  }

  // 1. Durable writes.
  std::printf("\nDurable writes: POST change-ragb (HTTP 2xx/s) vs raw RocksDB Write(sync=true) of an\n"
              "event+index batch, %d rounds x %.1f s, medians\n",
              rounds, seconds);
  std::printf("%-12s %14s %10s %16s %8s\n", "connections", "HTTP (w/s)", "non-2xx", "raw sync (w/s)",
              "ratio");
  // Connection t changes deliverable t, red -> amber -> green -> red ... across
  // every round and level (never to the rating it already has: that is a 409).
  std::vector<std::uint64_t> next_rating(deliverables.size(), 1);
  for (int c : concurrency) {
    std::vector<double> ours, base;
    std::uint64_t non2xx = 0;
    for (int r = 0; r < rounds; ++r) {
      HttpRun h = DriveHttp(
          port, editor_token, c, seconds, false,
          [&](int t, std::uint64_t) {
            return Req{http::verb::post, "/api/v1/deliverables/" + deliverables[t] + "/change-ragb",
                       ChangeBody(next_rating[t]++)};
          },
          [&](int, int st, const std::string& body) {
            if (!first_error.exchange(true)) {
              std::fprintf(stderr, "first non-2xx write: %d %s\n", st, body.c_str());
            }
          });
      ours.push_back(h.ops_per_s);
      non2xx += h.non2xx;
      base.push_back(RawSyncWrites(dir + "/raw-" + std::to_string(c) + "-" + std::to_string(r), c, seconds));
    }
    double o = Median(ours), b = Median(base);
    std::printf("%-12d %14.0f %10llu %16.0f %8.2f\n", c, o, static_cast<unsigned long long>(non2xx), b,
                b > 0 ? o / b : 0);
    std::fflush(stdout);
  }

  // 2. Reads.
  std::printf("\nReads at %d connections, %.1f s each (latency in ms)\n", read_conns, read_seconds);
  std::printf("%-40s %10s %8s %8s %8s\n", "route", "reads/s", "non-2xx", "p50", "p99");
  for (int which = 0; which < 2; ++which) {
    // The history as the dashboard opens it: the newest page.
    const std::string suffix = which == 0 ? "" : "/history?order=desc";
    HttpRun h = DriveHttp(
        port, token, read_conns, read_seconds, true,
        [&](int t, std::uint64_t i) {
          const auto& d = deliverables[(static_cast<std::size_t>(t) + i) % deliverables.size()];
          return Req{http::verb::get, "/api/v1/deliverables/" + d + suffix, {}};
        },
        [](int, int, const std::string&) {});
    std::sort(h.lat_us.begin(), h.lat_us.end());
    std::printf("%-40s %10.0f %8llu %8.2f %8.2f\n",
                which == 0 ? "GET /deliverables/{id}" : "GET /deliverables/{id}/history?order=desc", h.ops_per_s,
                static_cast<unsigned long long>(h.non2xx), Pct(h.lat_us, 0.5) / 1000,
                Pct(h.lat_us, 0.99) / 1000);
    std::fflush(stdout);
  }
  {
    Conn c(port, token);
    auto [st, b] = c.Do(http::verb::get, "/api/v1/deliverables/" + deliverables[0] + "/history?order=desc");
    json j = json::parse(b, nullptr, false);
    if (st == 200 && j.is_object() && j.contains("items")) {
      std::printf("(a history page here holds the newest %zu of %s changes)\n", j["items"].size(),
                  j.value("total", json(0)).dump().c_str());
    }
  }

  // 3. Live feed.
  LiveState live;
  live.port = port;
  live.target = "/api/v1/live?token=" + token;
  live.subscribe_msg = json{{"type", "subscribe"}, {"from", "now"}, {"filter", {{"group_id", group}}}}.dump();
  for (int i = 0; i < subscribers; ++i) live.subs.push_back(std::make_shared<Subscriber>(live.io, i));
  auto work = net::make_work_guard(live.io);
  std::thread io_thread([&] { live.io.run(); });
  auto open_start = Wall::now();
  net::post(live.io, [&] { live.OpenMore(); });
  while (live.subscribed.load() + live.failed.load() < subscribers &&
         Wall::now() - open_start < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double open_s = std::chrono::duration<double>(Wall::now() - open_start).count();
  std::printf("\nLive feed: %d of %d subscribers subscribed in %.1f s (%d failed); %d appends, %d ms apart\n",
              live.subscribed.load(), subscribers, open_s, live.failed.load(), appends, spacing_ms);
  std::vector<Wall::time_point> acks;
  std::vector<std::uint64_t> ack_positions;
  {
    Conn c(port, token);
    const std::string target = "/api/v1/deliverables/" + deliverables.back() + "/change-ragb";
    for (int i = 0; i < appends; ++i) {
      auto [st, b] = c.Do(http::verb::post, target, ChangeBody(static_cast<std::uint64_t>(i)));
      auto t = Wall::now();
      if (st < 200 || st >= 300) Die("live append -> " + std::to_string(st) + " " + b);
      acks.push_back(t);
      ack_positions.push_back(json::parse(b).value("position", std::uint64_t{0}));
      std::this_thread::sleep_for(std::chrono::milliseconds(spacing_ms));
    }
  }
  // Let the last deliveries arrive (up to 10 s).
  auto wait_start = Wall::now();
  auto all_in = [&] {
    std::promise<bool> p;
    auto f = p.get_future();
    net::post(live.io, [&] {
      bool ok = true;
      for (auto& s : live.subs) {
        if (s->subscribed && !s->failed && s->events.size() < acks.size()) ok = false;
      }
      p.set_value(ok);
    });
    return f.get();
  };
  while (!all_in() && Wall::now() - wait_start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  net::post(live.io, [&] { live.CloseAll(); });
  work.reset();
  live.io.stop();
  io_thread.join();

  std::vector<double> lat_ms;
  std::uint64_t missing = 0, early = 0, extra = 0;
  int receivers = 0;
  for (auto& s : live.subs) {
    if (!s->subscribed) continue;
    ++receivers;
    if (s->events.size() > acks.size()) extra += s->events.size() - acks.size();
    for (std::size_t k = 0; k < acks.size(); ++k) {
      if (k >= s->events.size()) {
        ++missing;
        continue;
      }
      double ms = std::chrono::duration<double, std::milli>(s->events[k] - acks[k]).count();
      if (ms < 0) ++early;
      lat_ms.push_back(std::max(ms, 0.0));
    }
  }
  bool positions_ok = !live.subs.empty() && live.subs[0]->positions == ack_positions;
  std::sort(lat_ms.begin(), lat_ms.end());
  std::printf("%-34s %8s %8s %8s %10s %8s\n", "append ack -> receipt (ms)", "p50", "p99", "max", "pairs",
              "missing");
  std::printf("%-34s %8.2f %8.2f %8.2f %10zu %8llu\n", "every subscriber", Pct(lat_ms, 0.5),
              Pct(lat_ms, 0.99), Pct(lat_ms, 1.0), lat_ms.size(), static_cast<unsigned long long>(missing));
  std::printf("(%d receiving subscribers; %llu deliveries arrived before the HTTP ack, counted as 0 ms;\n"
              " %llu unexpected extra events; subscriber 0's positions %s the acknowledged positions)\n",
              receivers, static_cast<unsigned long long>(early), static_cast<unsigned long long>(extra),
              positions_ok ? "match" : "DO NOT match");

  StopChild();
  if (temp) fs::remove_all(dir);
  return 0;
}
