#include "api/evidence/batch_proof.h"

#include <algorithm>
#include <map>

#include "storage/merkle.h"

namespace assure::api {

namespace {

std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH of the `n` leaves leaf(first), ..., leaf(first + n - 1).
template <typename Leaf>
storage::Hash256 RootOfLeaves(std::uint64_t first, std::uint64_t n, const Leaf& leaf) {
  if (n == 1) return leaf(first);
  const std::uint64_t k = LargestPowerOfTwoBelow(n);
  return storage::MerkleNodeHash(RootOfLeaves(first, k, leaf), RootOfLeaves(first + k, n - k, leaf));
}

// How many proven leaves (0-based indices = positions - 1) lie in [lo, hi).
std::size_t CountIn(const std::vector<std::uint64_t>& positions, std::uint64_t lo,
                    std::uint64_t hi) {
  auto a = std::lower_bound(positions.begin(), positions.end(), lo + 1);
  auto b = std::lower_bound(a, positions.end(), hi + 1);
  return static_cast<std::size_t>(b - a);
}

// The ranges of the RFC 9162 audit path of leaf m in D[lo:hi], in path order.
void PathRanges(std::uint64_t m, std::uint64_t lo, std::uint64_t hi,
                std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) {
  if (hi - lo <= 1) return;
  const std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
  if (m - lo < k) {
    PathRanges(m, lo, lo + k, out);
    out.emplace_back(lo + k, hi);
  } else {
    PathRanges(m, lo + k, hi, out);
    out.emplace_back(lo, lo + k);
  }
}

class Builder {
 public:
  Builder(const std::vector<std::uint64_t>& positions,
          const std::function<storage::Hash256(std::uint64_t)>& leaf,
          std::map<std::pair<std::uint64_t, std::uint64_t>, storage::Hash256> right,
          std::uint64_t last_index, std::vector<SubtreeHash>& nodes)
      : positions_(positions), leaf_(leaf), right_(std::move(right)), last_(last_index),
        nodes_(nodes) {}

  Result<storage::Hash256> Mth(std::uint64_t lo, std::uint64_t hi) {
    const std::size_t proven = CountIn(positions_, lo, hi);
    // Every leaf proven: the subtree needs no proof hash, only its leaves.
    if (proven == hi - lo && hi <= last_ + 1) return FromLeaves(lo, hi);
    if (proven == 0) {
      storage::Hash256 h;
      if (hi <= last_ + 1) {
        h = FromLeaves(lo, hi);
      } else {
        auto it = right_.find({lo, hi});
        if (it == right_.end()) {
          return MakeError(ErrorCode::kInternal, "batch proof: no hash for leaves [" +
                                                     std::to_string(lo) + ", " +
                                                     std::to_string(hi) + ")");
        }
        h = it->second;
      }
      nodes_.push_back({lo, hi, h});
      return h;
    }
    if (hi - lo == 1) return leaf_(lo);
    const std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
    auto l = Mth(lo, lo + k);
    if (!l.ok()) return l;
    auto r = Mth(lo + k, hi);
    if (!r.ok()) return r;
    return storage::MerkleNodeHash(*l, *r);
  }

 private:
  storage::Hash256 FromLeaves(std::uint64_t lo, std::uint64_t hi) { return RootOfLeaves(lo, hi - lo, leaf_); }

  const std::vector<std::uint64_t>& positions_;
  const std::function<storage::Hash256(std::uint64_t)>& leaf_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, storage::Hash256> right_;
  std::uint64_t last_;
  std::vector<SubtreeHash>& nodes_;
};

class Verifier {
 public:
  Verifier(const BatchProof& p, const std::vector<storage::Hash256>& leaves)
      : p_(p), leaves_(leaves) {}

