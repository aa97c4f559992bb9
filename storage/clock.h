// Injectable time and id sources, so tests can fix both.
//
// Thread safety: implementations must be safe to call from any thread.
#pragma once

#include <cstdint>
#include <memory>

#include "storage/types.h"

namespace assure::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC microseconds since 1970-01-01T00:00:00Z.
  virtual std::int64_t NowMicros() = 0;
};

class IdSource {
 public:
  virtual ~IdSource() = default;
  // A new random (version 4) UUID.
  virtual Uuid NewUuid() = 0;
};

std::shared_ptr<Clock> SystemClock();
std::shared_ptr<IdSource> RandomIds();  // OpenSSL RAND_bytes

}  // namespace assure::storage
