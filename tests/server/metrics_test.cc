// GET /metrics (README "Watching it") on `assure serve` run as a child
// process: admin-only on the main listener (401 without a token, 403 for a
// viewer), unauthenticated on metrics_listen; two scrapes around requests
// and writes parse as the text format (a small parser below), carry every
// required family, and the counters moved. The server logs in the JSON
// format meanwhile: every log line it writes is one JSON object.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/server/child_process.h"
#include "tests/server/test_client.h"

// A namespace of its own: server_test's unity batches join this file with
// others that have a ChildServer of their own.
namespace assure::server::testing::metrics_e2e {
namespace {

namespace fs = std::filesystem;

// One scrape, parsed: samples by their full series text ("name{labels}"),
// the TYPE of each family, and what was wrong with it (empty: valid).
struct Scrape {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  std::vector<std::string> errors;

  double Value(const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? -1 : it->second;
  }
  bool HasFamily(const std::string& name) const { return types.count(name) > 0; }
};

// The family a sample belongs to: its name, less a histogram's suffix.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      if (auto it = types.find(base); it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

Scrape Parse(const std::string& text) {
  Scrape s;
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))");
  // name, optional {label="value",...} (escapes \\ \" \n only), value.
  static const std::regex sample(
      R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? ([-+]?(?:[0-9.eE+-]+|Inf|NaN)))re");
  std::istringstream in(text);
  std::string line;
  std::string family;  // the family being written
  std::set<std::string> finished;
  if (text.empty() || text.back() != '\n') s.errors.push_back("does not end with a newline");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) continue;
    if (std::regex_match(line, m, type)) {
      if (s.types.count(m[1])) s.errors.push_back("family twice: " + line);
      s.types[m[1]] = m[2];
      if (!family.empty()) finished.insert(family);
      family = m[1];
      continue;
    }
    if (!std::regex_match(line, m, sample)) {
      s.errors.push_back("not a sample: " + line);
      continue;
    }
    const std::string name = m[1];
    const std::string of = FamilyOf(name, s.types);
    if (of != family) s.errors.push_back("sample outside its family: " + line);
    const std::string series = name + std::string(m[2]);
    if (s.samples.count(series)) s.errors.push_back("series twice: " + line);
    const std::string v = m[5];
    s.samples[series] = v == "+Inf" ? 1e300 : v == "NaN" ? 0 : std::stod(v);
  }
  return s;
}

// Every histogram series: buckets cumulative, +Inf equal to _count.
void ExpectHistogramsConsistent(const Scrape& s) {
  for (const auto& [family, type] : s.types) {
    if (type != "histogram") continue;
    bool any = false;
    for (const auto& [series, value] : s.samples) {
      if (series.rfind(family + "_count", 0) != 0) continue;
      any = true;
      const std::string labels = series.substr(family.size() + 6);  // "" or "{...}"
      const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2) + ",";
      const double inf = s.Value(family + "_bucket{" + inner + "le=\"+Inf\"}");
      EXPECT_EQ(inf, value) << series;
      EXPECT_GE(s.Value(family + "_sum" + labels), 0) << series;
      std::vector<std::pair<double, double>> buckets;  // (le, count)
      const std::string prefix = family + "_bucket{" + inner + "le=\"";
      for (const auto& [b, count] : s.samples) {
        if (b.rfind(prefix, 0) != 0) continue;
        const std::string le = b.substr(prefix.size(), b.size() - prefix.size() - 2);
        buckets.emplace_back(le == "+Inf" ? 1e300 : std::stod(le), count);
      }
      std::sort(buckets.begin(), buckets.end());
      EXPECT_GE(buckets.size(), 2u) << series;
      for (std::size_t i = 1; i < buckets.size(); ++i) {
        EXPECT_LE(buckets[i - 1].second, buckets[i].second) << series << " is not cumulative";
      }
    }
    EXPECT_TRUE(any) << family << " has no series";
  }
}

// A server with a metrics listener and JSON logs, on `dir`/data.
class ChildServer : public ServeChild {
 public:
  explicit ChildServer(const fs::path& dir)
      : ServeChild(dir, dir / "data",
                   R"({"rate_limit":{"enabled":false},"metrics_listen":"127.0.0.1:0","log_format":"json"})"),
        data_(dir / "data"),
        metrics_port_(PortOf("metrics")) {}
  std::uint16_t metrics_port() const { return metrics_port_; }
  const fs::path& data() const { return data_; }

