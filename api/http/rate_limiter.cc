#include "api/http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace assure::api::http {

void RateLimiter::Sweep(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double rate = it->second.authenticated ? config_.token_per_second : config_.ip_per_second;
    const double burst = it->second.authenticated ? config_.token_burst : config_.ip_burst;
    const double elapsed = std::chrono::duration<double>(now - it->second.last).count();
    if (it->second.tokens + elapsed * rate >= burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

RateDecision RateLimiter::Take(std::string_view key, bool authenticated, Clock::time_point now) {
  if (!config_.enabled) return {};
  const double rate = authenticated ? config_.token_per_second : config_.ip_per_second;
  const double burst = std::max(1.0, authenticated ? config_.token_burst : config_.ip_burst);
  std::lock_guard lock(mu_);
  std::string k(authenticated ? "t:" : "i:");
  k.append(key);
  auto it = buckets_.find(k);
  if (it == buckets_.end()) {
    if (buckets_.size() >= config_.max_keys) Sweep(now);
    if (buckets_.size() >= config_.max_keys) return {false, 1};
    it = buckets_.emplace(std::move(k), Bucket{burst, now, authenticated}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.last).count());
  b.tokens = std::min(burst, b.tokens + elapsed * rate);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double wait = rate > 0 ? (1.0 - b.tokens) / rate : 3600.0;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

}  // namespace assure::api::http
