// The Merkle tree against a naive transcription of RFC 9162's definitions
// (MTH, PATH, PROOF computed directly from the list of leaves).
#include "storage/merkle.h"

#include <gtest/gtest.h>

#include "storage/codec.h"
#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using Leaves = std::vector<Hash256>;

Hash256 NaiveMth(const Leaves& d, std::size_t lo, std::size_t hi) {
  if (hi - lo == 0) return MerkleEmptyRoot();
  if (hi - lo == 1) return d[lo];
  std::size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return MerkleNodeHash(NaiveMth(d, lo, lo + k), NaiveMth(d, lo + k, hi));
}

void NaivePath(const Leaves& d, std::size_t m, std::size_t lo, std::size_t hi, Leaves* out) {
  if (hi - lo <= 1) return;
  std::size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  if (m < k) {
    NaivePath(d, m, lo, lo + k, out);
    out->push_back(NaiveMth(d, lo + k, hi));
  } else {
    NaivePath(d, m - k, lo + k, hi, out);
    out->push_back(NaiveMth(d, lo, lo + k));
  }
}

void NaiveSubProof(const Leaves& d, std::size_t m, std::size_t lo, std::size_t hi, bool b,
                   Leaves* out) {
  std::size_t n = hi - lo;
  if (m == n) {
    if (!b) out->push_back(NaiveMth(d, lo, hi));
    return;
  }
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) {
    NaiveSubProof(d, m, lo, lo + k, b, out);
    out->push_back(NaiveMth(d, lo + k, hi));
  } else {
    NaiveSubProof(d, m - k, lo + k, hi, false, out);
    out->push_back(NaiveMth(d, lo, lo + k));
  }
}

class MerkleTest : public ::testing::Test {
 protected:
  void Fill(EventStore& store, int n) {
    for (int i = 0; i < n; ++i) {
      auto r = store.Append("s" + std::to_string(i % 3), ExpectedVersion::Any(),
                            testing::One("E", R"({"i":)" + std::to_string(i) + "}"));
      ASSERT_TRUE(r.ok());
      leaves_.push_back(MerkleLeafHash(CanonicalBytes(*store.ReadEvent(r->first_position))));
    }
  }
  Leaves leaves_;
};

TEST_F(MerkleTest, RootsProofsAndVerificationMatchTheRfcForEverySize) {
  auto store = NewMemoryStore();
  Fill(*store, 70);
  EXPECT_EQ(*store->MerkleRoot(0), MerkleEmptyRoot());
  for (std::size_t n = 1; n <= 70; ++n) {
    Hash256 root = NaiveMth(leaves_, 0, n);
    ASSERT_EQ(*store->MerkleRoot(n), root) << n;
    for (std::size_t m = 0; m < n; ++m) {
      Leaves expect;
      NaivePath(leaves_, m, 0, n, &expect);
      auto proof = store->InclusionProof(m + 1, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, expect) << m << "/" << n;
      ASSERT_TRUE(VerifyMerkleInclusion(m, n, leaves_[m], *proof, root)) << m << "/" << n;
      // Another leaf, index or root fails.
      ASSERT_FALSE(VerifyMerkleInclusion(m, n, leaves_[(m + 1) % 70], *proof, root));
      if (n > 1) {
        ASSERT_FALSE(VerifyMerkleInclusion((m + 1) % n, n, leaves_[m], *proof, root));
      }
      ASSERT_FALSE(VerifyMerkleInclusion(m, n, leaves_[m], *proof, MerkleEmptyRoot()));
    }
    for (std::size_t m = 1; m <= n; ++m) {
      Leaves expect;
      if (m < n) NaiveSubProof(leaves_, m, 0, n, true, &expect);
      auto proof = store->ConsistencyProof(m, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, expect) << m << "/" << n;
      Hash256 first = NaiveMth(leaves_, 0, m);
      ASSERT_TRUE(VerifyMerkleConsistency(m, n, first, root, *proof)) << m << "/" << n;
      if (m < n) {
        ASSERT_FALSE(VerifyMerkleConsistency(m, n, leaves_[5], root, *proof)) << m << "/" << n;
        ASSERT_FALSE(VerifyMerkleConsistency(m, n, first, leaves_[5], *proof)) << m << "/" << n;
        Leaves bad = *proof;
        bad.back()[0] ^= 1;
        ASSERT_FALSE(VerifyMerkleConsistency(m, n, first, root, bad)) << m << "/" << n;
      }
    }
  }
}

