// A writer that appends as fast as it can until it is killed, reporting each
// acknowledged append on a pipe. Used by crash_test.cc.
//
// usage: storage_crash_child DIR FD THREADS
// Each thread t appends to stream "crash-t" with exact expected versions; the
// event's data is {"t":t,"s":s,"pad":...} where s is the stream version. On
// every ack it writes 16 bytes (u64 position, u64 t<<32|s) to FD; a 16-byte
// write to a pipe is atomic.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "storage/codec.h"
#include "storage/event_store.h"

using namespace assure::storage;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR FD THREADS\n", argv[0]);
    return 2;
  }
  auto store = OpenRocksStore(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    return 1;
  }
  const int fd = std::atoi(argv[2]);
  const int threads = std::atoi(argv[3]);
  const std::string pad(300, 'p');
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const std::string stream = "crash-" + std::to_string(t);
      auto info = (*store)->GetStreamInfo(stream);
      std::uint64_t s = info->exists ? info->current_version + 1 : 0;
      for (;; ++s) {
        ProposedEvent e;
        e.type = "CrashTest";
        e.data = R"({"pad":")" + pad + R"(","s":)" + std::to_string(s) + R"(,"t":)" +
                 std::to_string(t) + "}";
        std::vector<ProposedEvent> events;
        events.push_back(std::move(e));
        auto ev = s == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(s - 1);
        auto r = (*store)->Append(stream, ev, std::move(events));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.error().message.c_str());
          std::_Exit(1);
        }
        std::string msg = U64Key(r->first_position) + U64Key((std::uint64_t(t) << 32) | s);
        if (::write(fd, msg.data(), msg.size()) != 16) std::_Exit(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  return 0;
}
