#include "storage/merkle.h"

#include <bit>

#include "storage/codec.h"

namespace assure::storage {

namespace {

std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n) {  // n >= 2
  return std::bit_floor(n - 1);
}

bool IsAlignedComplete(std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t w = hi - lo;
  return std::has_single_bit(w) && lo % w == 0;
}

Result<void> Path(std::uint64_t m, std::uint64_t lo, std::uint64_t hi, const NodeSource& node,
                  std::vector<Hash256>* out) {
  if (hi - lo <= 1) return {};
  std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
  if (m < k) {
    ASSURE_TRY(Path(m, lo, lo + k, node, out));
    auto right = MerkleSubtreeRoot(lo + k, hi, node);
    if (!right.ok()) return right.error();
    out->push_back(*right);
  } else {
    ASSURE_TRY(Path(m - k, lo + k, hi, node, out));
    auto left = MerkleSubtreeRoot(lo, lo + k, node);
    if (!left.ok()) return left.error();
    out->push_back(*left);
  }
  return {};
}

Result<void> SubProof(std::uint64_t m, std::uint64_t lo, std::uint64_t hi, bool b,
                      const NodeSource& node, std::vector<Hash256>* out) {
  std::uint64_t n = hi - lo;
  if (m == n) {
    if (!b) {
      auto root = MerkleSubtreeRoot(lo, hi, node);
      if (!root.ok()) return root.error();
      out->push_back(*root);
    }
    return {};
  }
  std::uint64_t k = LargestPowerOfTwoBelow(n);
  if (m <= k) {
    ASSURE_TRY(SubProof(m, lo, lo + k, b, node, out));
    auto right = MerkleSubtreeRoot(lo + k, hi, node);
    if (!right.ok()) return right.error();
    out->push_back(*right);
  } else {
    ASSURE_TRY(SubProof(m - k, lo + k, hi, false, node, out));
    auto left = MerkleSubtreeRoot(lo, lo + k, node);
    if (!left.ok()) return left.error();
    out->push_back(*left);
  }
  return {};
}

}  // namespace

namespace {
std::string_view Bytes(const Hash256& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}
}  // namespace

Hash256 MerkleLeafHash(std::string_view canonical_bytes) {
  return Sha256Of({std::string_view("\x00", 1), canonical_bytes});
}

Hash256 MerkleNodeHash(const Hash256& left, const Hash256& right) {
  return Sha256Of({std::string_view("\x01", 1), Bytes(left), Bytes(right)});
}

Hash256 MerkleEmptyRoot() { return Sha256(""); }

void MerkleFrontier::Append(const Hash256& leaf, std::vector<MerkleNode>* created) {
  Hash256 carry = leaf;
  std::uint64_t index = size_;
  std::uint8_t level = 0;
  created->push_back({0, index, leaf});
  while ((size_ >> level) & 1) {
    carry = MerkleNodeHash(by_level_[level], carry);
    ++level;
    index >>= 1;
    created->push_back({level, index, carry});
  }
  if (by_level_.size() <= level) by_level_.resize(level + 1);
  by_level_[level] = carry;
  ++size_;
}

Hash256 MerkleFrontier::Root() const {
  if (size_ == 0) return MerkleEmptyRoot();
  // Fold the complete subtrees from the smallest (rightmost) up.
  std::optional<Hash256> acc;
  for (std::size_t level = 0; level < 64; ++level) {
    if (!((size_ >> level) & 1)) continue;
    acc = acc ? MerkleNodeHash(by_level_[level], *acc) : by_level_[level];
  }
  return *acc;
}

Result<MerkleFrontier> MerkleFrontier::Load(std::uint64_t size, const NodeSource& node) {
  MerkleFrontier f;
  f.size_ = size;
  std::uint64_t start = 0;
  for (int level = 63; level >= 0; --level) {
    if (!((size >> level) & 1)) continue;
    auto h = node(static_cast<std::uint8_t>(level), start >> level);
    if (!h.ok()) return h.error();
    if (f.by_level_.size() <= static_cast<std::size_t>(level)) f.by_level_.resize(level + 1);
    f.by_level_[level] = *h;
    start += std::uint64_t{1} << level;
  }
  return f;
}

Result<Hash256> MerkleSubtreeRoot(std::uint64_t lo, std::uint64_t hi, const NodeSource& node) {
  if (hi <= lo) return MerkleEmptyRoot();
  if (IsAlignedComplete(lo, hi)) {
    return node(static_cast<std::uint8_t>(std::countr_zero(hi - lo)), lo / (hi - lo));
  }
  std::uint64_t k = LargestPowerOfTwoBelow(hi - lo);
  auto left = MerkleSubtreeRoot(lo, lo + k, node);
  if (!left.ok()) return left.error();
  auto right = MerkleSubtreeRoot(lo + k, hi, node);
  if (!right.ok()) return right.error();
  return MerkleNodeHash(*left, *right);
}

Result<std::vector<Hash256>> MerkleInclusionProof(std::uint64_t m, std::uint64_t n,
                                                  const NodeSource& node) {
  if (m >= n) {
    return MakeError(ErrorCode::kInvalidArgument, "the leaf is not in a tree of that size");
  }
  std::vector<Hash256> out;
  auto s = Path(m, 0, n, node, &out);
  if (!s.ok()) return s.error();
  return out;
}

Result<std::vector<Hash256>> MerkleConsistencyProof(std::uint64_t m, std::uint64_t n,
                                                    const NodeSource& node) {
  if (m > n) return MakeError(ErrorCode::kInvalidArgument, "the first size is larger than the second");
  std::vector<Hash256> out;
  if (m == 0 || m == n) return out;
  auto s = SubProof(m, 0, n, true, node, &out);
  if (!s.ok()) return s.error();
  return out;
}

bool VerifyMerkleInclusion(std::uint64_t m, std::uint64_t n, const Hash256& leaf_hash,
                           const std::vector<Hash256>& proof, const Hash256& root) {
  if (m >= n) return false;
  std::uint64_t fn = m, sn = n - 1;
  Hash256 r = leaf_hash;
  for (const Hash256& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = MerkleNodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyMerkleConsistency(std::uint64_t m, std::uint64_t n, const Hash256& first,
                             const Hash256& second, const std::vector<Hash256>& proof) {
  if (m > n) return false;
  if (m == n) return proof.empty() && first == second;
  if (m == 0) return proof.empty();  // the empty tree is a prefix of every tree
  std::vector<Hash256> path = proof;
  if (std::has_single_bit(m)) path.insert(path.begin(), first);
  if (path.empty()) return false;
  std::uint64_t fn = m - 1, sn = n - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash256 fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    if (sn == 0) return false;
    const Hash256& c = path[i];
    if ((fn & 1) || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first && sr == second && sn == 0;
}

}  // namespace assure::storage