 private:
  fs::path data_;
  std::uint16_t metrics_port_ = 0;
};

const char* const kRequiredFamilies[] = {
    "assure_http_requests_total",          "assure_http_request_duration_seconds",
    "assure_store_group_commit_appends",   "assure_store_commit_write_seconds",
    "assure_store_committed_events_total", "assure_store_commit_queue_depth",
    "assure_store_answer_queue_depth",     "assure_store_head_position",
    "assure_store_writes_suspended",       "assure_store_disk_bytes",
    "assure_store_disk_free_bytes",        "assure_rocksdb_live_data_bytes",
    "assure_rocksdb_sst_files_bytes",      "assure_rocksdb_memtable_bytes",
    "assure_rocksdb_pending_compaction_bytes", "assure_rocksdb_running_compactions",
    "assure_rocksdb_block_cache_bytes",    "assure_rocksdb_block_cache_pinned_bytes",
    "assure_worker_threads",               "assure_worker_busy_threads",
    "assure_worker_queue_depth",           "assure_entity_writer_in_flight",
    "assure_projection_position",          "assure_projection_lag_events",
    "assure_read_model_cold_row_failures_total",
    "assure_live_subscribers",             "assure_live_client_overflows_total",
    "assure_live_backlog_events",          "assure_checkpoint_age_seconds",
    "assure_checkpoint_tree_size",         "assure_metrics_collector_failures_total",
    "process_resident_memory_bytes",
#ifdef ASSURE_JEMALLOC
    "assure_allocator_allocated_bytes",    "assure_allocator_active_bytes",
    "assure_allocator_resident_bytes",     "assure_allocator_retained_bytes",
#endif
};

