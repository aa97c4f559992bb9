// Token-bucket rate limiting per client key (a token id, or a client IP for
// unauthenticated requests).
//
// Each key has a bucket of `burst` tokens refilled at `per_second`; a request
// takes one. The key table is bounded by max_keys: when full, buckets that
// have refilled completely are dropped (they carry no state); if it is still
// full, the new key is refused (429) until some bucket refills.
//
// Thread safety: Take may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace assure::api::http {

struct RateLimitConfig {
  bool enabled = true;            // default on
  double token_per_second = 20;   // per authenticated token. Default 20/s
  double token_burst = 40;        // default 40
  double ip_per_second = 10;      // per client IP, unauthenticated. Default 10/s
  double ip_burst = 20;           // default 20
  std::size_t max_keys = 100000;  // default 100,000 buckets
};

struct RateDecision {
  bool allowed = true;
  int retry_after_seconds = 0;  // when refused: whole seconds until one token is back (>= 1)
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimitConfig config) : config_(config) {}

  // `authenticated` selects the token or IP rates.
  RateDecision Take(std::string_view key, bool authenticated, Clock::time_point now);
  RateDecision Take(std::string_view key, bool authenticated) {
    return Take(key, authenticated, Clock::now());
  }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
    bool authenticated = false;
  };
  void Sweep(Clock::time_point now);

  const RateLimitConfig config_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace assure::api::http
