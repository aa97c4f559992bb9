// Merkle proof latency on a store, shared by the benchmarks that measure it:
// 2,000 random requests each of an inclusion proof (a random event in a
// random tree size) and a consistency proof (between two random sizes).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "storage/event_store.h"

namespace assure::bench {

// Prints p50 / p99 / max in microseconds; false when a proof fails.
inline bool PrintProofLatency(storage::EventStore& store) {
  using Clock = std::chrono::steady_clock;
  std::mt19937_64 rng(42);
  const std::uint64_t n = store.Head().position;
  if (n == 0) return true;
  std::vector<double> incl, cons;
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t size = 1 + rng() % n, pos = 1 + rng() % size, from = 1 + rng() % size;
    auto t0 = Clock::now();
    auto p = store.InclusionProof(pos, size);
    auto t1 = Clock::now();
    auto c = store.ConsistencyProof(from, size);
    auto t2 = Clock::now();
    if (!p.ok() || !c.ok()) return false;
    incl.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    cons.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
  }
  auto pct = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
  };
  std::printf("Merkle proofs at %llu events, 2000 random requests each (microseconds; goal < 1000)\n",
              static_cast<unsigned long long>(n));
  std::printf("%-12s %8s %8s %8s\n", "", "p50", "p99", "max");
  std::printf("%-12s %8.1f %8.1f %8.1f\n", "inclusion", pct(incl, 0.5), pct(incl, 0.99), pct(incl, 1.0));
  std::printf("%-12s %8.1f %8.1f %8.1f\n", "consistency", pct(cons, 0.5), pct(cons, 0.99), pct(cons, 1.0));
  std::fflush(stdout);
  return true;
}

}  // namespace assure::bench