TEST(MetricsTest, AdminOnlyOnTheMainListenerOpenOnMetricsListenAndCountersMove) {
  ScratchDir dir("assure-metrics");
  ChildServer server(dir.path);
  ASSERT_NE(server.port(), 0) << server.log();
  ASSERT_NE(server.metrics_port(), 0) << server.log();
  std::string admin = Slurp(server.data() / "first-admin-token");
  ASSERT_FALSE(admin.empty()) << server.log();
  admin.pop_back();
  bool ready = false;
  for (int i = 0; i < 3000 && !ready; ++i) {
    ready = Call(server.port(), "GET", "/readyz").status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(ready) << server.log();

  // Refused without a token (401) and for a viewer (403), as problem+json.
  const HttpReply anonymous = Call(server.port(), "GET", "/metrics");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("Content-Type"), "application/problem+json");
  const HttpReply viewer_token =
      Call(server.port(), "POST", "/api/v1/tokens", R"({"name":"watcher","role":"viewer"})",
           Bearer(admin, {{"Content-Type", "application/json"}}));
  ASSERT_EQ(viewer_token.status, 201) << viewer_token.body;
  const HttpReply viewer = Call(server.port(), "GET", "/metrics", {}, Bearer(viewer_token.Json()["token"]));
  EXPECT_EQ(viewer.status, 403);
  EXPECT_EQ(viewer.Header("Content-Type"), "application/problem+json");

  const HttpReply first = Call(server.port(), "GET", "/metrics", {}, Bearer(admin));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const Scrape before = Parse(first.body);
  EXPECT_TRUE(before.errors.empty()) << before.errors.front();

  // Writes (tokens, a checkpoint), a templated route, an unknown path.
  for (int i = 0; i < 3; ++i) {
    const HttpReply r = Call(server.port(), "POST", "/api/v1/tokens",
                             R"({"name":"load )" + std::to_string(i) + R"(","role":"viewer"})",
                             Bearer(admin, {{"Content-Type", "application/json"}}));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  EXPECT_EQ(Call(server.port(), "POST", "/api/v1/audit/checkpoint", {}, Bearer(admin)).status, 201);
  Call(server.port(), "GET", "/api/v1/streams/secret-raw-id-123", {}, Bearer(admin));
  EXPECT_EQ(Call(server.port(), "GET", "/no/such/path").status, 404);

  // The second scrape from the metrics listener: no token needed there. A
  // request is counted after its answer is sent, so the scrape may race the
  // last request's count: scrape until it shows (bounded), then check.
  const std::string created = R"(assure_http_requests_total{method="POST",route="/api/v1/tokens",status="201"})";
  const std::string streams = R"(assure_http_request_duration_seconds_count{method="GET",route="/api/v1/streams/{id}"})";
  const std::string unmatched = R"(assure_http_requests_total{method="other",route="unmatched",status="404"})";
  HttpReply second;
  Scrape after;
  for (int i = 0; i < 500; ++i) {
    second = Call(server.metrics_port(), "GET", "/metrics");
    if (second.status != 200) break;
    after = Parse(second.body);
    if (after.Value(streams) >= 1 && after.Value(unmatched) >= 1 && after.Value(created) >= before.Value(created) + 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_TRUE(after.errors.empty()) << after.errors.front();
  for (const char* family : kRequiredFamilies) EXPECT_TRUE(after.HasFamily(family)) << family;
  EXPECT_EQ(after.types.at("assure_http_requests_total"), "counter");
  EXPECT_EQ(after.types.at("assure_http_request_duration_seconds"), "histogram");
  ExpectHistogramsConsistent(after);

  EXPECT_GE(after.Value(created), before.Value(created) + 3);
  EXPECT_GE(after.Value(R"(assure_http_requests_total{method="GET",route="/metrics",status="200"})"), 1);
  EXPECT_GE(after.Value(R"(assure_http_requests_total{method="GET",route="/metrics",status="401"})"), 1);
  EXPECT_GE(after.Value(R"(assure_http_requests_total{method="other",route="unmatched",status="404"})"), 1);
  EXPECT_GE(after.Value(R"(assure_http_request_duration_seconds_count{method="GET",route="/api/v1/streams/{id}"})"), 1);
  EXPECT_EQ(second.body.find("secret-raw-id-123"), std::string::npos) << "a raw path became a label";
  EXPECT_GE(after.Value("assure_store_group_commit_appends_count"),
            before.Value("assure_store_group_commit_appends_count") + 3);
  EXPECT_GT(after.Value("assure_store_committed_events_total"), before.Value("assure_store_committed_events_total"));
  EXPECT_GT(after.Value("assure_store_head_position"), before.Value("assure_store_head_position"));
  EXPECT_GT(after.Value("assure_store_commit_write_seconds_count"), before.Value("assure_store_commit_write_seconds_count"));
  EXPECT_EQ(after.Value("assure_store_writes_suspended"), 0);
  EXPECT_GT(after.Value("assure_store_disk_bytes"), 0);
  EXPECT_GE(after.Value("assure_checkpoint_age_seconds"), 0);
  EXPECT_GT(after.Value("assure_checkpoint_tree_size"), 0);
  EXPECT_GE(after.Value("assure_projection_lag_events"), 0);
  EXPECT_EQ(after.Value("assure_read_model_cold_row_failures_total"), 0);
  EXPECT_EQ(after.Value("assure_metrics_collector_failures_total"), 0);
  EXPECT_GT(after.Value("process_resident_memory_bytes"), 1 << 20);
#ifdef ASSURE_JEMALLOC
  EXPECT_GT(after.Value("assure_allocator_allocated_bytes"), 0);
  EXPECT_GE(after.Value("assure_allocator_resident_bytes"), after.Value("assure_allocator_allocated_bytes"));
#endif

  // The metrics listener serves nothing else.
  EXPECT_EQ(Call(server.metrics_port(), "GET", "/api/v1/tokens").status, 404);
  EXPECT_EQ(Call(server.metrics_port(), "POST", "/metrics").status, 405);

  // JSON logs: every line the server logged is one JSON object (the
  // first-start notice printed for a person on the terminal aside).
  server.Stop();
  std::istringstream log(server.log());
  std::string line;
  int objects = 0;
  int request_lines = 0;
  int other_lines = 0;
  while (std::getline(log, line)) {
    if (line.empty() || line.front() != '{') {
      // Notices for the person at the terminal ("assure serve: ...", the
      // first-start token notice's two continuation lines), not log lines.
      if (line.rfind("assure serve:", 0) != 0) ++other_lines;
      continue;
    }
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ASSERT_TRUE(j.contains("time") && j.contains("level") && j.contains("msg")) << line;
    ++objects;
    if (j.contains("method") && j.contains("status") && j.contains("correlation_id")) ++request_lines;
  }
  EXPECT_LE(other_lines, 2) << server.log();
  EXPECT_GT(objects, 5);
  EXPECT_GE(request_lines, 8);
}

}  // namespace
}  // namespace assure::server::testing::metrics_e2e
