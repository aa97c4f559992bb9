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

#include "tests/server/child_process.h"

namespace assure::server::testing {
namespace {

namespace fs = std::filesystem;

TEST(ServiceUnitTest, PassesSystemdAnalyzeVerifyWithItsHardening) {
  const std::string unit = Slurp(ASSURE_UNIT_FILE);
  for (const char* key : {"Type=notify", "User=assure", "NoNewPrivileges=yes", "ProtectSystem=strict",
                          "ReadWritePaths=/var/lib/assure /var/lib/assure-backups", "StateDirectory=assure assure-backups",
                          "StateDirectoryMode=0700", "UMask=0077",
                          "Restart=on-failure"}) {
    EXPECT_NE(unit.find(std::string("\n") + key + "\n"), std::string::npos) << key;
  }
  // Verified as installed, with ExecStart at the binary just built.
  ScratchDir scratch("assure-unit");
  const fs::path& dir = scratch.path;
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
  ScratchDir scratch("assure-notify");
  const fs::path& dir = scratch.path;
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
  EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready << Slurp(log);
  EXPECT_NE(Slurp(log).find("listening on"), std::string::npos) << "ready only once listening";
  ::kill(pid, SIGTERM);
  EXPECT_EQ(Receive(fd, 60000), "STOPPING=1");
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Slurp(log);
  ::close(fd);
}

}  // namespace
}  // namespace assure::server::testing
