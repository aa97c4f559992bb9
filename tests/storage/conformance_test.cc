// The conformance suite: every behaviour of the EventStore contract, run
// against both the in-memory and the RocksDB store, and against each of them
// behind a FaultBackend after a failed commit (a full disk) and the resume
// that follows it: nothing of the failed commit may show, and the store must
// keep its whole contract afterwards.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/codec.h"
#include "storage/event_store.h"
#include "storage/fault_backend.h"
#include "storage/log_store.h"
#include "storage/rocks_backend.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::Ev;
using testing::FakeClock;
using testing::One;
using testing::TempDir;

enum class Kind { kMemory, kRocks, kMemoryAfterFault, kRocksAfterFault };

Hash256 Sha256ForTest(std::string_view s) { return Sha256(s); }

class ConformanceTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override { store_ = Open(); }

  std::unique_ptr<EventStore> Open(StoreOptions o = {}) {
    if (!o.clock) o.clock = clock_;
    switch (GetParam()) {
      case Kind::kMemory:
        return NewMemoryStore(o);
      case Kind::kRocks: {
        auto s = OpenRocksStore(dir_.sub("db"), o);
        EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
        return std::move(s).value();
      }
      case Kind::kMemoryAfterFault:
        return OpenAfterFault(NewMemoryBackend(), o);
      case Kind::kRocksAfterFault: {
        auto b = OpenRocksBackend(dir_.sub("db"), true);
        EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
        return OpenAfterFault(std::move(b).value(), o);
      }
    }
    return nullptr;
  }

  // The store over `inner` behind a FaultBackend, after an append whose
  // commit failed with "no space" (writes suspended) and a resume.
  std::unique_ptr<EventStore> OpenAfterFault(std::unique_ptr<Backend> inner, StoreOptions o) {
    auto fb = std::make_unique<FaultBackend>(std::move(inner));
    FaultBackend* fault = fb.get();
    o.resume_interval = std::chrono::milliseconds(0);
    auto opened = LogStore::Open(std::move(fb), o);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    std::unique_ptr<EventStore> store = std::move(opened).value();
    const auto head = store->Head().position;
    fault->FailCommits(FaultBackend::NoSpace());
    auto failed = store->Append("fault-probe", ExpectedVersion::Any(),
                                One("Lost", "{}", "5f0c2a4e-9d1b-4c6e-8f3a-7b2d1e0c9a85"));
    EXPECT_FALSE(failed.ok());
    if (!failed.ok()) {
      EXPECT_EQ(failed.error().code, ErrorCode::kWritesSuspended);
    }
    EXPECT_TRUE(store->WriteFailure().has_value());
    fault->FailCommits(std::nullopt);
    EXPECT_TRUE(store->TryResumeWrites().ok());
    EXPECT_FALSE(store->WriteFailure().has_value());
    EXPECT_EQ(store->Head().position, head) << "the failed commit moved the head";
    return store;
  }

  AppendResult MustAppend(const std::string& stream, ExpectedVersion ev,
                          std::vector<ProposedEvent> events) {
    auto r = store_->Append(stream, ev, std::move(events));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : AppendResult{};
  }

  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_P(ConformanceTest, PositionsAreGaplessFromOneAndVersionsPerStream) {
  auto a = MustAppend("a", ExpectedVersion::Any(), {Ev("X"), Ev("Y")});
  auto b = MustAppend("b", ExpectedVersion::Any(), One("X"));
  auto c = MustAppend("a", ExpectedVersion::Any(), One("Z"));
  EXPECT_EQ(a.first_position, 1u);
  EXPECT_EQ(a.last_position, 2u);
  EXPECT_EQ(a.stream_version, 1u);
  EXPECT_EQ(b.first_position, 3u);
  EXPECT_EQ(b.stream_version, 0u);
  EXPECT_EQ(c.first_position, 4u);
  EXPECT_EQ(c.stream_version, 2u);
  auto all = store_->ReadAll(1, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->events.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(all->events[i].position, i + 1);
  EXPECT_EQ(all->events[3].stream_id, "a");
  EXPECT_EQ(all->events[3].stream_version, 2u);
  EXPECT_EQ(all->events[3].type, "Z");
  EXPECT_TRUE(all->end_of_log);
  EXPECT_EQ(store_->Head().position, 4u);
  EXPECT_EQ(store_->Head().hash, all->events[3].hash);
}

TEST_P(ConformanceTest, RecordKeepsEveryFieldAndCompactsData) {
  ProposedEvent e = Ev("DeliverableRagbChanged", R"({ "to" : "Amber", "from":"Blue" })",
                       "0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6b");
  e.schema_version = 3;
  e.metadata = {"person-7", "supplier delay", "corr-1", "cause-2", "api"};
  MustAppend("deliverable-1", ExpectedVersion::NoStream(), {e});
  auto r = store_->ReadEvent(1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->event_id.ToString(), "0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6b");
  EXPECT_EQ(r->type, "DeliverableRagbChanged");
  EXPECT_EQ(r->schema_version, 3u);
  EXPECT_EQ(r->data, R"({"from":"Blue","to":"Amber"})");
  EXPECT_EQ(r->metadata, e.metadata);
  EXPECT_EQ(r->recorded_at_us, clock_->NowMicros());
}

TEST_P(ConformanceTest, ExpectedVersionNoStream) {
  MustAppend("s", ExpectedVersion::NoStream(), One("A"));
  auto r = store_->Append("s", ExpectedVersion::NoStream(), One("B"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_EQ(r.error().actual_version, 0);
  EXPECT_EQ(store_->Head().position, 1u);
}

TEST_P(ConformanceTest, ExpectedVersionStreamExists) {
  auto r = store_->Append("s", ExpectedVersion::StreamExists(), One("A"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_EQ(r.error().actual_version, -1);
  EXPECT_EQ(store_->Head().position, 0u);
  MustAppend("s", ExpectedVersion::Any(), One("A"));
  EXPECT_EQ(MustAppend("s", ExpectedVersion::StreamExists(), One("B")).stream_version, 1u);
}

TEST_P(ConformanceTest, ExpectedVersionExact) {
  MustAppend("s", ExpectedVersion::Any(), {Ev("A"), Ev("B")});  // version 1
  auto stale = store_->Append("s", ExpectedVersion::Exact(0), One("C"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_EQ(stale.error().actual_version, 1);
  auto ahead = store_->Append("s", ExpectedVersion::Exact(5), One("C"));
  ASSERT_FALSE(ahead.ok());
  auto missing = store_->Append("t", ExpectedVersion::Exact(0), One("C"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().actual_version, -1);
  EXPECT_EQ(store_->Head().position, 2u);
  EXPECT_EQ(MustAppend("s", ExpectedVersion::Exact(1), One("C")).stream_version, 2u);
}

TEST_P(ConformanceTest, ExpectedVersionAny) {
  MustAppend("s", ExpectedVersion::Any(), One("A"));
  MustAppend("s", ExpectedVersion::Any(), One("B"));
  auto info = store_->GetStreamInfo("s");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->current_version, 1u);
}

TEST_P(ConformanceTest, IdempotentRetryReturnsOriginalPositionsAndWritesNothing) {
  const std::string id1 = "11111111-1111-4111-8111-111111111111";
  const std::string id2 = "22222222-2222-4222-8222-222222222222";
  MustAppend("other", ExpectedVersion::Any(), One("Before"));
  auto first = MustAppend("s", ExpectedVersion::NoStream(),
                          {Ev("A", R"({"n":1})", id1), Ev("B", R"({"n":2})", id2)});
  MustAppend("other", ExpectedVersion::Any(), One("After"));
  const LogHead head = store_->Head();
  // Whitespace differs, content does not.
  auto again = store_->Append("s", ExpectedVersion::NoStream(),
                              {Ev("A", R"({ "n": 1 })", id1), Ev("B", R"({"n":2})", id2)});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->idempotent_replay);
  EXPECT_EQ(again->first_position, first.first_position);
  EXPECT_EQ(again->last_position, first.last_position);
  EXPECT_EQ(again->stream_version, 1u);
  EXPECT_EQ(store_->Head().position, head.position);
  EXPECT_EQ(store_->Head().hash, head.hash);
}

TEST_P(ConformanceTest, SameIdWithDifferentContentIsRejected) {
  const std::string id = "33333333-3333-4333-8333-333333333333";
  MustAppend("s", ExpectedVersion::Any(), One("A", R"({"n":1})", id));
  auto data = store_->Append("s", ExpectedVersion::Any(), One("A", R"({"n":2})", id));
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, ErrorCode::kIdempotencyConflict);
  auto type = store_->Append("s", ExpectedVersion::Any(), One("B", R"({"n":1})", id));
  EXPECT_EQ(type.error().code, ErrorCode::kIdempotencyConflict);
  auto stream = store_->Append("t", ExpectedVersion::Any(), One("A", R"({"n":1})", id));
  EXPECT_EQ(stream.error().code, ErrorCode::kIdempotencyConflict);
  auto expected = store_->Append("s", ExpectedVersion::Exact(0), One("A", R"({"n":1})", id));
  EXPECT_EQ(expected.error().code, ErrorCode::kIdempotencyConflict);
  auto partial = store_->Append(
      "s", ExpectedVersion::Any(),
      {Ev("A", R"({"n":1})", id), Ev("A", "{}", "44444444-4444-4444-8444-444444444444")});
  EXPECT_EQ(partial.error().code, ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(store_->Head().position, 1u);
}

TEST_P(ConformanceTest, ReadStreamForwardsAndBackwardsWithPaging) {
  for (int i = 0; i < 10; ++i) {
    MustAppend("s", ExpectedVersion::Any(), One("E", R"({"i":)" + std::to_string(i) + "}"));
    MustAppend("noise", ExpectedVersion::Any(), One("N"));
  }
  auto fwd = store_->ReadStream("s", 3, Direction::kForwards, 4);
  ASSERT_TRUE(fwd.ok());
  ASSERT_EQ(fwd->size(), 4u);
  EXPECT_EQ((*fwd)[0].stream_version, 3u);
  EXPECT_EQ((*fwd)[3].stream_version, 6u);
  EXPECT_EQ((*fwd)[0].data, R"({"i":3})");
  auto back = store_->ReadStream("s", UINT64_MAX, Direction::kBackwards, 3);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].stream_version, 9u);
  EXPECT_EQ((*back)[2].stream_version, 7u);
  auto back2 = store_->ReadStream("s", 1, Direction::kBackwards, 10);
  ASSERT_EQ(back2->size(), 2u);
  EXPECT_EQ((*back2)[1].stream_version, 0u);
  auto past = store_->ReadStream("s", 10, Direction::kForwards, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
  auto none = store_->ReadStream("nope", 0, Direction::kForwards, 10);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  auto zero = store_->ReadStream("s", 0, Direction::kForwards, 0);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ConformanceTest, StreamIdsThatArePrefixesOfOthersStayApart) {
  MustAppend("a", ExpectedVersion::Any(), One("A"));
  MustAppend("a-b", ExpectedVersion::Any(), One("AB"));
  MustAppend("a", ExpectedVersion::Any(), One("A2"));
  auto a = store_->ReadStream("a", 0, Direction::kForwards, 10);
  ASSERT_EQ(a->size(), 2u);
  auto ab = store_->ReadStream("a-b", UINT64_MAX, Direction::kBackwards, 10);
  ASSERT_EQ(ab->size(), 1u);
  EXPECT_EQ((*ab)[0].type, "AB");
}

TEST_P(ConformanceTest, ReadAllPagesAndIsBoundedByMaxPage) {
  StoreOptions o;
  o.max_page = 5;
  store_.reset();
  store_ = Open(o);
  for (int i = 0; i < 12; ++i) MustAppend("s" + std::to_string(i % 3), ExpectedVersion::Any(), One("E"));
  std::uint64_t from = 1;
  std::vector<std::uint64_t> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto p = store_->ReadAll(from, 100);  // asks for more than max_page
    ASSERT_TRUE(p.ok());
    EXPECT_LE(p->events.size(), 5u);
    for (auto& e : p->events) seen.push_back(e.position);
    from = p->next_position;
    if (p->end_of_log) break;
  }
  ASSERT_EQ(seen.size(), 12u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  auto after = store_->ReadAll(13, 5);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->events.empty());
  EXPECT_TRUE(after->end_of_log);
}

TEST_P(ConformanceTest, ReadAllIntoOverwritesARecycledPageAsReadAllReads) {
  // Events of different sizes, so that reading into a page whose events
  // were longer (and shorter) leaves nothing of them behind.
  MustAppend("a-long-stream-name", ExpectedVersion::Any(),
             {Ev("LongTypeNameForTheFirst", R"({"text":"a fairly long value, longer than short strings"})")});
  MustAppend("b", ExpectedVersion::Any(), {Ev("B"), Ev("C", R"({"n":1})")});
  ProposedEvent with_meta = Ev("D");
  with_meta.metadata = {"person-7", "a reason", "corr-1", "cause-2", "api"};
  MustAppend("c", ExpectedVersion::Any(), {with_meta});
  auto all = store_->ReadAll(1, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->events.size(), 4u);
  auto same = [](const RecordedEvent& x, const RecordedEvent& y) {
    return x.position == y.position && x.stream_id == y.stream_id && x.stream_version == y.stream_version &&
           x.event_id == y.event_id && x.type == y.type && x.schema_version == y.schema_version &&
           x.data == y.data && x.recorded_at_us == y.recorded_at_us && x.hash == y.hash &&
           x.metadata == y.metadata;
  };
  ReadAllPage page;
  ASSERT_TRUE(store_->ReadAllInto(1, 2, page).ok());  // positions 1-2 into an empty page
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_TRUE(same(page.events[0], all->events[0]));
  EXPECT_EQ(page.next_position, 3u);
  EXPECT_FALSE(page.end_of_log);
  ASSERT_TRUE(store_->ReadAllInto(3, 100, page).ok());  // 3-4 over them
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_TRUE(same(page.events[0], all->events[2]));
  EXPECT_TRUE(same(page.events[1], all->events[3]));
  EXPECT_TRUE(page.end_of_log);
  ASSERT_TRUE(store_->ReadAllInto(2, 1, page).ok());  // fewer than the page holds
  ASSERT_EQ(page.events.size(), 1u);
  EXPECT_TRUE(same(page.events[0], all->events[1]));
  ASSERT_TRUE(store_->ReadAllInto(1, 100, page).ok());  // more
  ASSERT_EQ(page.events.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(same(page.events[i], all->events[i])) << i;
  ASSERT_TRUE(store_->ReadAllInto(5, 100, page).ok());  // past the head
  EXPECT_TRUE(page.events.empty());
  EXPECT_TRUE(page.end_of_log);
  EXPECT_EQ(store_->ReadAllInto(1, 0, page).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ConformanceTest, ReadAllFiltersByStreamPrefixAndType) {
  MustAppend("deliverable-1", ExpectedVersion::Any(), One("Created"));
  MustAppend("group-1", ExpectedVersion::Any(), One("Created"));
  MustAppend("deliverable-2", ExpectedVersion::Any(), One("RagbChanged"));
  MustAppend("deliverable-1", ExpectedVersion::Any(), One("RagbChanged"));
  ReadAllFilter by_prefix;
  by_prefix.stream_prefix = "deliverable-";
  auto p = store_->ReadAll(1, 10, by_prefix);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->events.size(), 3u);
  EXPECT_EQ(p->events[1].position, 3u);
  ReadAllFilter by_type;
  by_type.event_types = {"RagbChanged"};
  auto t = store_->ReadAll(1, 10, by_type);
  ASSERT_EQ(t->events.size(), 2u);
  EXPECT_EQ(t->events[0].position, 3u);
  EXPECT_EQ(t->events[1].position, 4u);
  ReadAllFilter both = by_prefix;
  both.event_types = {"Created"};
  auto b = store_->ReadAll(1, 10, both);
  ASSERT_EQ(b->events.size(), 1u);
  EXPECT_EQ(b->events[0].stream_id, "deliverable-1");
  auto paged = store_->ReadAll(1, 1, by_type);
  ASSERT_EQ(paged->events.size(), 1u);
  EXPECT_EQ(paged->next_position, 4u);
  EXPECT_FALSE(paged->end_of_log);
}

TEST_P(ConformanceTest, ReadEventAndStreamInfo) {
  clock_->Set(1'000);
  MustAppend("s", ExpectedVersion::Any(), One("A"));
  clock_->Set(5'000);
  MustAppend("s", ExpectedVersion::Any(), One("B"));
  auto e = store_->ReadEvent(2);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->type, "B");
  EXPECT_EQ(store_->ReadEvent(3).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ReadEvent(0).error().code, ErrorCode::kNotFound);
  auto info = store_->GetStreamInfo("s");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->exists);
  EXPECT_EQ(info->current_version, 1u);
  EXPECT_EQ(info->event_count, 2u);
  EXPECT_EQ(info->first_recorded_at_us, 1'000);
  EXPECT_EQ(info->last_recorded_at_us, 5'000);
  EXPECT_EQ(info->last_position, 2u);
  auto missing = store_->GetStreamInfo("t");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->exists);
}

TEST_P(ConformanceTest, FindEventIdAndPositionAt) {
  const std::string id = "77777777-7777-4777-8777-777777777777";
  clock_->Set(1'000);
  MustAppend("s", ExpectedVersion::Any(), One("A"));
  clock_->Set(2'000);
  MustAppend("s", ExpectedVersion::Any(), {Ev("B", "{}", id), Ev("C")});
  clock_->Set(3'000);
  MustAppend("s", ExpectedVersion::Any(), One("D"));
  EXPECT_EQ(store_->FindEventId(*Uuid::Parse(id))->value_or(0), 2u);
  EXPECT_FALSE(store_->FindEventId(*Uuid::Parse("88888888-8888-4888-8888-888888888888"))->has_value());
  EXPECT_EQ(*store_->PositionAt(999), 0u);
  EXPECT_EQ(*store_->PositionAt(1'000), 1u);
  EXPECT_EQ(*store_->PositionAt(1'999), 1u);
  EXPECT_EQ(*store_->PositionAt(2'000), 3u);
  EXPECT_EQ(*store_->PositionAt(2'500), 3u);
  EXPECT_EQ(*store_->PositionAt(3'000), 4u);
  EXPECT_EQ(*store_->PositionAt(9'000), 4u);
}

TEST_P(ConformanceTest, BlobsAreContentAddressed) {
  StoreOptions o;
  o.max_blob_bytes = 1000;
  store_.reset();
  store_ = Open(o);
  auto h = store_->PutBlob("WMIN Strategy v1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, Sha256ForTest("WMIN Strategy v1"));
  EXPECT_EQ(store_->GetBlob(*h)->value_or(""), "WMIN Strategy v1");
  EXPECT_EQ(*store_->PutBlob("WMIN Strategy v1"), *h);  // again: same key, no error
  EXPECT_FALSE(store_->GetBlob(Sha256ForTest("other"))->has_value());
  EXPECT_EQ(store_->PutBlob(std::string(1001, 'x')).error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(store_->Head().position, 0u);  // blobs are not events
}

// A document version's bytes travel with the event that names them: stored
// in the same batch when the append is written, not at all when it is
// refused (or too large), and not again on an idempotent replay.
TEST_P(ConformanceTest, BlobsOfAnAppendAreStoredOnlyWithItsEvents) {
  StoreOptions o;
  o.max_blob_bytes = 1000;
  store_.reset();
  store_ = Open(o);
  auto stored = [&](const std::string& bytes) { return store_->GetBlob(Sha256ForTest(bytes))->has_value(); };
  auto append = [&](ExpectedVersion expected, std::vector<std::string> contents, std::string id = {}) {
    std::vector<StreamAppend> parts(1);
    parts[0].stream_id = "doc-1";
    parts[0].expected = expected;
    parts[0].events = {id.empty() ? One("VersionAdded")[0] : Ev("VersionAdded", "{}", id)};
    for (auto& c : contents) parts[0].blobs.emplace_back(std::move(c));
    return store_->AppendMany(std::move(parts));
  };
  auto written = append(ExpectedVersion::NoStream(), {"version 1", "its appendix"});
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_TRUE(stored("version 1"));
  EXPECT_TRUE(stored("its appendix"));
  // Refused for its expected version: neither event nor bytes.
  auto refused = append(ExpectedVersion::NoStream(), {"version 2"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_FALSE(stored("version 2"));
  auto large = append(ExpectedVersion::Exact(0), {std::string(1001, 'x')});
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(store_->Head().position, 1u);
  // Stored once more by content (same key), and a replay stores nothing.
  const std::string id = "33333333-3333-4333-8333-333333333333";
  ASSERT_TRUE(append(ExpectedVersion::Exact(0), {"version 1"}, id).ok());
  EXPECT_EQ(store_->GetBlob(Sha256ForTest("version 1"))->value_or(""), "version 1");
  auto replay = append(ExpectedVersion::Exact(0), {"never stored"}, id);
  ASSERT_TRUE(replay.ok()) << replay.error().message;
  EXPECT_TRUE(replay->front().idempotent_replay);
  EXPECT_FALSE(stored("never stored"));
  EXPECT_EQ(store_->Head().position, 2u);
}

TEST_P(ConformanceTest, RecordedAtNeverGoesBackwards) {
  clock_->Set(10'000);
  MustAppend("s", ExpectedVersion::Any(), One("A"));
  clock_->Set(2'000);  // the system clock stepped back
  MustAppend("s", ExpectedVersion::Any(), One("B"));
  EXPECT_EQ(store_->ReadEvent(2)->recorded_at_us, 10'000);
}

TEST_P(ConformanceTest, ListenersSeeCommittedEventsInOrder) {
  std::vector<std::uint64_t> seen;
  auto id = store_->Subscribe([&](const std::vector<RecordedEvent>& events) {
    for (auto& e : events) seen.push_back(e.position);
  });
  MustAppend("s", ExpectedVersion::Any(), {Ev("A"), Ev("B")});
  (void)store_->Append("s", ExpectedVersion::NoStream(), One("Refused"));
  MustAppend("t", ExpectedVersion::Any(), One("C"));
  store_->Unsubscribe(id);
  MustAppend("t", ExpectedVersion::Any(), One("D"));
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_P(ConformanceTest, StateIsWrittenTogetherAndScannedByPrefix) {
  ASSERT_TRUE(store_->PutState({{"proj/deliverables/checkpoint", "42"},
                                {"proj/deliverables/row/1", "x"},
                                {"proj/groups/checkpoint", "7"}})
                  .ok());
  auto v = store_->GetState("proj/deliverables/checkpoint");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), "42");
  EXPECT_FALSE(store_->GetState("nope")->has_value());
  auto scan = store_->ScanState("proj/deliverables/");
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan->size(), 2u);
  EXPECT_EQ((*scan)[1].key, "proj/deliverables/row/1");
}

TEST_P(ConformanceTest, StreamIdsListsTheStreamsOfAPrefixInByteOrderByPage) {
  MustAppend("token-b", ExpectedVersion::Any(), {Ev("A"), Ev("B"), Ev("C")});
  MustAppend("deliverable-1", ExpectedVersion::Any(), One("D"));
  MustAppend("token-a", ExpectedVersion::Any(), One("E"));
  MustAppend("token", ExpectedVersion::Any(), One("F"));  // the prefix without its dash
  MustAppend("token-a-2", ExpectedVersion::Any(), One("G"));
  MustAppend("tokens", ExpectedVersion::Any(), One("H"));
  auto all = store_->StreamIds("token-", "", 100);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(*all, (std::vector<std::string>{"token-a", "token-a-2", "token-b"}))
      << "each stream once, however many events it has";
  auto first = store_->StreamIds("token-", "", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, (std::vector<std::string>{"token-a", "token-a-2"}));
  auto rest = store_->StreamIds("token-", first->back(), 2);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, (std::vector<std::string>{"token-b"}));
  auto before_prefix = store_->StreamIds("token-", "a", 100);  // `after` sorts before the prefix
  ASSERT_TRUE(before_prefix.ok());
  EXPECT_EQ(*before_prefix, *all);
  auto every = store_->StreamIds("", "", 100);
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(every->size(), 6u);
  EXPECT_TRUE(store_->StreamIds("nothing-", "", 100)->empty());
  EXPECT_FALSE(store_->StreamIds("token-", "", 0).ok());
}

TEST_P(ConformanceTest, VerifyPassesOnAnUntouchedLogAndRanges) {
  for (int i = 0; i < 50; ++i) MustAppend("s" + std::to_string(i % 7), ExpectedVersion::Any(), One("E"));
  auto all = store_->Verify(0, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->ok) << all->problem;
  EXPECT_EQ(all->checked, 50u);
  auto part = store_->Verify(20, 30);
  ASSERT_TRUE(part.ok());
  EXPECT_TRUE(part->ok);
  EXPECT_EQ(part->checked, 11u);
  auto empty = store_->Verify(60, 70);
  EXPECT_TRUE(empty->ok);
  EXPECT_EQ(empty->checked, 0u);
}

TEST_P(ConformanceTest, BadInputIsATypedErrorAndWritesNothing) {
  StoreOptions o;
  o.max_event_bytes = 2048;
  o.max_events_per_append = 3;
  store_.reset();
  store_ = Open(o);
  struct Case {
    std::string stream;
    std::vector<ProposedEvent> events;
    ErrorCode code;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"", One("A"), ErrorCode::kInvalidArgument, "stream_id"});
  cases.push_back({std::string(201, 'x'), One("A"), ErrorCode::kInvalidArgument, "stream_id"});
  cases.push_back({"has space", One("A"), ErrorCode::kInvalidArgument, "stream_id"});
  cases.push_back({"s", {}, ErrorCode::kInvalidArgument, "events"});
  cases.push_back({"s", {Ev("A"), Ev("A"), Ev("A"), Ev("A")}, ErrorCode::kTooLarge, "events"});
  cases.push_back({"s", One("A", "[1,2]"), ErrorCode::kInvalidArgument, "events[0].data"});
  cases.push_back({"s", One("A", "{not json"), ErrorCode::kInvalidArgument, "events[0].data"});
  cases.push_back({"s", One("A", "\"text\""), ErrorCode::kInvalidArgument, "events[0].data"});
  cases.push_back({"s", One("A", R"({"big":")" + std::string(3000, 'x') + "\"}"),
                   ErrorCode::kTooLarge, "events[0].data"});
  cases.push_back({"s", One("A", R"({"big":")" + std::string(2000, 'x') + "\"}"),
                   ErrorCode::kTooLarge, "events[0]"});
  cases.push_back({"s", One("A", "{}", "not-a-uuid"), ErrorCode::kInvalidArgument,
                   "events[0].event_id"});
  cases.push_back({"s", One("A", "{}", "00000000-0000-0000-0000-000000000000"),
                   ErrorCode::kInvalidArgument, "events[0].event_id"});
  cases.push_back({"s",
                   {Ev("A", "{}", "55555555-5555-4555-8555-555555555555"),
                    Ev("B", "{}", "55555555-5555-4555-8555-555555555555")},
                   ErrorCode::kInvalidArgument, "events[1].event_id"});
  cases.push_back({"s", One(""), ErrorCode::kInvalidArgument, "events[0].type"});
  auto bad_meta = One("A");
  bad_meta[0].metadata.reason = "\xff\xfe";
  cases.push_back({"s", bad_meta, ErrorCode::kInvalidArgument, "events[0].metadata"});
  auto zero_schema = One("A");
  zero_schema[0].schema_version = 0;
  cases.push_back({"s", zero_schema, ErrorCode::kInvalidArgument, "events[0].schema_version"});
  for (auto& c : cases) {
    auto r = store_->Append(c.stream, ExpectedVersion::Any(), c.events);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, c.code) << c.field << ": " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_EQ(store_->Head().position, 0u);
  EXPECT_TRUE(store_->ReadAll(1, 10)->events.empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, ConformanceTest,
                         ::testing::Values(Kind::kMemory, Kind::kRocks, Kind::kMemoryAfterFault,
                                           Kind::kRocksAfterFault),
                         [](const auto& info) -> std::string {
                           switch (info.param) {
                             case Kind::kMemory: return "Memory";
                             case Kind::kRocks: return "Rocks";
                             case Kind::kMemoryAfterFault: return "MemoryAfterFault";
                             case Kind::kRocksAfterFault: return "RocksAfterFault";
                           }
                           return "?";
                         });

}  // namespace
}  // namespace assure::storage
