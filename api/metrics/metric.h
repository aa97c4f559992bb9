// The values a scrape reads that are updated on hot paths: a monotonic
// counter and a histogram with fixed bucket bounds (Prometheus semantics).
//
// Gauges are not kept here: a scrape reads them from the object that owns
// the state (a queue's length, a position), so nothing mirrors state that
// could drift from it (registry.h).
//
// Thread safety: Inc and Observe are lock-free (relaxed atomics) and may be
// called from any thread; Value and Snapshot may run concurrently with them
// and see each update whole, though not all updates of one instant together.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace assure::api::metrics {

class Counter {
 public:
  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// What a histogram held at one moment, as the text format writes it:
// cumulative[i] counts observations <= bounds[i]; cumulative.back() (one
// more entry than bounds) is the +Inf bucket and equals count.
struct HistogramSnapshot {
  std::vector<double> bounds;
  std::vector<std::uint64_t> cumulative;
  double sum = 0;
  std::uint64_t count = 0;
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, strictly increasing and finite
  // (checked: std::invalid_argument). +Inf is implied.
  explicit Histogram(std::vector<double> bounds);

  // Counts `value` in the first bucket whose bound is >= value (the +Inf
  // bucket when none is) and adds it to the sum.
  void Observe(double value);
  HistogramSnapshot Snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  // Per bucket (not cumulative), the last for +Inf; count is their total,
  // so a snapshot's count always equals its +Inf bucket.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// Bucket bounds used across the server.
// Request and sync latencies in seconds: 0.5 ms .. 10 s.
std::vector<double> LatencyBuckets();
// Sizes (appends in a group commit): 1, 2, 4 .. 1024.
std::vector<double> SizeBuckets();

}  // namespace assure::api::metrics
