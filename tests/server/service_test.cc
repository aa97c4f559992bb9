// Running Assure as a systemd service: ops/assure.service passes
// `systemd-analyze verify` with no warning and keeps its hardening, and
// `assure serve` tells systemd (Type=notify) when it is ready and when it
// is stopping, through $NOTIFY_SOCKET.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& f) {
  std::ifstream in(f);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path FreshDir(const char* name) {
  fs::path p = fs::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

TEST(ServiceUnitTest, PassesSystemdAnalyzeVerifyWithItsHardening) {
  const std::string unit = ReadText(ASSURE_UNIT_FILE);
  for (const char* key : {"Type=notify", "User=assure", "NoNewPrivileges=yes", "ProtectSystem=strict",
                          "ReadWritePaths=/var/lib/assure", "StateDirectoryMode=0700", "UMask=0077",
                          "Restart=on-failure"}) {
    EXPECT_NE(unit.find(std::string("\n") + key + "\n"), std::string::npos) << key;
  }
  // Verified as installed, with ExecStart at the binary just built.
  const fs::path dir = FreshDir("assure-unit");
  const std::string local = std::regex_replace(unit, std::regex("ExecStart=/usr/local/bin/assure"),
                                               std::string("ExecStart=") + ASSURE_BIN);
  std::ofstream(dir / "assure.service") << local;
  FILE* p = ::popen(("systemd-analyze verify " + (dir / "assure.service").string() + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = ::pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_EQ(out, "") << "any warning (an unknown key is only a warning) fails";
  fs::remove_all(dir);
}

// Receives one datagram within `ms`; "" on timeout.
std::string Receive(int fd, int ms) {
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, ms) != 1) return {};
  char buf[512];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

TEST(SystemdNotifyTest, ReadyOnceListeningAndStoppingOnSigterm) {
  const fs::path dir = FreshDir("assure-notify");
  const fs::path socket_path = dir / "notify.sock";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const std::string bin = ASSURE_BIN, data = (dir / "data").string(), log = (dir / "serve.log").string();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
    std::freopen(log.c_str(), "w", stderr);
    ::execl(bin.c_str(), bin.c_str(), "serve", "--data", data.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string ready = Receive(fd, 60000);
  EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready << ReadText(log);
  EXPECT_NE(ReadText(log).find("listening on"), std::string::npos) << "ready only once listening";
  ::kill(pid, SIGTERM);
  EXPECT_EQ(Receive(fd, 60000), "STOPPING=1");
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadText(log);
  ::close(fd);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace assure::server::testing
