// The parts of assure-bench-http that every phase shares: the server as a
// child process (one at a time), a synchronous keep-alive connection for
// set-up requests, and DriveHttp, the load generator (many keep-alive
// connections driven by one thread with asynchronous I/O).
//
// Loopback only. Failures in set-up are fatal (Die stops the server and
// exits 1): a benchmark that cannot build its network has nothing to report.
#pragma once

#include <sys/types.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace assure::bench::http_load {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using Wall = std::chrono::steady_clock;

// The running server's pid (-1: none). Read by the watchdog.
pid_t ServerPid();
// SIGTERM, up to 20 s for a graceful stop, then SIGKILL.
void StopServer();
[[noreturn]] void Die(const std::string& why);

// The q-quantile of ascending `sorted` (0 for none).
double Pct(const std::vector<double>& sorted, double q);
std::uint16_t FreePort();
// Runs a shell command; its stdout without the trailing newline. Dies on failure.
std::string Run(const std::string& cmd);
// The resident set of a process in kB (VmRSS), -1 if unreadable.
long RssKb(pid_t pid);

// Starts `bin serve --data store --listen 127.0.0.1:port --config config`
// with stderr to `log`, without waiting (the child dies with this process).
void SpawnServer(const std::string& bin, const std::string& store, const std::string& config,
                 const std::string& log, std::uint16_t port);
// Waits until the port accepts (up to `seconds`); dies if the server exits.
void WaitListening(std::uint16_t port, const std::string& log, double seconds = 30);
// One GET on a fresh connection: the status, 0 if it could not be had
// (refused, reset, or no answer within 60 s).
int TryGet(std::uint16_t port, const std::string& target);

// The value of an unlabelled sample `name` in GET /metrics (an admin's
// token), -1 if absent or unreadable.
double MetricValue(std::uint16_t port, const std::string& admin_token, const std::string& name);

// A fresh store in `dir`/store with an admin, an editor and a secretary token,
// a config without rate limits (dir/config.json), and the server started and
// listening. Set-up is done as admin; the measured writes as an editor or a
// secretary (an admin's writes are also recorded, one by one, in the
// security log, which is not the workload).
struct Server {
  std::string dir;
  std::uint16_t port = 0;
  std::string admin, editor, secretary;
};
struct ServerOptions {
  int max_connections = 2048;
  int worker_threads = 0;  // 0: the server's default
  std::string config_patch;  // JSON merge patch (RFC 7396) onto the bench's config
  std::string store_from;    // a store copied in as the server's, before it starts (else a fresh one)
};
Server StartFreshServer(const std::string& bin, const std::string& dir, const ServerOptions& options);

// One keep-alive HTTP/1.1 connection to 127.0.0.1:port (synchronous).
class Conn {
 public:
  Conn(std::uint16_t port, std::string token);
  // Status and body; status 0 on a broken connection.
  std::pair<int, std::string> Do(http::verb verb, const std::string& target, const std::string& body = {});

 private:
  net::io_context io_;
  tcp::socket sock_;
  beast::flat_buffer buf_;
  std::string token_;
};

// POST /api/v1/<collection> expecting 201; the new entity's id.
std::string CreateId(Conn& c, const std::string& collection, const json& body);
// POST target expecting 2xx; dies otherwise.
void MustPost(Conn& c, const std::string& target, const json& body);

// What one request of a load run sends.
struct Req {
  http::verb verb = http::verb::get;
  std::string target;
  std::string body;
  std::string token;                               // empty: the run's token
  std::string content_type = "application/json";  // for a POST
};

inline Req Get(std::string target) {
  Req r;
  r.target = std::move(target);
  return r;
}
inline Req Post(std::string target, std::string body, std::string token = {},
                std::string content_type = "application/json") {
  return {http::verb::post, std::move(target), std::move(body), std::move(token), std::move(content_type)};
}

// RAGB ratings a change cycles through (never blue: the created rating).
inline const char* const kRagb[] = {"red", "amber", "green"};

// The responses of a stretch of a load run.
struct Window {
  double seconds = 0;
  std::uint64_t ok = 0, non2xx = 0, bytes = 0;  // bytes: 2xx response bodies
  std::vector<double> lat_us;                   // per response, if kept
  double ops_per_s() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

struct DriveOptions {
  int conns = 32;
  double seconds = 4;
  bool keep_latency = false;
  // If > 0: on_window is called every window_seconds with that stretch's
  // responses (the last, shorter one too), on the driving thread.
  double window_seconds = 0;
  std::function<void(const Window&)> on_window;
  // If set: called with each 2xx response's body (conn, kind, body), on the
  // driving thread, before that connection's next request is made.
  std::function<void(int conn, int kind, const std::string& body)> on_ok;
};

// Kinds of request a Make returns, counted apart in the result (e.g. the
// mixed workload's notes, ratings, meetings...). Make sets *kind (0 default).
struct HttpRun : Window {
  std::vector<std::uint64_t> ok_by_kind, non2xx_by_kind;
};

// Make: Req(int conn, std::uint64_t i, int* kind). Failed: void(int conn, int
// kind, int status, const std::string& body) for each non-2xx (status 0: the
// connection broke, and that connection stops).
using MakeFn = std::function<Req(int conn, std::uint64_t i, int* kind)>;
using FailedFn = std::function<void(int conn, int kind, int status, const std::string& body)>;
// Non-2xx responses and broken connections over every DriveHttp of this
// process (assure-bench-http --strict exits non-zero if any).
std::uint64_t TotalFailures();

HttpRun DriveHttp(std::uint16_t port, const std::string& token, const DriveOptions& options, const MakeFn& make,
                  const FailedFn& failed);

}  // namespace assure::bench::http_load
