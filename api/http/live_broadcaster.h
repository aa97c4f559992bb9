// A set of live clients to broadcast to (e.g. everyone watching a meeting).
//
// Broadcast copies the weak pointers under the lock and sends outside it, so
// a slow or closing client never holds the lock and never slows the others
// (each Send only enqueues on that client's bounded queue).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/http/live_feed.h"

namespace assure::api::http {

class LiveBroadcaster {
 public:
  void Add(const std::shared_ptr<LiveClient>& client);
  void Remove(std::uint64_t client_id);
  // Sends to every live member; drops members that have gone. Returns how
  // many accepted the message.
  std::size_t Broadcast(const std::shared_ptr<const std::string>& text);
  std::vector<std::shared_ptr<LiveClient>> Members();
  std::size_t size();

 private:
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::weak_ptr<LiveClient>> members_;
};

}  // namespace assure::api::http
