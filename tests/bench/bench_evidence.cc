// assure-bench-evidence: build a whole-network evidence pack as at the middle
// of a generated history (default 1,000,000 events), its size, and the time
// to verify it offline. Goals (issue 6): build <= 2 s, verify <= 2 s.
//
// The network is tests/bench/network_generator.h: every deliverable maps to
// IN-501 and IN-601 and every meeting decision links a deliverable, so the
// whole-network pack relies on nearly every event up to the middle. One
// checkpoint is published at the head before timing; each round builds the
// pack into a file as `assure pack --out` does (read and fold the log up to
// the middle, derive, render, prove, zip, sync) and verifies that file as
// `assure verify-pack` does (map it, unzip, manifest, every line against its
// canonical bytes, the batch inclusion proof, the signature, re-fold and
// re-derive); and builds it once more into a file that is not synced, as
// the HTTP route does before it sends it.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api/audit/checkpoint.h"
#include "api/audit/signer.h"
#include "api/evidence/evidence_pack.h"
#include "api/evidence/pack_zip.h"
#include "api/evidence/verify_pack.h"
#include "server/read_file.h"
#include "tests/bench/network_generator.h"
#include "tests/bench/proof_latency.h"
#include "tests/bench/bench_util.h"

using namespace assure;
using Wall = std::chrono::steady_clock;

namespace {

using assure::bench::Median;

double Seconds(Wall::time_point start) {
  return std::chrono::duration<double>(Wall::now() - start).count();
}

// CPU seconds of this process (user + system): on a shared, loaded machine
// the wall time mostly measures the neighbours.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"assure-bench-evidence: whole-network evidence pack build and offline verify"};
  std::string dir = "./bench-data-evidence";
  std::uint64_t events = 1'000'000;
  int rounds = 3;
  bool keep = false;
  std::string out;
  app.add_option("--dir", dir, "Scratch store directory")->capture_default_str();
  app.add_option("--events", events, "Events of history to generate")->capture_default_str();
  app.add_option("--rounds", rounds, "Rounds (medians reported)")->capture_default_str();
  app.add_flag("--keep", keep, "Reuse an existing generated store in --dir");
  app.add_option("--out", out, "Where to write the pack (default: DIR/pack.zip)");
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;

  const std::string marker = dir + "/generated";
  if (!keep || !fs::exists(marker)) {
    fs::remove_all(dir);
    pid_t pid = ::fork();
    if (pid == 0) {
      storage::StoreOptions o;
      o.sync = false;  // generation is not what is measured
      auto store = storage::OpenRocksStore(dir + "/db", o);
      if (!store.ok()) std::_Exit(1);
      auto start = Wall::now();
      bench::Generator g(**store, events);
      g.Run();
      std::ofstream(marker) << (*store)->Head().position;
      std::printf("generated %llu events in %.1f s\n",
                  (unsigned long long)(*store)->Head().position, Seconds(start));
      std::fflush(stdout);
      std::_Exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }

  auto store = storage::OpenRocksStore(dir + "/db");
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    return 1;
  }
  const std::uint64_t n = (*store)->Head().position;
  auto signer = api::Signer::LoadOrCreate(dir);
  if (!signer.ok()) return 1;
  api::CheckpointLog checkpoints(**store, **signer);
  auto head = checkpoints.Publish(1'700'000'000'000'000LL, "bench");
  if (!head.ok()) return 1;

  // Merkle proofs at this size, on the store as opened.
  if (!bench::PrintProofLatency(**store)) return 1;

  api::PackRequest req;
  req.scope = api::PackScope::kAll;
  req.as_of_position = n / 2;
  req.actor = "bench";
  api::VerifyPackOptions vo;
  vo.public_key_raw = head->public_key;  // the key that signed the head (kept from an earlier run)

  if (out.empty()) out = dir + "/pack.zip";
  std::vector<double> build, verify, build_cpu, verify_cpu, for_response;
  api::Pack pack;
  std::vector<std::pair<std::string, double>> last_verify_phases;
  for (int r = 0; r < rounds; ++r) {
    auto start = Wall::now();
    double cpu = CpuSeconds();
    api::PackOutput to_file;
    to_file.path = out;
    auto p = api::BuildEvidencePack(**store, checkpoints, req, nullptr, to_file);
    build.push_back(Seconds(start));
    build_cpu.push_back(CpuSeconds() - cpu);
    if (!p.ok()) {
      std::fprintf(stderr, "build: %s\n", p.error().message.c_str());
      return 1;
    }
    pack = std::move(*p);
    start = Wall::now();
    cpu = CpuSeconds();
    auto mapped = server::MappedFile::Open(out);
    if (!mapped) {
      std::fprintf(stderr, "cannot read %s\n", out.c_str());
      return 1;
    }
    auto report = api::VerifyEvidencePack(mapped->bytes(), vo);
    verify.push_back(Seconds(start));
    last_verify_phases = report.phase_seconds;
    verify_cpu.push_back(CpuSeconds() - cpu);
    if (!report.valid) {
      std::fputs(api::FormatVerifyReport(report).c_str(), stderr);
      return 1;
    }
  }
  for (int r = 0; r < rounds; ++r) {
    auto start = Wall::now();
    const int fd = ::open((dir + "/response.zip").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    api::PackOutput to_fd;
    to_fd.fd = fd;
    auto p = api::BuildEvidencePack(**store, checkpoints, req, nullptr, to_fd);
    ::close(fd);
    for_response.push_back(Seconds(start));
    if (!p.ok() || p->identity != pack.identity) {
      std::fprintf(stderr, "build for a response: %s\n", p.ok() ? "another pack" : p.error().message.c_str());
      return 1;
    }
  }
  auto mapped = server::MappedFile::Open(out);
  if (!mapped) return 1;
  auto files = api::ReadZip(mapped->bytes());
  if (!files.ok()) return 1;
  auto size_of = [&](const char* name) { return (double)files->at(name).size() / (1 << 20); };
  std::printf("Whole-network evidence pack as at position %llu of %llu, %d rounds, medians\n",
              (unsigned long long)pack.position, (unsigned long long)n, rounds);
  std::printf("  statements %zu, events relied on %zu (%.0f%% of the log up to the position)\n",
              pack.codes.size(), pack.event_count, 100.0 * pack.event_count / std::max<std::uint64_t>(1, pack.position));
  std::printf("  zip %.1f MB; inflated: events.jsonl %.1f MB, pack.json %.1f MB, proofs.json %.1f MB, "
              "index.html %.1f MB\n",
              (double)pack.zip_bytes / (1 << 20), size_of("events.jsonl"), size_of("pack.json"),
              size_of("proofs.json"), size_of("index.html"));
  std::printf("  build   %.2f s wall, %.2f s CPU  (goal <= 2 s; into %s, as assure pack --out)\n",
              Median(build), Median(build_cpu), out.c_str());
  std::printf("  verify  %.2f s wall, %.2f s CPU  (goal <= 2 s, offline; the file mapped, as assure verify-pack)\n",
              Median(verify), Median(verify_cpu));
  std::printf("  build for a response %.2f s wall (into a file not synced, as POST /api/v1/evidence-packs)\n",
              Median(for_response));
  std::printf("  last round's steps (wall s):\n    build: ");
  for (const auto& [name, secs] : pack.phase_seconds) std::printf("%s %.2f; ", name.c_str(), secs);
  std::printf("\n    verify: ");
  for (const auto& [name, secs] : last_verify_phases) std::printf("%s %.2f; ", name.c_str(), secs);
  std::printf("\n");
  return 0;
}
