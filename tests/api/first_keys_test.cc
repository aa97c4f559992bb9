// FirstKeys keeps the first offset + limit keys of a stream in order,
// whatever order they come in, counts them all, and answers those from
// offset on.
#include "api/queries/first_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace assure::api {
namespace {

TEST(FirstKeysTest, AnswersThePageOfTheKeysInOrder) {
  std::mt19937 rng(7);
  for (std::size_t n : {0u, 1u, 5u, 100u}) {
    std::vector<int> keys(n);
    for (auto& k : keys) k = static_cast<int>(rng() % 20);  // ties too
    std::vector<int> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t offset : {std::size_t{0}, std::size_t{3}, n, SIZE_MAX}) {
      for (std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
        FirstKeys<int> first(offset, limit);
        for (int k : keys) first.Offer(k);
        EXPECT_EQ(first.offered(), n);
        const std::vector<int> page = std::move(first).Page();
        const std::size_t from = std::min(n, offset);
        const std::size_t to = offset > SIZE_MAX - limit ? n : std::min(n, offset + limit);
        EXPECT_EQ(page, std::vector<int>(sorted.begin() + static_cast<std::ptrdiff_t>(from),
                                         sorted.begin() + static_cast<std::ptrdiff_t>(to)))
            << n << " keys, offset " << offset << ", limit " << limit;
      }
    }
  }
}

}  // namespace
}  // namespace assure::api
