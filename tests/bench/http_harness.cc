#include "tests/bench/http_harness.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <thread>

namespace assure::bench::http_load {

namespace {
pid_t g_child = -1;
std::uint64_t g_failures = 0;  // only the thread driving a load run counts
}  // namespace

std::uint64_t TotalFailures() { return g_failures; }

pid_t ServerPid() { return g_child; }

void StopServer() {
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

void Die(const std::string& why) {
  std::fprintf(stderr, "assure-bench-http: %s\n", why.c_str());
  StopServer();
  std::exit(1);
}

double Pct(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

std::uint16_t FreePort() {
  net::io_context io;
  tcp::acceptor a(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

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

long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void SpawnServer(const std::string& bin, const std::string& store, const std::string& config,
                 const std::string& log, std::uint16_t port) {
  if (g_child > 0) Die("a server is already running");
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
}

void WaitListening(std::uint16_t port, const std::string& log, double seconds) {
  const auto deadline = Wall::now() + std::chrono::duration_cast<Wall::duration>(std::chrono::duration<double>(seconds));
  while (Wall::now() < deadline) {
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
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Die("assure serve did not start listening; see " + log);
}

// One GET on a fresh connection: the status, 0 if it could not be had
// (refused, reset, or no answer within 60 s).
int TryGet(std::uint16_t port, const std::string& target) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(60));
  beast::error_code ec;
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return 0;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req, ec);
  if (ec) return 0;
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res, ec);
  return ec ? 0 : static_cast<int>(res.result_int());
}

Server StartFreshServer(const std::string& bin, const std::string& dir, const ServerOptions& options) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  Server s;
  s.dir = dir;
  const std::string store = dir + "/store";
  if (!options.store_from.empty()) {
    fs::copy(options.store_from, store, fs::copy_options::recursive);
  }
  auto token = [&](const char* role) {
    return Run("'" + bin + "' token create --role " + role + " --name bench-" + role + " --data '" + store +
               "' 2>>'" + dir + "/tokens.log'");
  };
  s.admin = token("admin");
  s.editor = token("editor");
  s.secretary = token("secretary");
  json config = {
      {"rate_limit", {{"enabled", false}}},
      // Every connection comes from 127.0.0.1: no per-address cap to speak of.
      {"http", {{"max_connections", options.max_connections},
                {"max_connections_per_client", options.max_connections},
                {"idle_timeout_ms", 120000}}},
      {"workers", {{"queue_limit", 100000}}},
      {"websocket", {{"queue_limit", 4096}, {"idle_timeout_ms", 120000}}},
  };
  if (options.worker_threads > 0) config["workers"]["threads"] = options.worker_threads;
  if (!options.config_patch.empty()) config.merge_patch(json::parse(options.config_patch));
  std::ofstream(dir + "/config.json") << config.dump(2);
  s.port = FreePort();
  SpawnServer(bin, store, dir + "/config.json", dir + "/server.log", s.port);
  WaitListening(s.port, dir + "/server.log");
  // The server listens at once and answers 503 until its read models are
  // caught up: wait for /readyz.
  for (int i = 0; i < 6000 && TryGet(s.port, "/readyz") != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return s;
}

Conn::Conn(std::uint16_t port, std::string token) : sock_(io_), token_(std::move(token)) {
  beast::error_code ec;
  sock_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) Die("connect: " + ec.message());
  sock_.set_option(tcp::no_delay(true));
}

double MetricValue(std::uint16_t port, const std::string& admin_token, const std::string& name) {
  Conn c(port, admin_token);
  auto [status, text] = c.Do(http::verb::get, "/metrics");
  if (status != 200) return -1;
  const std::string prefix = name + " ";
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, prefix.size(), prefix) == 0) {
      return std::strtod(text.c_str() + at + prefix.size(), nullptr);
    }
    at = end + 1;
  }
  return -1;
}

std::pair<int, std::string> Conn::Do(http::verb verb, const std::string& target, const std::string& body) {
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
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // history pages can be large
  http::read(sock_, buf_, parser, ec);
  if (ec) return {0, ec.message()};
  auto res = parser.release();
  return {static_cast<int>(res.result_int()), std::move(res.body())};
}

std::string CreateId(Conn& c, const std::string& collection, const json& body) {
  auto [st, b] = c.Do(http::verb::post, "/api/v1/" + collection, body.dump());
  if (st != 201) Die("create " + collection + " -> " + std::to_string(st) + " " + b);
  return json::parse(b).at("id").get<std::string>();
}

void MustPost(Conn& c, const std::string& target, const json& body) {
  auto [st, b] = c.Do(http::verb::post, target, body.dump());
  if (st < 200 || st >= 300) Die("POST " + target + " -> " + std::to_string(st) + " " + b);
}