  Result<storage::Hash256> Mth(std::uint64_t lo, std::uint64_t hi) {
    const std::size_t proven = CountIn(p_.positions, lo, hi);
    if (proven == hi - lo) {  // every leaf given: hash them, no proof hash is used
      auto it = std::lower_bound(p_.positions.begin(), p_.positions.end(), lo + 1);
      return RootOfLeaves(static_cast<std::uint64_t>(it - p_.positions.begin()), hi - lo,
                          [this](std::uint64_t i) { return leaves_[i]; });
    }
    if (proven == 0) {
      if (next_ >= p_.nodes.size()) {
        return MakeError(ErrorCode::kCorruption, "the proof has no hash for leaves [" +
                                                     std::to_string(lo) + ", " +
                                                     std::to_string(hi) + ")");
      }
      const auto& n = p_.nodes[next_++];
      if (n.lo != lo || n.hi != hi) {
        return MakeError(ErrorCode::kCorruption,
                         "proof node " + std::to_string(next_ - 1) + " covers [" +
                             std::to_string(n.lo) + ", " + std::to_string(n.hi) +
                             ") where leaves [" + std::to_string(lo) + ", " +
                             std::to_string(hi) + ") were expected");
      }
      return n.hash;
    }
    if (hi - lo == 1) {
      auto it = std::lower_bound(p_.positions.begin(), p_.positions.end(), lo + 1);
      return leaves_[static_cast<std::size_t>(it - p_.positions.begin())];
    }
    const std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
    auto l = Mth(lo, lo + k);
    if (!l.ok()) return l;
    auto r = Mth(lo + k, hi);
    if (!r.ok()) return r;
    return storage::MerkleNodeHash(*l, *r);
  }
  std::size_t used() const { return next_; }

 private:

  const BatchProof& p_;
  const std::vector<storage::Hash256>& leaves_;
  std::size_t next_ = 0;
};

}  // namespace

Result<BatchProof> BuildBatchProof(std::uint64_t tree_size, std::vector<std::uint64_t> positions,
                                   const std::function<storage::Hash256(std::uint64_t)>& leaf,
                                   const std::vector<storage::Hash256>& right_path,
                                   const storage::Hash256& root) {
  BatchProof proof;
  proof.tree_size = tree_size;
  proof.positions = std::move(positions);
  if (tree_size == 0) {
    if (!proof.positions.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty tree");
    return proof;
  }
  std::map<std::pair<std::uint64_t, std::uint64_t>, storage::Hash256> right;
  std::uint64_t last = 0;
  if (!proof.positions.empty()) {
    last = proof.positions.back() - 1;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    PathRanges(last, 0, tree_size, ranges);
    if (ranges.size() != right_path.size()) {
      return MakeError(ErrorCode::kInternal, "batch proof: the audit path has the wrong length");
    }
    for (std::size_t i = 0; i < ranges.size(); ++i) right[ranges[i]] = right_path[i];
  } else {
    right[{0, tree_size}] = root;
  }
  Builder b(proof.positions, leaf, std::move(right), last, proof.nodes);
  auto got = b.Mth(0, tree_size);
  if (!got.ok()) return got.error();
  if (*got != root) {
    return MakeError(ErrorCode::kCorruption,
                     "batch proof: the store's leaves do not reproduce the checkpoint root");
  }
  return proof;
}

Status VerifyBatchProof(const BatchProof& proof, const std::vector<storage::Hash256>& leaf_hashes,
                        const storage::Hash256& root) {
  if (leaf_hashes.size() != proof.positions.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "one leaf hash per proven position is needed");
  }
  for (std::size_t i = 0; i < proof.positions.size(); ++i) {
    if (proof.positions[i] == 0 || proof.positions[i] > proof.tree_size ||
        (i > 0 && proof.positions[i] <= proof.positions[i - 1])) {
      return MakeError(ErrorCode::kCorruption,
                       "proven positions must ascend within 1.." + std::to_string(proof.tree_size));
    }
  }
  if (proof.tree_size == 0) {
    return root == storage::MerkleEmptyRoot()
               ? Status{}
               : Status(MakeError(ErrorCode::kCorruption, "the empty tree has another root"));
  }
  Verifier v(proof, leaf_hashes);
  auto got = v.Mth(0, proof.tree_size);
  if (!got.ok()) return got.error();
  if (v.used() != proof.nodes.size()) {
    return MakeError(ErrorCode::kCorruption, "the proof has " +
                                                 std::to_string(proof.nodes.size() - v.used()) +
                                                 " hash(es) more than its positions need");
  }
  if (*got != root) {
    return MakeError(ErrorCode::kCorruption,
                     "the events and proof hashes give root " + storage::HexEncode(*got) +
                         ", not the checkpoint's " + storage::HexEncode(root));
  }
  return {};
}

}  // namespace assure::api
