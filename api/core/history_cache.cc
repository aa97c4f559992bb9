#include "api/core/history_cache.h"

namespace assure::api {

std::string HistoryPageCache::Key(std::string_view stream, std::uint64_t count, std::uint64_t offset,
                                  std::uint64_t limit, std::string_view order) {
  return KeyOf(Shape(stream, offset, limit, order), count);
}

std::string HistoryPageCache::KeyOf(std::string shape, std::uint64_t count) {
  shape += '\0';
  shape += std::to_string(count);
  return shape;
}

std::string HistoryPageCache::Shape(std::string_view stream, std::uint64_t offset, std::uint64_t limit,
                                    std::string_view order) {
  // A stream id holds no NUL (storage's stream index relies on that too), so
  // the fields cannot run into each other.
  std::string shape(stream);
  shape += '\0';
  shape += std::to_string(offset);
  shape += '/';
  shape += std::to_string(limit);
  shape += '/';
  shape += order;
  return shape;
}

void HistoryPageCache::MarkCurrent(const std::string& key, const std::string& shape, std::uint64_t head) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return;  // not kept
  Lru::iterator entry = it->second;
  if (auto cur = current_.find(shape); cur != current_.end()) {
    Lru::iterator was = cur->second;
    if (was->head > head) return;  // marked by a newer reader
    if (was == entry) {
      was->head = head;
      return;
    }
    current_.erase(cur);
    was->shape.clear();
  }
  entry->shape = shape;
  entry->head = head;
  current_.emplace(entry->shape, entry);
}

std::shared_ptr<const std::string> HistoryPageCache::FindCurrent(const std::string& shape, std::uint64_t head) {
  std::lock_guard lock(mu_);
  auto it = current_.find(shape);
  if (it == current_.end() || it->second->head != head) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

std::shared_ptr<const std::string> HistoryPageCache::FindLocked(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

std::shared_ptr<const std::string> HistoryPageCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  return FindLocked(key);
}

void HistoryPageCache::InsertLocked(std::string key, std::shared_ptr<const std::string> body,
                                    std::size_t cost) {
  if (cost > budget_ || index_.contains(key)) return;  // too large; or another reader built it
  // A person's pages are never kept: erasure changes what their stored
  // events read as (storage/FORMAT.md section 7), so a page as at a
  // position before it would show the name again.
  if (key.starts_with("person-")) return;
  while (bytes_ + cost > budget_) {
    const Entry& last = lru_.back();
    bytes_ -= last.cost;
    index_.erase(last.key);
    if (!last.shape.empty()) current_.erase(last.shape);
    lru_.pop_back();
  }
  lru_.push_front(Entry{std::move(key), std::move(body), cost, {}, 0});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost;
}

void HistoryPageCache::Insert(std::string key, std::string body) {
  const std::size_t cost = Cost(key, body);
  if (cost > budget_) return;
  auto shared = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(mu_);
  InsertLocked(std::move(key), std::move(shared), cost);
}

Result<std::shared_ptr<const std::string>> HistoryPageCache::FindOrBuild(
    const std::string& key, const std::function<Result<std::string>()>& build) {
  std::shared_ptr<Flight> flight;
  {
    std::unique_lock lock(mu_);
    if (auto hit = FindLocked(key)) return hit;
    auto running = flights_.find(key);
    if (running != flights_.end()) {
      std::shared_ptr<Flight> theirs = running->second;
      ++waiting_;
      built_.wait(lock, [&] { return theirs->done; });
      --waiting_;
      if (theirs->body) return theirs->body;
      // Their build failed: build for ourselves, alone.
    } else {
      flight = std::make_shared<Flight>();
      flights_.emplace(key, flight);
    }
  }
  // Whatever happens to the build (an error, a throw), the flight ends and
  // its waiters wake.
  std::shared_ptr<const std::string> built;
  auto land = [&] {
    if (!flight) return;
    std::lock_guard lock(mu_);
    if (built) InsertLocked(key, built, Cost(key, *built));
    flight->body = built;
    flight->done = true;
    flights_.erase(key);
    built_.notify_all();
  };
  struct Lander {
    decltype(land)& f;
    ~Lander() { f(); }
  } lander{land};
  auto body = build();
  if (!body.ok()) return body.error();
  built = std::make_shared<const std::string>(std::move(body).value());
  std::shared_ptr<const std::string> answer = built;  // `return built` would move it from under land
  return answer;
}

std::size_t HistoryPageCache::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
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
