// A bounded in-memory cache of folded aggregate states, so that a command or
// a read of an entity's current state does not fold its whole stream again.
//
// An entry is (state, version, last position) of one stream, folded by
// LoadAggregate. A cached load starts from the entry and reads only the
// stream's events after its version from the store (usually none, or the one
// the last write appended): streams are append-only and events immutable, so
// the result is exactly the full fold's. The command service still appends
// with the exact expected version, so a state that went stale between the
// load and the append is caught by the store, as without a cache.
//
// Entries are evicted least-recently-used beyond `capacity` streams. Loads
// "as at" a past position never use or fill the cache.
//
// Thread safety: all members are thread-safe (one mutex; states are copied
// in and out, never shared).
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace assure::api {

class AggregateCache {
 public:
  explicit AggregateCache(std::size_t capacity = 20000) : capacity_(capacity) {}

  // The cached value for `stream` if there is one of type T.
  template <class T>
  std::optional<T> Get(const std::string& stream) {
    std::lock_guard lock(mu_);
    auto it = map_.find(stream);
    if (it == map_.end()) {
      ++misses_;
      return std::nullopt;
    }
    const T* value = std::any_cast<T>(&it->second.value);
    if (value == nullptr) {
      ++misses_;
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++hits_;
    return *value;
  }

  // Keeps `value` for `stream` unless a newer one (a higher `version`) is
  // already cached: concurrent loads may finish out of order.
  template <class T>
  void Put(const std::string& stream, std::uint64_t version, T value) {
    std::lock_guard lock(mu_);
    auto it = map_.find(stream);
    if (it != map_.end()) {
      if (it->second.version > version) return;
      it->second.version = version;
      it->second.value = std::move(value);
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return;
    }
    lru_.push_front(stream);
    map_.emplace(stream, Entry{version, std::move(value), lru_.begin()});
    while (map_.size() > capacity_) {
      map_.erase(lru_.back());
      lru_.pop_back();
    }
  }

  // Whether `stream` has an entry (of any type); neither a hit nor a miss.
  bool Contains(const std::string& stream) const {
    std::lock_guard lock(mu_);
    return map_.count(stream) != 0;
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return map_.size();
  }
  std::uint64_t hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }
  std::uint64_t misses() const {
    std::lock_guard lock(mu_);
    return misses_;
  }

 private:
  struct Entry {
    std::uint64_t version;
    std::any value;
    std::list<std::string>::iterator lru;
  };
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::string> lru_;  // most recently used first
  std::unordered_map<std::string, Entry> map_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace assure::api
