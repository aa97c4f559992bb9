#include "server/client_connections.h"

#include <utility>

namespace assure::server {

struct ClientConnections::Slot::State {
  std::mutex mu;
  std::unordered_map<std::string, std::size_t> by_address;
  std::size_t total = 0;
};

ClientConnections::Slot::Slot(std::shared_ptr<State> state, std::string address)
    : state_(std::move(state)), address_(std::move(address)) {}

ClientConnections::Slot::~Slot() {
  std::lock_guard lock(state_->mu);
  auto it = state_->by_address.find(address_);
  if (it != state_->by_address.end() && --it->second == 0) state_->by_address.erase(it);
  --state_->total;
}

ClientConnections::ClientConnections(std::size_t max_total, std::size_t max_per_client,
                                     std::size_t reserve)
    : max_total_(max_total),
      max_per_client_(max_per_client),
      reserve_(reserve),
      state_(std::make_shared<Slot::State>()) {}

ClientConnections::Admission ClientConnections::Admit(const std::string& raw_address) {
  std::string address = raw_address;
  if (address.rfind("::ffff:", 0) == 0 && address.find('.') != std::string::npos) {
    address = address.substr(7);
  }
  Admission out;
  std::lock_guard lock(state_->mu);
  const std::size_t total = state_->total;
  auto it = state_->by_address.find(address);
  const std::size_t held = it == state_->by_address.end() ? 0 : it->second;
  if (total >= max_total_) {
    out.refusal = Refusal::kFull;
    return out;
  }
  if (held >= max_per_client_) {
    out.refusal = Refusal::kPerClient;
    return out;
  }
  // In the reserve: only an address below the mean per connected address.
  // held * addresses >= total  <=>  held >= total / addresses.
  if (reserve_ > 0 && total >= max_total_ - reserve_ && held > 0 &&
      held * state_->by_address.size() >= total) {
    out.refusal = Refusal::kReserve;
    return out;
  }
  ++state_->by_address[address];
  ++state_->total;
  out.slot = std::shared_ptr<Slot>(new Slot(state_, std::move(address)));
  return out;
}

std::size_t ClientConnections::open() const {
  std::lock_guard lock(state_->mu);
  return state_->total;
}

std::size_t ReservedConnections(std::size_t max_total, std::size_t percent) {
  if (percent == 0 || max_total < 2) return 0;
  std::size_t r = (max_total * percent + 99) / 100;
  if (r < 1) r = 1;
  if (r >= max_total) r = max_total - 1;
  return r;
}

}  // namespace assure::server
