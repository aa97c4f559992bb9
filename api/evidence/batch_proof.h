// A batch inclusion proof: that the events at a set of positions are leaves
// of the Merkle tree of `tree_size` (storage/merkle.h, RFC 9162).
//
// Instead of one audit path per event (about log2(n) hashes each, 640 MB for
// 500,000 events of a 1,000,000-event log), the proof lists the hashes of
// the maximal subtrees, in RFC 9162's split of D[0:n], that hold none of the
// proven leaves, left to right. A verifier recomputes the root from the
// leaves it has and those subtree hashes (FORMAT.md section 6.4); each
// event's RFC 9162 audit path is derivable from it, so it proves the same.
// Its size is O(k log(n/k)) hashes for k proven leaves.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "storage/types.h"

namespace assure::api {

// The hash of leaves [lo, hi) (0-based leaf indices; leaf i is position i+1).
struct SubtreeHash {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  storage::Hash256 hash{};
};

struct BatchProof {
  std::uint64_t tree_size = 0;
  std::vector<std::uint64_t> positions;  // ascending, 1-based
  std::vector<SubtreeHash> nodes;        // left to right
};

// Builds the proof for `positions` (ascending, unique, all <= tree_size).
// `leaf(i)` gives the leaf hash of leaf index i for every i below the last
// proven leaf's index; `right_path` is the RFC 9162 inclusion proof of the
// last proven position in the tree of tree_size (it supplies the subtrees to
// its right). Returns the proof and checks it reproduces `root`.
Result<BatchProof> BuildBatchProof(std::uint64_t tree_size, std::vector<std::uint64_t> positions,
                                   const std::function<storage::Hash256(std::uint64_t)>& leaf,
                                   const std::vector<storage::Hash256>& right_path,
                                   const storage::Hash256& root);

// Recomputes the root from the proof and the proven leaves' hashes
// (leaf_hashes[i] for proof.positions[i]). Ok when it equals `root`;
// otherwise kCorruption saying where the proof broke.
Status VerifyBatchProof(const BatchProof& proof, const std::vector<storage::Hash256>& leaf_hashes,
                        const storage::Hash256& root);

}  // namespace assure::api
