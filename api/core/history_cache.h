// HistoryPageCache: rendered history page bodies (HistoryPageJson), so that
// many readers of one entity's history (a board's projector and the members
// opening the same deliverable) cost one page build per change of it, not
// one per reader.
//
// Correct by construction: a key names everything a body depends on — the
// stream, how many of its events the history counts (the events at or before
// the as-at position: a new event, or another as_of that reaches another
// event, makes another key), offset, limit and order. Stored events never
// change, so an entry never goes stale (except a person's, whose personal
// fields read as "erased person" once erased: their pages are not kept); pages of older versions simply stop
// being asked for and fall out, least recently used first. The body does not
// depend on the caller: history needs the read permission, which is not
// scoped to a group (api/auth/role.h). A caller-dependent answer would have
// to add the caller's visibility to the key.
//
// Bounded by bytes, not entries: an entry costs its key twice (the second
// for the shape it may be marked current for), its body and
// kEntryOverheadBytes (list and map nodes, the shared string). Inserting past
// the budget drops the least recently used entries first; a body larger than
// the whole budget is not kept. A budget of 0 keeps nothing. Not persisted.
//
// One build per page: while a reader builds a page (FindOrBuild), others
// asking for the same key wait for that build and share its body, so a
// change of a much-read entity (a board's projector and every member's
// screen) costs one build, not one per reader. If the build fails, each
// waiter builds for itself.
//
// Current pages: a page built for a request without as_of can be marked
// current (MarkCurrent) with the log head (EventStore::Head) read before its
// count. While the log head is still that position no event has been
// committed since, so FindCurrent answers the page's shape (stream, offset,
// limit, order) from memory, without reading the store: the I/O thread can
// answer it (RouteOptions::answer_inline). Any commit, of any stream, moves
// the head and the next request counts the stream again (Find/FindOrBuild).
// One entry per shape is current; it is dropped with its entry.
//
// Thread safety: every method may be called concurrently (one mutex; a hit
// holds it only to move its entry to the front; a build runs outside it).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/result.h"

namespace assure::api {

class HistoryPageCache {
 public:
  // The default budget (config storage.history_cache_bytes): 16 MiB, some
  // 500 pages of 100 changes.
  static constexpr std::size_t kDefaultBudgetBytes = 16u << 20;
  static constexpr std::size_t kEntryOverheadBytes = 160;

  explicit HistoryPageCache(std::size_t budget_bytes = kDefaultBudgetBytes) : budget_(budget_bytes) {}

  // The key of the page [offset, offset + limit) in `order` of the first
  // `count` events of `stream`.
  static std::string Key(std::string_view stream, std::uint64_t count, std::uint64_t offset,
                         std::uint64_t limit, std::string_view order);
  // The same key from the page's Shape (below): the shape, NUL, the count.
  static std::string KeyOf(std::string shape, std::uint64_t count);

  // The body stored under `key`, if any (and marks it most recently used).
  std::shared_ptr<const std::string> Find(const std::string& key);
  // Keeps `body` under `key` (an entry already there stays) within the budget.
  void Insert(std::string key, std::string body);
  // The body under `key`; when absent, the body of the build of it already
  // running, else `build`'s (then kept). An error is `build`'s own.
  Result<std::shared_ptr<const std::string>> FindOrBuild(const std::string& key,
                                                         const std::function<Result<std::string>()>& build);
  // The shape of a page (Key without the count): what FindCurrent looks up.
  static std::string Shape(std::string_view stream, std::uint64_t offset, std::uint64_t limit,
                           std::string_view order);
  // Marks the entry under `key` (if kept) as the current page of `shape` as
  // at log head `head`: read before the count in `key`, so the body holds
  // every event up to it. A mark with an older head than the shape's
  // current one is ignored.
  void MarkCurrent(const std::string& key, const std::string& shape, std::uint64_t head);
  // The current page of `shape` if it was marked at `head` (and marks it most
  // recently used). Never waits for a build.
  std::shared_ptr<const std::string> FindCurrent(const std::string& shape, std::uint64_t head);
  // Readers waiting for another's build now (for tests).
  std::size_t waiting() const;

  std::size_t budget_bytes() const { return budget_; }
  // What the entries cost now (always <= budget_bytes()), and how many.
  std::size_t bytes() const;
  std::size_t entries() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> body;
    std::size_t cost = 0;  // charges the key twice: room for a shape (shorter)
    std::string shape;     // non-empty: the current page of this shape
    std::uint64_t head = 0;  // ... as at this log head
  };
  using Lru = std::list<Entry>;  // most recently used first

  // A build in progress; its waiters hold it until it is done.
  struct Flight {
    bool done = false;
    std::shared_ptr<const std::string> body;  // null: the build failed
  };

  std::shared_ptr<const std::string> FindLocked(const std::string& key);
  void InsertLocked(std::string key, std::shared_ptr<const std::string> body, std::size_t cost);
  static std::size_t Cost(const std::string& key, const std::string& body) {
    return 2 * key.size() + body.size() + kEntryOverheadBytes;
  }

  const std::size_t budget_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable built_;  // a Flight is done
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
  std::size_t waiting_ = 0;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> index_;  // views into lru_'s keys
  std::unordered_map<std::string_view, Lru::iterator> current_;  // views into lru_'s shapes
  std::size_t bytes_ = 0;
};

}  // namespace assure::api
