#include "api/http/live_broadcaster.h"

namespace assure::api::http {

void LiveBroadcaster::Add(const std::shared_ptr<LiveClient>& client) {
  std::lock_guard lock(mu_);
  members_[client->id()] = client;
}

void LiveBroadcaster::Remove(std::uint64_t client_id) {
  std::lock_guard lock(mu_);
  members_.erase(client_id);
}

std::vector<std::shared_ptr<LiveClient>> LiveBroadcaster::Members() {
  std::vector<std::weak_ptr<LiveClient>> weak;
  {
    std::lock_guard lock(mu_);
    weak.reserve(members_.size());
    for (auto it = members_.begin(); it != members_.end();) {
      if (it->second.expired()) {
        it = members_.erase(it);
      } else {
        weak.push_back(it->second);
        ++it;
      }
    }
  }
  std::vector<std::shared_ptr<LiveClient>> out;
  out.reserve(weak.size());
  for (auto& w : weak) {
    if (auto c = w.lock()) out.push_back(std::move(c));
  }
  return out;
}

std::size_t LiveBroadcaster::Broadcast(const std::shared_ptr<const std::string>& text) {
  std::size_t accepted = 0;
  for (auto& c : Members()) {
    if (c->Send(text)) ++accepted;
  }
  return accepted;
}

std::size_t LiveBroadcaster::size() {
  std::lock_guard lock(mu_);
  return members_.size();
}

}  // namespace assure::api::http
