#include "storage/clock.h"

#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>

namespace assure::storage {

namespace {

class SystemClockImpl final : public Clock {
 public:
  std::int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class RandomIdsImpl final : public IdSource {
 public:
  Uuid NewUuid() override {
    Uuid u;
    if (RAND_bytes(u.bytes.data(), 16) != 1) {
      // The CSPRNG failing is not an expected condition.
      throw std::runtime_error("RAND_bytes failed");
    }
    u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0f) | 0x40);  // version 4
    u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // RFC variant
    return u;
  }
};

}  // namespace

std::shared_ptr<Clock> SystemClock() { return std::make_shared<SystemClockImpl>(); }
std::shared_ptr<IdSource> RandomIds() { return std::make_shared<RandomIdsImpl>(); }

}  // namespace assure::storage
