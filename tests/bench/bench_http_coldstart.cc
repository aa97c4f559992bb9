// assure-bench-http's coldstart phase: how long `assure serve` takes to
// come up on a store of --coldstart-events (1,000,000) events.
//
// The store is generated once by the benchmarks' network generator
// (network_generator.h: the domain's own Decide functions, so every event is
// one the server's projections fold) straight through the storage library
// with sync off, and kept in --coldstart-store for reruns (a file
// "generated" there names its event count, tail and snapshot format). As a running server
// leaves it (ASSURE_SNAPSHOT_INTERVAL), the store holds the read models'
// snapshot from --coldstart-tail (10,000) events before its end, written
// by the server's own projection runner; a start restores it and replays
// the tail (a tail >= the events: no snapshot, a start replays everything).
// Each start runs on a fresh copy
// of it (SST files hard-linked: RocksDB never changes one in place), so
// every start is the first on that store and a server's own snapshots or
// checkpoints from an earlier start (or an earlier build) are not reused.
// Timed from fork: the port accepts, GET /healthz answers 200, GET /readyz
// answers 200 (polled every 10 ms). The page cache is warm: this is the
// server's own work, not the disk's.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"
#include "storage/event_store.h"
#include "tests/bench/bench_http_phases.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/http_harness.h"
#include "tests/bench/network_generator.h"

namespace assure::bench::http_load {

namespace {

namespace fs = std::filesystem;

// True when `dir` holds a store generated with these figures, its read
// models' snapshot in this build's format (another would be replayed).
bool Generated(const std::string& dir, std::uint64_t events, std::uint64_t tail) {
  std::uint64_t n = 0, t = 0;
  int format = 0;
  std::ifstream in(dir + "/generated");
  return static_cast<bool>(in >> n >> t >> format) && n == events && t == tail &&
         format == api::NetworkProjection::kSnapshotFormat;
}

// What a server's periodic snapshot leaves: the read models restored or
// replayed up to the head, saved with their checkpoint.
void SaveModelSnapshot(storage::EventStore& store) {
  auto network = std::make_shared<api::NetworkProjection>(&store);
  api::ProjectionRunner runner(store, {network});
  Status s = runner.Start();
  if (s.ok()) s = runner.SaveSnapshots();
  if (!s.ok()) Die("saving the read models' snapshot: " + s.error().message);
  std::printf("read models' snapshot saved at position %llu\n", static_cast<unsigned long long>(runner.position()));
}

void Generate(const std::string& dir, std::uint64_t events, std::uint64_t tail) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf("generating %llu events in %s/store (once; kept for reruns)\n", static_cast<unsigned long long>(events),
              dir.c_str());
  std::fflush(stdout);
  const auto start = Wall::now();
  std::uint64_t head = 0;
  {
    storage::StoreOptions so;
    so.sync = false;  // generation is not what is measured
    auto store = storage::OpenRocksStore(dir + "/store", so);
    if (!store.ok()) Die("open " + dir + "/store: " + store.error().message);
    Generator g(**store, events);
    if (tail < events) g.CallAt(events - tail, [&] { SaveModelSnapshot(**store); });
    g.Run();
    head = (*store)->Head().position;
  }
  std::ofstream(dir + "/generated") << events << " " << tail << " " << api::NetworkProjection::kSnapshotFormat << "\n";
  std::printf("generated %llu events in %.0f s\n", static_cast<unsigned long long>(head),
              std::chrono::duration<double>(Wall::now() - start).count());
}

void CopyStore(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::create_directories(to);
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    const fs::path target = to / fs::relative(e.path(), from);
    if (e.is_directory()) {
      fs::create_directories(target);
    } else if (e.path().extension() == ".sst") {
      std::error_code ec;
      fs::create_hard_link(e.path(), target, ec);
      if (ec) fs::copy_file(e.path(), target);
    } else if (e.is_regular_file()) {
      fs::copy_file(e.path(), target);
    }
  }
}

struct StartTimes {
  double accepts = 0, healthz = 0, readyz = 0;
};

