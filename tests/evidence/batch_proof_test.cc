// Batch inclusion proofs (api/evidence/batch_proof.h) against the RFC 9162
// tree the store keeps: every size up to 100 and many sets of proven
// positions (none, all, prefixes, runs, single leaves, random), built and
// verified, and tampered with.
#include "api/evidence/batch_proof.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "storage/merkle.h"

namespace assure::api {
namespace {

storage::Hash256 Leaf(std::uint64_t i) { return storage::MerkleLeafHash("leaf " + std::to_string(i)); }

// The stored-node view of a tree of leaves: the hash of the complete subtree
// (level, index), from the leaves.
storage::Hash256 Node(std::uint8_t level, std::uint64_t index) {
  if (level == 0) return Leaf(index);
  return storage::MerkleNodeHash(Node(level - 1, 2 * index), Node(level - 1, 2 * index + 1));
}

void Check(std::uint64_t n, const std::vector<std::uint64_t>& positions) {
  SCOPED_TRACE("size " + std::to_string(n) + ", " + std::to_string(positions.size()) + " proven");
  const storage::NodeSource node = [](std::uint8_t l, std::uint64_t i) -> Result<storage::Hash256> {
    return Node(l, i);
  };
  const storage::Hash256 root = *storage::MerkleSubtreeRoot(0, n, node);
  std::vector<storage::Hash256> right;
  if (!positions.empty()) right = *storage::MerkleInclusionProof(positions.back() - 1, n, node);
  auto proof = BuildBatchProof(n, positions, [](std::uint64_t i) { return Leaf(i); }, right, root);
  ASSERT_TRUE(proof.ok()) << proof.error().message;
  std::vector<storage::Hash256> leaves;
  for (auto p : positions) leaves.push_back(Leaf(p - 1));
  EXPECT_TRUE(VerifyBatchProof(*proof, leaves, root).ok());
  storage::Hash256 other = root;
  other[0] ^= 1;
  EXPECT_FALSE(VerifyBatchProof(*proof, leaves, other).ok());
  if (!leaves.empty()) {
    auto edited = leaves;
    edited[edited.size() / 2][5] ^= 0x40;
    EXPECT_FALSE(VerifyBatchProof(*proof, edited, root).ok());
  }
  if (!proof->nodes.empty()) {
    auto forged = *proof;
    forged.nodes[forged.nodes.size() / 2].hash[7] ^= 2;
    EXPECT_FALSE(VerifyBatchProof(forged, leaves, root).ok());
    auto short_proof = *proof;
    short_proof.nodes.pop_back();
    EXPECT_FALSE(VerifyBatchProof(short_proof, leaves, root).ok());
  }
  // The proof holds exactly the subtrees with no proven leaf, maximal ones.
  for (const auto& s : proof->nodes) {
    for (auto p : positions) EXPECT_FALSE(p - 1 >= s.lo && p - 1 < s.hi) << s.lo << ".." << s.hi;
  }
}

TEST(BatchProofTest, EveryShapeBuildsVerifiesAndCatchesTampering) {
  std::mt19937_64 rng(20261128);
  for (std::uint64_t n = 1; n <= 100; ++n) {
    std::vector<std::uint64_t> all, odd;
    for (std::uint64_t p = 1; p <= n; ++p) {
      all.push_back(p);
      if (p % 2) odd.push_back(p);
    }
    Check(n, {});
    Check(n, all);
    Check(n, odd);
    Check(n, {1});
    Check(n, {n});
    Check(n, {(n + 1) / 2});
    for (std::uint64_t k : {n / 3, n / 2, n - 1}) {
      if (k == 0) continue;
      Check(n, std::vector<std::uint64_t>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k)));  // a prefix
      Check(n, std::vector<std::uint64_t>(all.end() - static_cast<std::ptrdiff_t>(k), all.end()));    // a suffix
    }
    for (int round = 0; round < 3; ++round) {
      std::vector<std::uint64_t> some;
      const std::uint64_t keep = 1 + rng() % 4;  // about 1 in 2, 3, 4 or 5 kept, in runs
      for (std::uint64_t p = 1; p <= n; ++p) {
        if (rng() % (keep + 1) != 0) some.push_back(p);
      }
      Check(n, some);
    }
  }
}

}  // namespace
}  // namespace assure::api
