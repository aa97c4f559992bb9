#include "api/http/request_metrics.h"

#include <algorithm>
#include <tuple>
#include <mutex>
#include <vector>

namespace assure::api::http {

RequestMetrics::PerRoute::PerRoute(std::string m, std::string p)
    : method(std::move(m)), route(std::move(p)), latency(metrics::LatencyBuckets()) {}

RequestMetrics::RequestMetrics() : unmatched_("other", "unmatched") {}

RequestMetrics::PerRoute& RequestMetrics::Of(const Route* route) {
  if (route == nullptr) return unmatched_;
  {
    std::shared_lock lock(mu_);
    if (auto it = routes_.find(route); it != routes_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& entry = routes_[route];
  if (!entry) entry = std::make_unique<PerRoute>(route->method, route->path_template);
  return *entry;
}

void RequestMetrics::Observe(const Route* route, int status,
                             std::chrono::steady_clock::duration elapsed) {
  PerRoute& r = Of(route);
  r.latency.Observe(std::chrono::duration<double>(elapsed).count());
  for (std::size_t i = 0; i < kStatusSlots; ++i) {
    int code = r.codes[i].load(std::memory_order_acquire);
    if (code == 0) {
      // Claim the free slot; when another thread claimed it first, `code`
      // now holds what it claimed it for.
      if (r.codes[i].compare_exchange_strong(code, status, std::memory_order_acq_rel)) code = status;
    }
    if (code == status) {
      r.counts[i].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  r.other.fetch_add(1, std::memory_order_relaxed);
}

void RequestMetrics::Collect(metrics::TextWriter& w) const {
  std::vector<const PerRoute*> all;
  {
    std::shared_lock lock(mu_);
    for (const auto& [route, entry] : routes_) all.push_back(entry.get());
  }
  std::sort(all.begin(), all.end(), [](const PerRoute* a, const PerRoute* b) {
    return std::tie(a->route, a->method) < std::tie(b->route, b->method);
  });
  all.push_back(&unmatched_);

  w.Family("assure_http_requests_total", metrics::MetricType::kCounter,
           "HTTP requests answered, by route template, method and status");
  for (const PerRoute* r : all) {
    for (std::size_t i = 0; i < kStatusSlots; ++i) {
      const int code = r->codes[i].load(std::memory_order_acquire);
      if (code == 0) break;
      const std::string status = std::to_string(code);
      w.Sample("assure_http_requests_total",
               {{"method", r->method}, {"route", r->route}, {"status", status}},
               r->counts[i].load(std::memory_order_relaxed));
    }
    if (const auto other = r->other.load(std::memory_order_relaxed); other > 0) {
      w.Sample("assure_http_requests_total",
               {{"method", r->method}, {"route", r->route}, {"status", "other"}}, other);
    }
  }
  w.Family("assure_http_request_duration_seconds", metrics::MetricType::kHistogram,
           "HTTP request latency from the request's first byte to its response written, by route "
           "template and method");
  for (const PerRoute* r : all) {
    w.Histogram("assure_http_request_duration_seconds", {{"method", r->method}, {"route", r->route}},
                r->latency.Snapshot());
  }
}

}  // namespace assure::api::http
