// Requests by route template and status, and their latency, for /metrics:
//
//   assure_http_requests_total{method, route, status}          counter
//   assure_http_request_duration_seconds{method, route}         histogram
//
// `route` is the matched route's template ("/api/v1/deliverables/{id}"),
// never the raw path, and "unmatched" (method "other") for a request no
// route took (404, 405, a malformed request): the label set is bounded by
// the routes the server registers. Latency runs from the request's first
// byte to its response written (as the request log line's).
//
// Thread safety: Observe is called by the I/O threads, concurrently; the
// first request of a route takes a lock to add the route's entry, later ones
// a shared lock and relaxed atomics. A route answers at most kStatusSlots
// distinct statuses under their own label; any further ones are counted
// under status="other".
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "api/http/router.h"
#include "api/metrics/metric.h"
#include "api/metrics/text_format.h"

namespace assure::api::http {

class RequestMetrics {
 public:
  static constexpr std::size_t kStatusSlots = 16;

  RequestMetrics();

  // One answered request; `route` null when no route matched.
  void Observe(const Route* route, int status, std::chrono::steady_clock::duration elapsed);
  // Writes both families.
  void Collect(metrics::TextWriter& w) const;

 private:
  struct PerRoute {
    PerRoute(std::string m, std::string p);
    std::string method;
    std::string route;
    // Slot i counts status codes[i] (0: unused); filled in order, by CAS.
    std::array<std::atomic<int>, kStatusSlots> codes{};
    std::array<std::atomic<std::uint64_t>, kStatusSlots> counts{};
    std::atomic<std::uint64_t> other{0};
    metrics::Histogram latency;
  };

  PerRoute& Of(const Route* route);

  mutable std::shared_mutex mu_;  // guards routes_ (the map, not the entries)
  std::unordered_map<const Route*, std::unique_ptr<PerRoute>> routes_;
  PerRoute unmatched_;
};

}  // namespace assure::api::http
