// A counting limiter for heavy operations (imports, evidence packs, exports,
// as-at reads that fold the whole log, chain verification): at most `limit`
// run at once; one more is refused at once (the caller answers 503 with
// Retry-After) rather than queued, so that no worker waits behind them.
//
// Thread safety: TryAcquire may be called from any thread; a Permit may be
// released (destroyed) on any thread, also after the limiter is gone.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace assure::api::http {

class ConcurrencyLimiter {
 public:
  // Held while the operation runs; releases its place when destroyed.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& other) noexcept : count_(std::move(other.count_)) {}
    Permit& operator=(Permit&& other) noexcept;
    ~Permit() { Release(); }
    explicit operator bool() const { return count_ != nullptr; }

   private:
    friend class ConcurrencyLimiter;
    explicit Permit(std::shared_ptr<std::atomic<std::size_t>> count) : count_(std::move(count)) {}
    void Release();
    std::shared_ptr<std::atomic<std::size_t>> count_;
  };

  // limit >= 1 (0 is taken as 1).
  explicit ConcurrencyLimiter(std::size_t limit);

  // A permit, or an empty one (false) when `limit` are running.
  Permit TryAcquire();
  std::size_t limit() const { return limit_; }
  std::size_t running() const { return count_->load(); }

 private:
  std::size_t limit_;
  std::shared_ptr<std::atomic<std::size_t>> count_;
};

}  // namespace assure::api::http
