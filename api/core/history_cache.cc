#include "api/core/history_cache.h"

namespace assure::api {

std::string HistoryPageCache::Key(std::string_view stream, std::uint64_t count, std::uint64_t offset,
                                  std::uint64_t limit, std::string_view order) {
  // A stream id holds no NUL (storage's stream index relies on that too), so
  // the fields cannot run into each other.
  std::string key(stream);
  key += '\0';
  key += std::to_string(count);
  key += '/';
  key += std::to_string(offset);
  key += '/';
  key += std::to_string(limit);
  key += '/';
  key += order;
  return key;
}

std::shared_ptr<const std::string> HistoryPageCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

void HistoryPageCache::Insert(std::string key, std::string body) {
  const std::size_t cost = key.size() + body.size() + kEntryOverheadBytes;
  if (cost > budget_) return;
  auto shared = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(mu_);
  if (index_.contains(key)) return;  // another reader built the same page
  while (bytes_ + cost > budget_) {
    const Entry& last = lru_.back();
    bytes_ -= last.cost;
    index_.erase(last.key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{std::move(key), std::move(shared), cost});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost;
}

std::size_t HistoryPageCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::size_t HistoryPageCache::entries() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

}  // namespace assure::api