StartTimes TimeOneStart(const Options& o, const std::string& run_dir, const std::string& config) {
  const std::string log = run_dir + "/server.log";
  const std::uint16_t port = FreePort();
  const auto t0 = Wall::now();
  auto since = [&] { return std::chrono::duration<double>(Wall::now() - t0).count(); };
  SpawnServer(o.bin, run_dir + "/store", config, log, port);
  StartTimes t;
  WaitListening(port, log, 600);
  t.accepts = since();
  auto until_200 = [&](const std::string& target) {
    while (since() < 600) {
      if (TryGet(port, target) == 200) return since();
      int st = 0;
      if (::waitpid(ServerPid(), &st, WNOHANG) == ServerPid()) Die("assure serve exited; see " + log);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Die(target + " not 200 within 600 s; see " + log);
  };
  t.healthz = until_200("/healthz");
  t.readyz = until_200("/readyz");
  StopServer();
  return t;
}

// The parts of a save and a restore of the read models' snapshot on this
// store: SaveSnapshots holds the runner's lock only while the model is
// copied (SnapshotLater), not while it is rendered.
void TimeSnapshotParts(const std::string& from, const std::string& run_dir) {
  CopyStore(from, run_dir + "/store");
  {
    auto store = storage::OpenRocksStore(run_dir + "/store");
    if (!store.ok()) Die("open " + run_dir + "/store: " + store.error().message);
    auto network = std::make_shared<api::NetworkProjection>(store->get());
    api::ProjectionRunner runner(**store, {network});
    auto t = Wall::now();
    auto ms = [&] {
      const double d = std::chrono::duration<double, std::milli>(Wall::now() - t).count();
      t = Wall::now();
      return d;
    };
    if (Status s = runner.Start(); !s.ok()) Die("restoring the read models: " + s.error().message);
    const double start = ms();
    api::SnapshotRenderer later;
    {
      auto lock = runner.ReadLock();
      later = network->SnapshotLater();
    }
    const double copy = ms();
    std::size_t bytes = 0, parts = 0;
    auto text = later([&](std::string&& part) -> Status {
      bytes += part.size();
      ++parts;
      return {};
    });
    if (!text.ok()) Die("rendering the snapshot: " + text.error().message);
    const double render = ms();
    std::printf("\nRead models' snapshot (%.0f MB in %zu parts): restore + tail %.0f ms; a save holds the lock %.0f ms "
                "(the copy), then renders %.0f ms without it\n",
                static_cast<double>(bytes + text->size()) / 1e6, parts, start, copy, render);
  }
  fs::remove_all(run_dir);
}

}  // namespace

void RunColdstart(const Options& o) {
  const std::string cache = o.coldstart_store.empty() ? o.dir + "/coldstart-store" : o.coldstart_store;
  if (!Generated(cache, o.coldstart_events, o.coldstart_tail)) Generate(cache, o.coldstart_events, o.coldstart_tail);
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache + "/store")) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  const std::string config = o.dir + "/coldstart-config.json";
  std::ofstream(config) << json{{"rate_limit", {{"enabled", false}}}}.dump(2);
  std::printf("\nCold start on %llu events (%s/store, %.0f MB, %s), %d starts, each on a fresh copy (seconds from fork)\n",
              static_cast<unsigned long long>(o.coldstart_events), cache.c_str(), static_cast<double>(bytes) / 1e6,
              o.coldstart_tail < o.coldstart_events
                  ? ("read models' snapshot " + std::to_string(o.coldstart_tail) + " events before the end").c_str()
                  : "no read-model snapshot: full replay",
              o.coldstart_starts);
  std::printf("%-8s %10s %10s %10s\n", "start", "accepts", "/healthz", "/readyz");
  std::fflush(stdout);
  std::vector<double> accepts, healthz, readyz;
  for (int k = 1; k <= o.coldstart_starts; ++k) {
    const std::string run_dir = o.dir + "/coldstart-" + std::to_string(k);
    CopyStore(cache + "/store", run_dir + "/store");
    StartTimes t = TimeOneStart(o, run_dir, config);
    fs::remove_all(run_dir);
    accepts.push_back(t.accepts);
    healthz.push_back(t.healthz);
    readyz.push_back(t.readyz);
    std::printf("%-8d %10.2f %10.2f %10.2f\n", k, t.accepts, t.healthz, t.readyz);
    std::fflush(stdout);
  }
  std::printf("%-8s %10.2f %10.2f %10.2f\n", "median", Median(accepts), Median(healthz), Median(readyz));
  TimeSnapshotParts(cache + "/store", o.dir + "/coldstart-snapshot");
}

}  // namespace assure::bench::http_load
