// The collectors one scrape runs, and the text they render.
//
// A collector writes whole families (text_format.h). Counters and
// histograms live with the code that updates them (metric.h); gauges are
// read by the collector, at scrape time, from the object that owns the
// state (a queue's length, a read model's position), so nothing mirrors
// state that could drift from it. A collector may block briefly (a store
// property, a directory's size): a scrape runs on a worker thread.
//
// Families must not repeat across collectors: each metric name is
// registered by one collector.
//
// Thread safety: Add and Render may be called from any thread. A collector
// that throws is left out of that scrape (its partial output too) and the
// exception is counted in assure_metrics_collector_failures_total.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "api/metrics/text_format.h"

namespace assure::api::metrics {

class Registry {
 public:
  using Collector = std::function<void(TextWriter&)>;

  void Add(Collector collector);
  // The scrape's body: every collector's families, in the order added.
  std::string Render() const;

 private:
  mutable std::mutex mu_;  // guards collectors_
  std::vector<Collector> collectors_;
  mutable std::atomic<std::uint64_t> failures_{0};
};

}  // namespace assure::api::metrics
