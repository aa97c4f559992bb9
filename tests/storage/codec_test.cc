// The canonical encoding and chain hash, checked against the worked example
// in storage/FORMAT.md (whose values tests/tools/verify_chain.py computes
// independently from the document).
#include <gtest/gtest.h>

#include <cctype>

#include "storage/codec.h"
#include "storage/event_store.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

constexpr const char* kCanonical1 =
    "0100000000000000010000001064656c6976657261626c652d3766336100000000000000000b7a5e0e3c1f4d8e"
    "9a551c2d3e4f5a6b0000001244656c6976657261626c6543726561746564000000010006128e0e9ba000000000"
    "09706572736f6e2d343200000000000000000000000000000006696d706f7274000000167b227469746c65223a"
    "224469676974616c2d3032227d";
constexpr const char* kHash1 = "b555ad77801937d0079d6fa3e3bfe07ff73e9bdbffa5de0e4db98beb11642fbb";
constexpr const char* kHash2 = "9397b40531b2ef0bf779c3ae58d8108cd745cbb4790efc96dfbee0383c24719c";

TEST(CodecTest, WorkedExampleFromFormatDocument) {
  auto clock = std::make_shared<testing::FakeClock>(1709251200000000);
  StoreOptions o;
  o.clock = clock;
  auto store = NewMemoryStore(o);
  ProposedEvent created;
  created.event_id = "0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6b";
  created.type = "DeliverableCreated";
  created.data = R"({"title": "Digital-02"})";
  created.metadata.actor = "person-42";
  created.metadata.source = "import";
  ASSERT_TRUE(store->Append("deliverable-7f3a", ExpectedVersion::NoStream(), {created}).ok());
  clock->Set(1709251260000000);
  ProposedEvent changed;
  changed.event_id = "5c1e8f4a-9b2d-4e6f-8a1b-2c3d4e5f6a7b";
  changed.type = "DeliverableRagbChanged";
  changed.data = R"({"to":"Amber","from":"Blue"})";
  changed.metadata.actor = "person-42";
  changed.metadata.reason = "Supplier delay";
  changed.metadata.source = "api";
  ASSERT_TRUE(store->Append("deliverable-7f3a", ExpectedVersion::Exact(0), {changed}).ok());

  auto e1 = store->ReadEvent(1);
  auto e2 = store->ReadEvent(2);
  ASSERT_TRUE(e1.ok() && e2.ok());
  std::string c1 = CanonicalBytes(*e1);
  EXPECT_EQ(HexEncode(reinterpret_cast<const std::uint8_t*>(c1.data()), c1.size()), kCanonical1);
  EXPECT_EQ(c1.size(), 148u);
  EXPECT_EQ(HexEncode(e1->hash), kHash1);
  EXPECT_EQ(HexEncode(e2->hash), kHash2);
  EXPECT_EQ(CanonicalBytes(*e2).size(), 169u);
}

TEST(CodecTest, StoredValueRoundTrips) {
  RecordedEvent e;
  e.position = 0x0102030405060708ULL;
  e.stream_id = "group-1";
  e.stream_version = 9;
  e.event_id = *Uuid::Parse("0B7A5E0E-3C1F-4D8E-9A55-1C2D3E4F5A6B");
  e.type = "GroupCreated";
  e.schema_version = 2;
  e.data = R"({"name":"Workforce SIG"})";
  e.metadata = {"a", "b", "c", "d", "e"};
  e.recorded_at_us = -5;  // before 1970 still round-trips
  e.hash = Sha256("x");
  auto d = DecodeEventValue(EncodeEventValue(e));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->position, e.position);
  EXPECT_EQ(d->stream_id, e.stream_id);
  EXPECT_EQ(d->event_id, e.event_id);
  EXPECT_EQ(d->metadata, e.metadata);
  EXPECT_EQ(d->recorded_at_us, -5);
  EXPECT_EQ(d->hash, e.hash);
  EXPECT_EQ(d->data, e.data);
}

TEST(CodecTest, MalformedValuesAreCorruptionNotCrashes) {
  RecordedEvent e;
  e.stream_id = "s";
  e.type = "T";
  e.data = "{}";
  std::string good = EncodeEventValue(e);
  EXPECT_EQ(DecodeEventValue("").error().code, ErrorCode::kCorruption);
  EXPECT_EQ(DecodeEventValue(good.substr(0, good.size() - 1)).error().code,
            ErrorCode::kCorruption);
  std::string trailing = good;
  trailing.insert(trailing.size() - 32, "x");
  EXPECT_EQ(DecodeEventValue(trailing).error().code, ErrorCode::kCorruption);
  std::string format = good;
  format[0] = 9;
  EXPECT_EQ(DecodeEventValue(format).error().code, ErrorCode::kCorruption);
  std::string huge_len = good;
  huge_len[9] = '\x7f';  // stream id length far past the end
  EXPECT_EQ(DecodeEventValue(huge_len).error().code, ErrorCode::kCorruption);
}

TEST(CodecTest, UuidParsingAndPrinting) {
  auto u = Uuid::Parse("0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6b");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->ToString(), "0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6b");
  for (const char* bad : {"", "0b7a5e0e3c1f4d8e9a551c2d3e4f5a6b", "0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6",
                          "0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6g", "0b7a5e0e-3c1f-4d8e-9a55+1c2d3e4f5a6b"}) {
    EXPECT_FALSE(Uuid::Parse(bad).ok()) << bad;
  }
  auto ids = RandomIds();
  Uuid a = ids->NewUuid(), b = ids->NewUuid();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.ToString()[14], '4');  // version 4
}

TEST(CodecTest, HexHashesDecodeAnyCaseAndRefuseEverythingElse) {
  Hash256 h;
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>(i * 37 + 5);
  const std::string hex = HexEncode(h);
  EXPECT_EQ(*HexDecodeHash(hex), h);
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*HexDecodeHash(upper), h);
  EXPECT_FALSE(HexDecodeHash(hex.substr(1)).ok());
  for (char bad : {'g', 'G', ' ', '/', ':', '@', '`', '\0', '\xff'}) {
    for (std::size_t at : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
      std::string t = hex;
      t[at] = bad;
      EXPECT_FALSE(HexDecodeHash(t).ok()) << at << " " << static_cast<int>(bad);
    }
  }
}

TEST(CodecTest, BigEndianKeysSortNumerically) {
  EXPECT_LT(U64Key(255), U64Key(256));
  EXPECT_LT(U64Key(1), U64Key(1ULL << 40));
  EXPECT_EQ(GetU64(U64Key(0xdeadbeefcafef00dULL).data()), 0xdeadbeefcafef00dULL);
}

}  // namespace
}  // namespace assure::storage
