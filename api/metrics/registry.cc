#include "api/metrics/registry.h"

#include <exception>

namespace assure::api::metrics {

void Registry::Add(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
  }
  std::string out;
  for (const auto& collect : collectors) {
    TextWriter w;
    try {
      collect(w);
      out += w.Take();
    } catch (...) {
      failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  TextWriter w;
  w.Family("assure_metrics_collector_failures_total", MetricType::kCounter,
           "Collectors that threw during a scrape (their families were left out of it)");
  w.Sample("assure_metrics_collector_failures_total", {}, failures_.load(std::memory_order_relaxed));
  out += w.Take();
  return out;
}

}  // namespace assure::api::metrics
