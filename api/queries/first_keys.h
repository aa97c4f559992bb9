// FirstKeys: the first n of a stream of keys in their order (Key's
// operator<), holding n of them at most: a list sorted across the whole read
// model pages without keeping every row (ListOpenActions, DecisionLog,
// AttendanceOf, ListDocumentsForReview), answering a ListPage.
//
// Thread safety: none; one per call.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace assure::api {

// One page of a list: its rows from `offset`, at most `limit` of them, and
// how many rows the list has in all.
struct ListPage {
  std::vector<nlohmann::json> items;
  std::size_t total = 0;
};

template <class Key>
class FirstKeys {
 public:
  // Keeps the first offset + limit (all of them when that overflows).
  FirstKeys(std::size_t offset, std::size_t limit)
      : offset_(offset), n_(offset > SIZE_MAX - limit ? SIZE_MAX : offset + limit) {}

  void Offer(Key key) {
    ++offered_;
    if (heap_.size() == n_) {
      if (n_ == 0 || !(key < heap_.top())) return;
      heap_.pop();
    }
    heap_.push(std::move(key));
  }
  // Keys offered in all.
  std::size_t offered() const { return offered_; }
  // The page's keys: those kept from `offset` on, first first.
  std::vector<Key> Page() && {
    std::vector<Key> out;
    const std::size_t skipped = std::min(offset_, heap_.size());
    out.reserve(heap_.size() - skipped);
    while (heap_.size() > skipped) {
      out.push_back(heap_.top());
      heap_.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  std::size_t offset_;
  std::size_t n_;
  std::size_t offered_ = 0;
  std::priority_queue<Key> heap_;  // the last kept on top
};

}  // namespace assure::api
