#include "api/http/concurrency_limiter.h"

#include <utility>

namespace assure::api::http {

ConcurrencyLimiter::Permit& ConcurrencyLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    Release();
    count_ = std::move(other.count_);
  }
  return *this;
}

void ConcurrencyLimiter::Permit::Release() {
  if (count_) {
    count_->fetch_sub(1);
    count_.reset();
  }
}

ConcurrencyLimiter::ConcurrencyLimiter(std::size_t limit)
    : limit_(limit == 0 ? 1 : limit), count_(std::make_shared<std::atomic<std::size_t>>(0)) {}

ConcurrencyLimiter::Permit ConcurrencyLimiter::TryAcquire() {
  std::size_t now = count_->load();
  do {
    if (now >= limit_) return Permit();
  } while (!count_->compare_exchange_weak(now, now + 1));
  return Permit(count_);
}

}  // namespace assure::api::http
