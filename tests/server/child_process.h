// What the tests that run `assure` as a child process share: a scratch
// directory, a file's bytes, and a shell command's exit code and stdout.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
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

}  // namespace assure::server::testing
