#include "storage/clock.h"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstring>
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
    // Each thread draws 32 ids' worth of bytes from the CSPRNG at a time: a
    // RAND_bytes call costs about as much for 512 bytes as for 16. (Event ids
    // are not secrets; they only need to be unique.)
    struct Pool {
      std::array<std::uint8_t, 16 * 32> bytes;
      std::size_t used = 16 * 32;
    };
    thread_local Pool pool;
    if (pool.used == pool.bytes.size()) {
      if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1) {
        // The CSPRNG failing is not an expected condition.
        throw std::runtime_error("RAND_bytes failed");
      }
      pool.used = 0;
    }
    Uuid u;
    std::memcpy(u.bytes.data(), pool.bytes.data() + pool.used, 16);
    pool.used += 16;
    u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0f) | 0x40);  // version 4
    u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // RFC variant
    return u;
  }
};

}  // namespace

std::shared_ptr<Clock> SystemClock() { return std::make_shared<SystemClockImpl>(); }
std::shared_ptr<IdSource> RandomIds() { return std::make_shared<RandomIdsImpl>(); }

}  // namespace assure::storage
