// Per-client-address connection accounting, so that one address cannot take
// every connection (the listener asks, the sessions hold the slot).
//
// A new connection is refused when:
//   - max_total connections are open (kFull);
//   - its address already holds max_per_client of them (kPerClient);
//   - the open connections have reached the reserve (the last `reserve` of
//     max_total) and its address holds at least its fair share: the mean
//     number of connections per connected address (kReserve). A new address
//     (a health check, another client) always has less than that, so it gets
//     in while one or a few addresses fill the rest.
// The counts are by the address as text (IPv4-mapped IPv6 as its IPv4).
//
// Thread safety: Admit may be called from any thread; a Slot may be released
// (destroyed) on any thread, also after the ClientConnections is gone.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace assure::server {

class ClientConnections {
 public:
  enum class Refusal { kNone, kFull, kPerClient, kReserve };

  // Held for as long as the connection is open (HTTP or upgraded).
  class Slot {
   public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    friend class ClientConnections;
    struct State;
    Slot(std::shared_ptr<State> state, std::string address);
    std::shared_ptr<State> state_;
    std::string address_;
  };

  struct Admission {
    Refusal refusal = Refusal::kNone;
    std::shared_ptr<Slot> slot;  // set when admitted
  };

  // reserve: the number of connections (of max_total) kept for addresses
  // below their fair share; 0 for none.
  ClientConnections(std::size_t max_total, std::size_t max_per_client, std::size_t reserve);

  Admission Admit(const std::string& address);
  std::size_t open() const;  // for tests

 private:
  std::size_t max_total_;
  std::size_t max_per_client_;
  std::size_t reserve_;
  std::shared_ptr<Slot::State> state_;
};

// The reserve for max_total and a percentage: ceil(max_total * percent / 100),
// at least 1 when percent > 0, and never all of max_total.
std::size_t ReservedConnections(std::size_t max_total, std::size_t percent);

}  // namespace assure::server
