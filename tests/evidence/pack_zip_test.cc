#include "api/evidence/pack_zip.h"

#include <gtest/gtest.h>

#include <string>

namespace assure::api {
namespace {

bool Inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Entries on both sides of kDeflateLimit: small ones are deflated, the large
// one stored.
ZipEntries SampleEntries() {
  std::string large(kDeflateLimit + 4097, '\0');
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + (i * 7919) % 26);
  return {{"a.txt", "hello, zip"},
          {"big.jsonl", std::move(large)},
          {"documents/empty", ""},
          {"z.json", std::string(3000, '{')}};
}

TEST(PackZip, StoredEntriesAreViewedInPlaceAndTheRestInflated) {
  const ZipEntries entries = SampleEntries();
  auto zip = WriteZip(entries);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  ZipReadLimits limits;
  limits.skip_stored_crc = true;
  ZipEntries owned;
  auto views = ReadZipViews(*zip, owned, limits);
  ASSERT_TRUE(views.ok()) << views.error().message;
  ASSERT_EQ(views->size(), entries.size());
  for (const auto& [name, content] : entries) {
    ASSERT_TRUE(views->count(name)) << name;
    EXPECT_EQ(views->at(name), content) << name;
  }
  // The stored entry is a view into the archive, not a copy.
  EXPECT_TRUE(Inside(views->at("big.jsonl"), *zip));
  EXPECT_FALSE(owned.count("big.jsonl"));
  // Deflated entries are inflated into `owned`.
  EXPECT_TRUE(owned.count("a.txt"));
  EXPECT_FALSE(Inside(views->at("a.txt"), *zip));

  // Without skip_stored_crc everything is read into `owned` and checked.
  ZipEntries copies;
  auto checked = ReadZipViews(*zip, copies, {});
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_FALSE(Inside(checked->at("big.jsonl"), *zip));
  EXPECT_EQ(copies.size(), entries.size());
  auto whole = ReadZip(*zip, limits);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, entries);
}

TEST(PackZip, ADamagedStoredEntryFailsItsCrcUnlessTheCallerChecksHashes) {
  const ZipEntries entries = SampleEntries();
  auto zip = WriteZip(entries);
  ASSERT_TRUE(zip.ok());
  std::string damaged = *zip;
  const auto at = damaged.find(entries.at("big.jsonl").substr(1000, 64));
  ASSERT_NE(at, std::string::npos);
  damaged[at + 10] = damaged[at + 10] == 'q' ? 'r' : 'q';

  auto checked = ReadZip(damaged);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(checked.error().message.find("big.jsonl"), std::string::npos) << checked.error().message;

  // skip_stored_crc: the bytes are handed over as they are (the pack
  // verifier then finds them not matching MANIFEST.sha256).
  ZipReadLimits limits;
  limits.skip_stored_crc = true;
  ZipEntries owned;
  auto views = ReadZipViews(damaged, owned, limits);
  ASSERT_TRUE(views.ok()) << views.error().message;
  EXPECT_NE(views->at("big.jsonl"), entries.at("big.jsonl"));
  EXPECT_EQ(views->at("big.jsonl").size(), entries.at("big.jsonl").size());
  EXPECT_EQ(views->at("a.txt"), "hello, zip");
}

TEST(PackZip, NotAZipIsRefused) {
  ZipEntries owned;
  auto empty = ReadZipViews("", owned, {});  // libzip: an empty archive
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  for (std::string bytes : {std::string("PK\x03\x04 not really"), std::string(5000, 'x')}) {
    auto r = ReadZipViews(bytes, owned, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  }
}

}  // namespace
}  // namespace assure::api
