// assure serve: open the store, assemble the application and serve until
// SIGTERM/SIGINT; exit 0 after a graceful shutdown, 2 on start-up errors.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "server/application.h"
#include "server/dispatcher.h"
#include "server/json_log_formatter.h"
#include "server/runtime_metrics.h"
#include "server/commands.h"
#include "server/personal_data.h"
#include "server/routes.h"
#include "server/server.h"
#include "server/systemd_notify.h"
#include "storage/event_store.h"

namespace assure::server {

namespace {

constexpr const char* kLogPattern = "%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v";

// The request log's lines (one per request) reach stderr in blocks: when
// 64 KiB have gathered, at least every second, at once for a warning or an
// error, and on exit. Written line by line, they had cost three write calls
// each on the I/O threads.
class BlockStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BlockStderrSink() override { flush_(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    buffer_.append(line.data(), line.size());
    if (buffer_.size() >= 64 * 1024) flush_();
  }
  void flush_() override {
    if (buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stderr);
    std::fflush(stderr);
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

void UseStderrLogger() {
  auto logger = spdlog::stderr_color_mt("assure");
  logger->set_pattern(kLogPattern, spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  auto requests = std::make_shared<spdlog::logger>(std::string(kRequestLogger),
                                                   std::make_shared<BlockStderrSink>());
  requests->set_pattern(kLogPattern, spdlog::pattern_time_type::utc);
  requests->flush_on(spdlog::level::warn);
  spdlog::register_logger(requests);
  spdlog::flush_every(std::chrono::seconds(1));
}

// A newcomer's first start: on a store that has never had a token (a new
// one, or one `ops/run --demo` has just imported the demo programmes into),
// one admin token is issued, shown once on the terminal and written to
// <data>/first-admin-token, readable by the owner only (0600), so that
// `ops/run` leads straight to signing in. Never again: the token stays on
// record (revoked or not). Errors: the token's issue or the file's write
// (nothing is served then; the next start does not issue another).
Status FirstStartToken(Application& app, const std::string& data) {
  if (!app.token_index().List().empty()) return {};
  auth::IssueTokenRequest req;
  req.name = "First administrator";
  req.role = auth::Role::kAdmin;
  auto issued = app.tokens().Issue(req, "cli:first start", "first-start");
  if (!issued.ok()) return issued.error();
  const std::string path = (std::filesystem::path(data) / "first-admin-token").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const std::string line = issued->secret + "\n";
  const bool written = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!written) {
    return MakeError(ErrorCode::kInternal, "could not write " + path + " (the first admin token, " +
                                               issued->record.issued.token_id + "): revoke it and create another");
  }
  // On a terminal only: stderr sent to a file or a journal is a log, and no
  // token is ever logged (the file holds it).
  if (::isatty(STDERR_FILENO) == 1) {
    std::fprintf(stderr, "\nassure serve: a new store. An admin token was created for you (shown once):\n\n  %s\n\n",
                 issued->secret.c_str());
  }
  std::fprintf(stderr,
               "assure serve: the first admin token is in %s (readable only by you): sign in with it, keep it\n"
               "somewhere safe, then delete the file. Create people's own tokens from the dashboard or with\n"
               "`assure token create`.\n",
               path.c_str());
  spdlog::info("first start: admin token {} created; its secret is in {}", issued->record.issued.token_id, path);
  return {};
}

int Serve(const std::string& data, const std::string& listen_flag, const std::string& config_file,
          const std::string& log_format_flag) {
  UseStderrLogger();
  ServerConfig config;
  if (!config_file.empty()) {
    auto loaded = LoadServerConfigFile(config_file, config);
    if (!loaded.ok()) {
      std::fprintf(stderr, "assure serve: %s\n", loaded.error().message.c_str());
      return 2;
    }
    config = std::move(loaded).value();
  }
  if (!log_format_flag.empty()) config.log_format = log_format_flag;
  if (config.log_format == "json") UseJsonLogFormat();
  std::string listen = listen_flag;
  if (listen.empty()) {
    const char* env = std::getenv("ASSURE_LISTEN");
    if (env && *env) listen = env;
  }
  if (!listen.empty()) {
    Status st = ParseListen(listen, config);
    if (!st.ok()) {
      std::fprintf(stderr, "assure serve: %s\n", st.error().message.c_str());
      return 2;
    }
  }
  storage::StoreOptions store_options;
  store_options.min_free_bytes = config.store_min_free_bytes;
  store_options.memtable_bytes = config.store_memtable_bytes;
  store_options.block_cache_bytes = config.store_block_cache_bytes;
  store_options.partitioned_index = config.store_partitioned_index;
  store_options.stream_heads_bytes = config.store_stream_heads_bytes;
  // Group commits, for GET /metrics.
  auto commit_metrics = std::make_shared<CommitMetrics>();
  store_options.on_commit = [commit_metrics](const storage::CommitSample& s) { commit_metrics->Record(s); };
  auto opened = storage::OpenRocksStore(data, store_options);
  if (!opened.ok()) {
    std::fprintf(stderr, "assure serve: %s\n", opened.error().message.c_str());
    return 2;
  }
  std::shared_ptr<storage::EventStore> store(std::move(opened).value());
  // Before anything reads the log: a wrong or missing master key stops the
  // server here, rather than serving placeholders (or ciphertext) as names.
  Status vault = InstallPersonalData(store, data, config.master_key_file, /*writable=*/true, "assure serve");
  if (!vault.ok()) {
    std::fprintf(stderr, "assure serve: %s\n", vault.error().message.c_str());
    return 2;
  }
  ApplicationOptions app_options;
  app_options.commit_metrics = commit_metrics;
  auto app = Application::Create(store, config, std::move(app_options));
  if (!app.ok()) {
    std::fprintf(stderr, "assure serve: %s\n", app.error().message.c_str());
    return 2;
  }
  // Listen at once: the read models catch up on the warm-up thread, and
  // until they have, /healthz is alive and everything else answers 503.
  Status installed = InstallRoutes(**app, data, /*warm_up_in_background=*/true);
  if (!installed.ok()) {
    std::fprintf(stderr, "assure serve: %s\n", installed.error().message.c_str());
    return 2;
  }
  if (Status first = FirstStartToken(**app, data); !first.ok()) {
    std::fprintf(stderr, "assure serve: %s\n", first.error().message.c_str());
    return 2;
  }
  if (!(*app)->token_index().HasUsableAdmin((*app)->clock().NowMicros())) {
    std::fprintf(stderr,
                 "assure serve: no usable admin token exists. Stop the server and create one:\n"
                 "  assure token create --role admin --name \"Your Name\" --data %s\n"
                 "(the token is printed once, on stdout; keep it safe)\n",
                 data.c_str());
  }
  int code = 0;
  {
    Server server(**app);
    // Before Start, which logs "listening on": whoever signals on seeing
    // that line (ops/run, systemd, the tests) gets a graceful stop, not
    // the signal's default action. A signal that comes first waits for
    // the I/O threads.
    server.HandleSignals();
    Status started = server.Start();
    if (!started.ok()) {
      std::fprintf(stderr, "assure serve: %s\n", started.error().message.c_str());
      return 2;
    }
    // systemd (Type=notify, ops/assure.service): ready once listening.
    NotifySystemd("READY=1\nSTATUS=listening");
    code = server.Wait();
  }
  // A stop while the read models are still being restored: the warm-up
  // thread logs when it ends, so the application (which joins it) goes
  // before the loggers do (it logged into a shut-down spdlog: SIGSEGV).
  app->reset();
  UninstallPersonalData();
  // The store is closed (its lock released) before "stopped" is said: a
  // start issued on seeing it must not find the store in use.
  store.reset();
  spdlog::info("stopped");
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
  spdlog::shutdown();
  return code;
}

}  // namespace

void RegisterServe(CLI::App& app, Run& run) {
  struct Args {
    std::string data = DefaultDataDir();
    std::string listen;
    std::string config;
    std::string log_format;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API and the live feed");
  cmd->add_option("--data", args->data, "Store directory (env ASSURE_DATA)")->capture_default_str();
  cmd->add_option("--listen", args->listen,
                  "HOST:PORT to listen on (env ASSURE_LISTEN; default 127.0.0.1:8080)");
  cmd->add_option("--config", args->config,
                  "JSON file with limits, timeouts and rates (see server/server_config.h)");
  cmd->add_option("--log-format", args->log_format,
                  "text (default: one line per event) or json (one JSON object per line); "
                  "overrides the config's log_format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &run] {
    run = [args] { return Serve(args->data, args->listen, args->config, args->log_format); };
  });
}

}  // namespace assure::server