HttpRun DriveHttp(std::uint16_t port, const std::string& token, const DriveOptions& options, const MakeFn& make,
                  const FailedFn& failed) {
  struct Client {
    explicit Client(net::io_context& io) : sock(io) {}
    tcp::socket sock;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    std::optional<http::response_parser<http::string_body>> parser;
    int t = 0, kind = 0;
    std::uint64_t i = 0;
    Wall::time_point t0;
  };
  net::io_context io(1);
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < options.conns; ++t) {
    auto c = std::make_unique<Client>(io);
    beast::error_code ec;
    c->sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec) Die("connect: " + ec.message());
    c->sock.set_option(tcp::no_delay(true));
    // Beast reads as much as the buffer has room for (at least 512 bytes):
    // room for 64 KiB means a history page in one or two reads, not dozens.
    c->buf.reserve(64 * 1024);
    c->t = t;
    clients.push_back(std::move(c));
  }
  HttpRun out;
  Window window;
  bool stop = false;
  auto count = [&](std::vector<std::uint64_t>& v, int kind) {
    if (v.size() <= static_cast<std::size_t>(kind)) v.resize(kind + 1);
    ++v[kind];
  };
  std::function<void(Client&)> send = [&](Client& c) {
    c.kind = 0;
    Req r = make(c.t, c.i++, &c.kind);
    c.req = {r.verb, r.target, 11};
    c.req.set(http::field::host, "127.0.0.1");
    c.req.set(http::field::authorization, "Bearer " + (r.token.empty() ? token : r.token));
    c.req.keep_alive(true);
    if (r.verb == http::verb::post) {
      c.req.set(http::field::content_type, r.content_type);
      c.req.body() = std::move(r.body);
    }
    c.req.prepare_payload();
    c.t0 = Wall::now();
    http::async_write(c.sock, c.req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!stop) {
          ++g_failures;
          failed(c.t, c.kind, 0, ec.message());
        }
        return;
      }
      c.parser.emplace();
      c.parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // history pages can be large
      http::async_read(c.sock, c.buf, *c.parser, [&](beast::error_code ec, std::size_t) {
        if (stop) return;  // answered after the run: not counted
        if (ec) {
          ++g_failures;
          return failed(c.t, c.kind, 0, ec.message());
        }
        auto res = c.parser->release();
        const int st = static_cast<int>(res.result_int());
        if (options.keep_latency) {
          window.lat_us.push_back(std::chrono::duration<double, std::micro>(Wall::now() - c.t0).count());
        }
        if (st >= 200 && st < 300) {
          ++window.ok;
          window.bytes += res.body().size();
          count(out.ok_by_kind, c.kind);
          if (options.on_ok) options.on_ok(c.t, c.kind, res.body());
        } else {
          ++window.non2xx;
          ++g_failures;
          count(out.non2xx_by_kind, c.kind);
          failed(c.t, c.kind, st, res.body());
        }
        send(c);
      });
    });
  };
  const auto start = Wall::now();
  auto window_start = start;
  // Ends the current window: adds it to the run, hands it to on_window.
  auto close_window = [&] {
    const auto now = Wall::now();
    window.seconds = std::chrono::duration<double>(now - window_start).count();
    window_start = now;
    out.ok += window.ok;
    out.non2xx += window.non2xx;
    out.bytes += window.bytes;
    out.lat_us.insert(out.lat_us.end(), window.lat_us.begin(), window.lat_us.end());
    if (options.on_window) {
      std::sort(window.lat_us.begin(), window.lat_us.end());
      options.on_window(window);
    }
    window = {};
  };
  auto dur = [](double s) { return std::chrono::duration_cast<Wall::duration>(std::chrono::duration<double>(s)); };
  net::steady_timer end_timer(io, dur(options.seconds));
  net::steady_timer window_timer(io);
  end_timer.async_wait([&](beast::error_code) {
    // Requests in flight are answered and not counted; none is sent after.
    stop = true;
    out.seconds = std::chrono::duration<double>(Wall::now() - start).count();
    close_window();
    window_timer.cancel();
  });
  std::function<void(int)> arm = [&](int n) {
    if (options.window_seconds * n >= options.seconds - 1e-3) return;  // the end closes the last window
    window_timer.expires_at(start + dur(options.window_seconds * n));
    window_timer.async_wait([&, n](beast::error_code ec) {
      if (ec || stop) return;
      close_window();
      arm(n + 1);
    });
  };
  if (options.window_seconds > 0) arm(1);
  for (auto& c : clients) send(*c);
  io.run();
  return out;
}

}  // namespace assure::bench::http_load
