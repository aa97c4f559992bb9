// Crash safety: a child process appends as fast as it can and reports every
// acknowledged append on a pipe; the parent SIGKILLs it at a random moment,
// reopens the store and checks that every acknowledged event is there,
// intact, and that the chain verifies. Repeated on the same store.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "storage/codec.h"
#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

struct Acked {
  std::uint64_t position;
  std::uint32_t thread;
  std::uint32_t version;
};

// Runs the child for about `run_ms` after its first acknowledgement, kills it,
// returns what it acknowledged.
std::vector<Acked> RunAndKill(const std::string& dir, int run_ms) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string fd = std::to_string(fds[1]);
    ::execl(ASSURE_CRASH_CHILD, ASSURE_CRASH_CHILD, dir.c_str(), fd.c_str(), "4",
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(fds[1]);
  std::vector<Acked> acked;
  std::string buf;
  auto drain = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::read(fds[0], tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
    while (buf.size() >= 16) {
      std::uint64_t who = GetU64(buf.data() + 8);
      acked.push_back({GetU64(buf.data()), static_cast<std::uint32_t>(who >> 32),
                       static_cast<std::uint32_t>(who)});
      buf.erase(0, 16);
    }
    return true;
  };
  // The run starts at the first acknowledgement: starting the child (a
  // sanitizer build on a loaded machine can take longer than run_ms) is not
  // what is tested, and a kill before it would leave nothing to check.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (acked.empty() && std::chrono::steady_clock::now() < give_up) drain(5);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
  while (std::chrono::steady_clock::now() < deadline) drain(5);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself, status " << status;
  while (drain(0)) {
  }
  ::close(fds[0]);
  return acked;
}

TEST(CrashTest, EveryAcknowledgedEventSurvivesSigkill) {
  testing::TempDir dir;
  const std::string db = dir.sub("db");
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> ms(100, 600);
  std::size_t total_acked = 0;
  for (int round = 0; round < 6; ++round) {
    auto acked = RunAndKill(db, ms(rng));
    ASSERT_FALSE(acked.empty()) << "round " << round << ": the writer acknowledged nothing";
    total_acked += acked.size();
    auto opened = OpenRocksStore(db);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto& store = **opened;
    for (const auto& a : acked) {
      auto e = store.ReadEvent(a.position);
      ASSERT_TRUE(e.ok()) << "round " << round << ": acknowledged position " << a.position
                          << " is missing";
      ASSERT_EQ(e->stream_id, "crash-" + std::to_string(a.thread));
      ASSERT_EQ(e->stream_version, a.version);
      auto data = nlohmann::json::parse(e->data);
      ASSERT_EQ(data["s"], a.version);
      ASSERT_EQ(data["t"], a.thread);
    }
    auto v = store.Verify(0, 0);
    ASSERT_TRUE(v.ok());
    ASSERT_TRUE(v->ok) << "round " << round << ": " << v->problem << " at "
                       << v->first_bad_position;
    EXPECT_GE(store.Head().position, acked.back().position);
  }
  std::printf("crash test: %zu acknowledged appends over 6 kills, all recovered\n", total_acked);
}

}  // namespace
}  // namespace assure::storage