TEST_F(MerkleTest, BadArgumentsAreErrors) {
  auto store = NewMemoryStore();
  Fill(*store, 5);
  EXPECT_EQ(store->MerkleRoot(6).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->InclusionProof(0, 5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->InclusionProof(6, 5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->InclusionProof(3, 6).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->ConsistencyProof(4, 3).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->ConsistencyProof(1, 9).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->MerkleLeaves(6).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MerkleTest, StoredLeavesAreTheEventsLeafHashes) {
  auto store = NewMemoryStore();
  Fill(*store, 40);
  for (std::uint64_t count : {0, 1, 17, 40}) {
    auto leaves = store->MerkleLeaves(count);
    ASSERT_TRUE(leaves.ok()) << leaves.error().message;
    EXPECT_EQ(*leaves, Leaves(leaves_.begin(), leaves_.begin() + static_cast<std::ptrdiff_t>(count))) << count;
  }
}

TEST_F(MerkleTest, TheTreeContinuesAfterReopen) {
  testing::TempDir dir;
  {
    auto store = OpenRocksStore(dir.sub("db"));
    ASSERT_TRUE(store.ok());
    Fill(**store, 13);
  }
  auto store = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(store.ok());
  Fill(**store, 20);  // positions 14..33
  ASSERT_EQ(leaves_.size(), 33u);
  EXPECT_EQ(*(*store)->MerkleRoot(33), NaiveMth(leaves_, 0, 33));
  EXPECT_EQ(*(*store)->MerkleRoot(13), NaiveMth(leaves_, 0, 13));
  EXPECT_EQ(*(*store)->MerkleLeaves(33), leaves_);
  auto proof = (*store)->InclusionProof(7, 33);
  EXPECT_TRUE(VerifyMerkleInclusion(6, 33, leaves_[6], *proof, NaiveMth(leaves_, 0, 33)));
}

// The upper levels of the tree (LogStore::kUpperLevel and above) are held in
// memory (loaded at open, extended as groups commit): every proof across a
// reopen equals the RFC's, with nodes of levels up to 6 loaded at open and
// of level 7 added after it.
TEST_F(MerkleTest, ProofsAcrossAReopenMatchTheRfc) {
  testing::TempDir dir;
  {
    auto store = OpenRocksStore(dir.sub("db"));
    ASSERT_TRUE(store.ok());
    Fill(**store, 70);
  }
  auto store = OpenRocksStore(dir.sub("db"));
  ASSERT_TRUE(store.ok());
  Fill(**store, 60);  // positions 71..130
  for (std::size_t n = 1; n <= leaves_.size(); ++n) {
    ASSERT_EQ(*(*store)->MerkleRoot(n), NaiveMth(leaves_, 0, n)) << n;
    for (std::size_t m = 0; m < n; ++m) {
      Leaves expect;
      NaivePath(leaves_, m, 0, n, &expect);
      ASSERT_EQ(*(*store)->InclusionProof(m + 1, n), expect) << m << "/" << n;
    }
    for (std::size_t m = 1; m < n; ++m) {
      Leaves expect;
      NaiveSubProof(leaves_, m, 0, n, true, &expect);
      ASSERT_EQ(*(*store)->ConsistencyProof(m, n), expect) << m << "/" << n;
    }
  }
}

TEST_F(MerkleTest, AnAlteredEventNoLongerProvesInclusion) {
  auto store = NewMemoryStore();
  Fill(*store, 10);
  auto e = *store->ReadEvent(4);
  auto proof = *store->InclusionProof(4, 10);
  Hash256 root = *store->MerkleRoot(10);
  EXPECT_TRUE(VerifyMerkleInclusion(3, 10, MerkleLeafHash(CanonicalBytes(e)), proof, root));
  e.data = R"({"i":999})";
  EXPECT_FALSE(VerifyMerkleInclusion(3, 10, MerkleLeafHash(CanonicalBytes(e)), proof, root));
}

}  // namespace
}  // namespace assure::storage
