// assure-bench-projections: projection rebuild against the store's raw
// read-all + JSON decode of the same events, peak RSS, and as-at latency.
//
// A generated network (15 trusts, 6 ICBs, 12 groups, ~100 deliverables, 300
// people) and N events of history (default 1,000,000) made by the domain's own
// Decide functions: RAGB changes with reasons, edits, progress notes,
// memberships, meetings. One deliverable gets 10,000 events for the as-at
// measurement. Generation runs in a child process so the parent's peak RSS is
// that of the measurement alone.
#include <CLI/CLI.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "api/core/aggregate_loader.h"
#include "api/core/event_mapping.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"
#include "tests/bench/network_generator.h"
#include "tests/bench/bench_util.h"

using namespace assure;
using Wall = std::chrono::steady_clock;

namespace {

long PeakRssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

using bench::Generator;

// Applies nothing: isolates the runner's own cost (read, decode, upcast).
class NoopProjection final : public api::Projection {
 public:
  std::string Name() const override { return "noop"; }
  Status Apply(const storage::RecordedEvent&, const domain::EventView&) override { return {}; }
  api::SnapshotRenderer SnapshotLater() const override {
    return [](const api::EmitPart&) -> Result<std::string> { return std::string(); };
  }
  Status RestoreText(std::string_view, const api::ReadPart&) override { return {}; }
  Status Reset() override { return {}; }
};

using assure::bench::Median;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"assure-bench-projections: rebuild vs read+decode, RSS, as-at latency"};
  std::string dir = "./bench-data-projections";
  std::uint64_t events = 1'000'000;
  int rounds = 3;
  bool keep = false;
  app.add_option("--dir", dir, "Scratch store directory")->capture_default_str();
  app.add_option("--events", events, "Events of history to generate")->capture_default_str();
  app.add_option("--rounds", rounds, "Rounds (medians reported)")->capture_default_str();
  app.add_flag("--keep", keep, "Reuse an existing generated store in --dir");
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;

  const std::string marker = dir + "/hot_mid";
  if (!keep || !fs::exists(marker)) {
    fs::remove_all(dir);
    pid_t pid = ::fork();
    if (pid == 0) {
      storage::StoreOptions o;
      o.sync = false;  // generation is not what is measured
      auto store = storage::OpenRocksStore(dir + "/db", o);
      if (!store.ok()) std::_Exit(1);
      auto start = Wall::now();
      Generator g(**store, events);
      g.Run();
      std::ofstream(marker) << g.hot_mid();
      std::printf("generated %llu events in %.1f s\n", (unsigned long long)(*store)->Head().position,
                  std::chrono::duration<double>(Wall::now() - start).count());
      std::fflush(stdout);
      std::_Exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  std::uint64_t hot_mid = 0;
  std::ifstream(marker) >> hot_mid;

  auto store = storage::OpenRocksStore(dir + "/db");
  if (!store.ok()) return 1;
  const std::uint64_t n = (*store)->Head().position;
  std::vector<double> ours, base, noop;
  for (int r = 0; r < rounds; ++r) {
    {
      auto proj = std::make_shared<NoopProjection>();
      api::ProjectionRunner runner(**store, {proj});
      auto start = Wall::now();
      if (!runner.Rebuild().ok()) return 1;
      noop.push_back(n / std::chrono::duration<double>(Wall::now() - start).count());
    }
    {  // Baseline: read every event and decode its JSON data.
      auto start = Wall::now();
      std::size_t keys = 0;
      for (std::uint64_t from = 1;;) {
        auto page = (*store)->ReadAll(from, 1000);
        for (const auto& e : page->events) {
          auto j = nlohmann::json::parse(e.data);
          keys += j.size();
        }
        from = page->next_position;
        if (page->end_of_log) break;
      }
      base.push_back(n / std::chrono::duration<double>(Wall::now() - start).count());
      if (keys == 0) return 1;
    }
    {  // Ours: a full projection rebuild.
      auto proj = std::make_shared<api::NetworkProjection>(store->get());
      api::ProjectionRunner runner(**store, {proj});
      auto start = Wall::now();
      if (!runner.Rebuild().ok()) return 1;
      ours.push_back(n / std::chrono::duration<double>(Wall::now() - start).count());
      if (proj->model().deliverables.size() != 100) return 1;
    }
  }
  double o = Median(ours), b = Median(base);
  std::printf("Projection rebuild over %llu events, %d rounds, medians\n", (unsigned long long)n, rounds);
  std::printf("%-26s %12s\n", "", "events/s");
  std::printf("%-26s %12.0f   (%.2f s)\n", "rebuild (all projections)", o, n / o);
  std::printf("%-26s %12.0f   (%.2f s)\n", "baseline read-all + decode", b, n / b);
  std::printf("%-26s %12.0f   (runner alone, no projection)\n", "runner + no-op projection", Median(noop));
  std::printf("%-26s %12.2f\n", "ratio", o / b);

  // As-at for the deliverable with 10,000 events, at its middle and its end.
  auto info = (*store)->GetStreamInfo("deliverable-d0");
  std::vector<double> lat;
  for (int i = 0; i < 20; ++i) {
    std::uint64_t at = i % 2 ? hot_mid : n;
    auto start = Wall::now();
    auto loaded = api::LoadAggregate<domain::DeliverableAggregate>(**store, "d0", at);
    lat.push_back(std::chrono::duration<double, std::milli>(Wall::now() - start).count());
    if (!loaded.ok() || !loaded->state.exists) return 1;
  }
  std::printf("As-at of one deliverable with %llu events: median %.2f ms, max %.2f ms (20 runs)\n",
              (unsigned long long)info->event_count, Median(lat), *std::max_element(lat.begin(), lat.end()));
  std::printf("Peak RSS of the measuring process: %.1f MB\n", PeakRssKb() / 1024.0);
  return 0;
}
