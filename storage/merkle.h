// A Merkle tree over the log, in the style of RFC 9162 (Certificate
// Transparency v2), section 2.1. Leaf i (0-based) is the event at position
// i + 1.
//
//   leaf hash  = SHA-256(0x00 || canonical event bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n
//
// The store keeps the hash of every complete subtree (level L, index i covers
// leaves [i*2^L, (i+1)*2^L)), written in the same batch as the events, so any
// root, inclusion proof or consistency proof needs O(log^2 n) node look-ups
// at most. The verification functions are pure and need no store: an
// assessor's tool runs them offline (FORMAT.md section 4).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "storage/types.h"

namespace assure::storage {

Hash256 MerkleLeafHash(std::string_view canonical_bytes);
Hash256 MerkleNodeHash(const Hash256& left, const Hash256& right);
Hash256 MerkleEmptyRoot();

struct MerkleNode {
  std::uint8_t level;
  std::uint64_t index;
  Hash256 hash;
};

// The right edge of the tree: one complete subtree per set bit of the size.
// Appending a leaf yields the complete nodes it creates (the leaf itself and
// every parent it completes).
class MerkleFrontier {
 public:
  std::uint64_t size() const { return size_; }
  void Append(const Hash256& leaf, std::vector<MerkleNode>* created);
  // The root of the tree of size(), from the frontier alone.
  Hash256 Root() const;
  // Rebuilds the frontier of a tree of `size` leaves from stored nodes.
  static Result<MerkleFrontier> Load(
      std::uint64_t size,
      const std::function<Result<Hash256>(std::uint8_t level, std::uint64_t index)>& node);

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash256> by_level_;  // by_level_[L]: valid when bit L of size_ is set
};

// Fetches the stored hash of a complete subtree.
using NodeSource = std::function<Result<Hash256>(std::uint8_t level, std::uint64_t index)>;

// MTH of leaves [lo, hi).
Result<Hash256> MerkleSubtreeRoot(std::uint64_t lo, std::uint64_t hi, const NodeSource& node);
// RFC 9162 2.1.3.1 PATH(m, D[n]): the audit path of leaf m in the tree of size n.
Result<std::vector<Hash256>> MerkleInclusionProof(std::uint64_t m, std::uint64_t n,
                                                  const NodeSource& node);
// RFC 9162 2.1.4.1 PROOF(m, D[n]): consistency of the tree of size m with n.
Result<std::vector<Hash256>> MerkleConsistencyProof(std::uint64_t m, std::uint64_t n,
                                                    const NodeSource& node);

// RFC 9162 2.1.3.2: true when `proof` shows leaf `m` with `leaf_hash` is in
// the tree of size `n` with `root`.
bool VerifyMerkleInclusion(std::uint64_t m, std::uint64_t n, const Hash256& leaf_hash,
                           const std::vector<Hash256>& proof, const Hash256& root);
// RFC 9162 2.1.4.2: true when `proof` shows the tree of size m with root
// `first` is a prefix of the tree of size n with root `second`.
bool VerifyMerkleConsistency(std::uint64_t m, std::uint64_t n, const Hash256& first,
                             const Hash256& second, const std::vector<Hash256>& proof);

}  // namespace assure::storage
