// What the tests that run `assure` as a child process share: a scratch
// directory, a file's bytes, a shell command's exit code and stdout, and
// `assure serve` as a child process.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace assure::server::testing {

// <tmp>/<name>-<pid>, empty on construction, removed on destruction.
struct ScratchDir {
  explicit ScratchDir(std::string_view name)
      : path(std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path path;
};

// The file's bytes ("" if it cannot be read).
inline std::string Slurp(const std::filesystem::path& f);

// Whether any file under `dir` holds `needle` (a secret that must not be
// stored, or a value that must have left the store's files).
inline bool AnyFileContains(const std::filesystem::path& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && Slurp(entry.path()).find(needle) != std::string::npos) return true;
  }
  return false;
}

// The file's bytes ("" if it cannot be read).
inline std::string Slurp(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs a shell command; returns (exit code, stdout); stderr goes to err_file.
inline std::pair<int, std::string> RunCommand(const std::string& cmd, const std::filesystem::path& err_file) {
  FILE* p = ::popen((cmd + " 2>" + err_file.string()).c_str(), "r");
  std::string out;
  char buf[512];
  while (p && std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = p ? ::pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// `assure serve --data DATA --listen 127.0.0.1:0` as a child process, with
// `config` (JSON text; "" for none) as its --config file `<dir>/<name>.json`
// and its stderr in `<dir>/<name>.log` (a new name for each server started
// in one directory: a log still holding an old port would mislead). Waits up
// to 60 s for "listening on 127.0.0.1:PORT" (port() stays 0 otherwise).
// Stopped with SIGTERM and waited for by Stop() or the destructor.
class ServeChild {
 public:
  ServeChild(const std::filesystem::path& dir, const std::filesystem::path& data, const std::string& config,
             const std::string& name = "serve")
      : log_(dir / (name + ".log")) {
    const std::filesystem::path config_file = dir / (name + ".json");
    if (!config.empty()) std::ofstream(config_file) << config;
    const std::string bin = ASSURE_BIN;
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stderr);
      if (config.empty()) {
        ::execl(bin.c_str(), bin.c_str(), "serve", "--data", data.c_str(), "--listen", "127.0.0.1:0",
                static_cast<char*>(nullptr));
      } else {
        ::execl(bin.c_str(), bin.c_str(), "serve", "--data", data.c_str(), "--listen", "127.0.0.1:0", "--config",
                config_file.c_str(), static_cast<char*>(nullptr));
      }
      ::_exit(127);
    }
    port_ = PortOf("listening");
  }
  ~ServeChild() { Stop(); }
  ServeChild(const ServeChild&) = delete;
  ServeChild& operator=(const ServeChild&) = delete;

  // The port of the log's line "<what> on 127.0.0.1:PORT", waiting up to
  // 60 s for it (0 if none came).
  std::uint16_t PortOf(const std::string& what) const {
    const std::regex line(what + " on 127\\.0\\.0\\.1:(\\d+)");
    for (int i = 0; i < 6000 && pid_ > 0; ++i) {
      std::smatch m;
      const std::string text = Slurp(log_);
      if (std::regex_search(text, m, line)) return static_cast<std::uint16_t>(std::stoi(m[1]));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  void Signal(int sig) const { ::kill(pid_, sig); }
  std::string log() const { return Slurp(log_); }
  // Hands the process to the caller, who signals and waits for it.
  pid_t Detach() { return std::exchange(pid_, -1); }
  // SIGTERM (unless it has exited already) and its exit code (-1: killed by a signal).
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace assure::server::testing
