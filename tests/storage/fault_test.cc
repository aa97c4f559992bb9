// What the store does when its medium fails: a failed commit fails every
// append of its group (none is answered from the group's uncommitted events),
// suspends writes while reads go on, and resumes when the medium does; a
// listener or callback that throws does not stop the store.
#include <gtest/gtest.h>

#include <future>

#include "storage/codec.h"
#include "storage/fault_backend.h"
#include "storage/log_store.h"
#include "storage/rocks_backend.h"
#include "tests/storage/test_util.h"

namespace assure::storage {
namespace {

using testing::FakeClock;
using testing::One;
using testing::TempDir;

constexpr char kId[] = "0b7f9c1e-6a6e-4c55-9a35-3f3c8d9a0e11";

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fb = std::make_unique<FaultBackend>(NewMemoryBackend());
    fault_ = fb.get();
    StoreOptions o;
    o.clock = std::make_shared<FakeClock>();
    o.resume_interval = std::chrono::milliseconds(0);
    auto s = LogStore::Open(std::move(fb), o);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
  }

  // Queues an asynchronous append; its result arrives in the future.
  std::future<Result<AppendResult>> Async(const std::string& stream, ExpectedVersion ev,
                                          std::vector<ProposedEvent> events) {
    auto p = std::make_shared<std::promise<Result<AppendResult>>>();
    auto f = p->get_future();
    store_->AppendAsync(stream, ev, std::move(events),
                        [p](Result<AppendResult> r) { p->set_value(std::move(r)); });
    return f;
  }

  FaultBackend* fault_ = nullptr;
  std::unique_ptr<LogStore> store_;
};

TEST_F(FaultTest, AFailedCommitFailsEveryWriterOfItsGroupIncludingARetryOfAnEarlierOne) {
  // A first commit is held, so that the next three appends queue behind it
  // and are committed as one group.
  fault_->HoldCommits(true);
  auto first = Async("s-0", ExpectedVersion::Any(), One("E"));
  fault_->AwaitHeldCommit();
  auto write = Async("s-1", ExpectedVersion::NoStream(), One("E", "{}", kId));
  auto retry = Async("s-1", ExpectedVersion::NoStream(), One("E", "{}", kId));  // same id: a retry
  auto raced = Async("s-1", ExpectedVersion::NoStream(), One("F"));  // refused because of `write`
  // The first commit succeeds; the group after it fails.
  fault_->FailCommitsFrom(2, FaultBackend::NoSpace());
  fault_->HoldCommits(false);

  ASSERT_TRUE(first.get().ok());
  auto w = write.get();
  auto r = retry.get();
  auto x = raced.get();
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kWritesSuspended);
  ASSERT_FALSE(r.ok()) << "a retry answered from the failed group's uncommitted events";
  EXPECT_EQ(r.error().code, ErrorCode::kWritesSuspended);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error().code, ErrorCode::kWritesSuspended)
      << "refused because of a write that was never committed: " << x.error().message;
  EXPECT_EQ(store_->Head().position, 1u);
  auto info = store_->GetStreamInfo("s-1");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->exists);
}

TEST_F(FaultTest, WritesAreSuspendedAfterAFailedCommitWhileReadsGoOnAndResumeWithTheDisk) {
  ASSERT_TRUE(store_->Append("s-1", ExpectedVersion::Any(), One("E")).ok());
  fault_->FailCommits(FaultBackend::NoSpace());
  fault_->FailResume(MakeError(ErrorCode::kIoError, "No space left on device"));

  auto failed = store_->Append("s-1", ExpectedVersion::Any(), One("E"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kWritesSuspended);
  EXPECT_NE(failed.error().message.find("No space left on device"), std::string::npos);
  ASSERT_TRUE(store_->WriteFailure().has_value());

  // Still suspended: refused without a commit being tried.
  const auto commits = fault_->commits();
  auto again = store_->Append("s-2", ExpectedVersion::Any(), One("E"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kWritesSuspended);
  EXPECT_EQ(fault_->commits(), commits);
  EXPECT_GE(fault_->resumes(), 1u);

  // Reads go on.
  auto read = store_->ReadStream("s-1", 0, Direction::kForwards, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 1u);
  EXPECT_EQ(store_->Head().position, 1u);

  // Space returns: the next append resumes writing.
  fault_->FailCommits(std::nullopt);
  fault_->FailResume(std::nullopt);
  auto ok = store_->Append("s-1", ExpectedVersion::Exact(0), One("E"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->first_position, 2u);
  EXPECT_FALSE(store_->WriteFailure().has_value());
  auto verify = store_->Verify(0, 0);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok) << verify->problem;
}

// A document version's bytes are part of its append's batch: a commit that
// fails stores neither the event nor the bytes; once writes resume, both.
TEST_F(FaultTest, AFailedCommitStoresNoneOfItsBlobs) {
  auto append = [&] {
    std::vector<StreamAppend> parts(1);
    parts[0].stream_id = "doc-1";
    parts[0].events = One("VersionAdded");
    parts[0].blobs.emplace_back("the version's bytes");
    return store_->AppendMany(std::move(parts));
  };
  auto stored = [&] { return store_->GetBlob(Sha256("the version's bytes"))->has_value(); };
  fault_->FailCommits(FaultBackend::NoSpace());
  ASSERT_FALSE(append().ok());
  EXPECT_FALSE(stored());
  EXPECT_EQ(store_->Head().position, 0u);
  fault_->FailCommits(std::nullopt);
  ASSERT_TRUE(append().ok());
  EXPECT_TRUE(stored());
  EXPECT_EQ(store_->Head().position, 1u);
}

TEST_F(FaultTest, TryResumeWritesLiftsTheSuspensionOnlyWhenTheMediumResumes) {
  fault_->FailCommits(FaultBackend::NoSpace());
  ASSERT_FALSE(store_->Append("s", ExpectedVersion::Any(), One("E")).ok());
  fault_->FailResume(MakeError(ErrorCode::kIoError, "still full"));
  EXPECT_FALSE(store_->TryResumeWrites().ok());
  EXPECT_TRUE(store_->WriteFailure().has_value());
  fault_->FailCommits(std::nullopt);
  fault_->FailResume(std::nullopt);
  EXPECT_TRUE(store_->TryResumeWrites().ok());
  EXPECT_FALSE(store_->WriteFailure().has_value());
  EXPECT_TRUE(store_->Append("s", ExpectedVersion::NoStream(), One("E")).ok());
}

TEST_F(FaultTest, AsynchronousAppendsAreRefusedWhileSuspended) {
  fault_->FailCommits(FaultBackend::NoSpace());
  auto a = Async("s", ExpectedVersion::Any(), One("E")).get();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kWritesSuspended);
  fault_->FailResume(MakeError(ErrorCode::kIoError, "still full"));
  auto b = Async("s", ExpectedVersion::Any(), One("E")).get();
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kWritesSuspended);
  EXPECT_EQ(store_->Head().position, 0u);
}

TEST_F(FaultTest, ReadErrorsAreValuesNotCrashes) {
  ASSERT_TRUE(store_->Append("s", ExpectedVersion::Any(), One("E")).ok());
  fault_->FailReads(MakeError(ErrorCode::kIoError, "read failed: Input/output error"));
  auto r = store_->ReadStream("s", 0, Direction::kForwards, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIoError);
  auto all = store_->ReadAll(1, 10, {});
  ASSERT_FALSE(all.ok());
  auto v = store_->Verify(0, 0);
  EXPECT_FALSE(v.ok());
  fault_->FailReads(std::nullopt);
  EXPECT_TRUE(store_->ReadStream("s", 0, Direction::kForwards, 10).ok());
}

TEST_F(FaultTest, AThrowingListenerOrCallbackDoesNotStopTheStore) {
  std::atomic<int> seen{0};
  store_->Subscribe([](const std::vector<RecordedEvent>&) { throw std::runtime_error("boom"); });
  store_->Subscribe([&](const std::vector<RecordedEvent>& e) { seen += static_cast<int>(e.size()); });
  std::promise<void> called;
  store_->AppendAsync("s", ExpectedVersion::Any(), One("E"), [&](Result<AppendResult>) {
    called.set_value();
    throw std::runtime_error("callback boom");
  });
  called.get_future().get();
  auto r = store_->Append("s", ExpectedVersion::Any(), One("E"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen.load(), 2);
  EXPECT_GE(store_->ListenerFailures(), 3u);
}


// The RocksDB store's free-space reserve: a write that would leave less than
// min_free_bytes free is refused before RocksDB sees it, writes stay
// suspended (reads go on) while the disk is short, and resume in place, with
// no reopen, when space returns. The disk's free space is a fake here (the
// injectable medium); README's "A full or failing disk" has the tmpfs run.
TEST(DiskReserveTest, WritesStopBeforeTheDiskIsFullAndResumeInPlaceWhenSpaceReturns) {
  TempDir dir;
  auto free = std::make_shared<std::atomic<std::uint64_t>>(std::uint64_t{1} << 30);
  RocksOptions ro;
  ro.min_free_bytes = 8 << 20;
  ro.free_bytes = [free](const std::string&) -> std::optional<std::uint64_t> { return free->load(); };
  auto backend = OpenRocksBackend(dir.sub("db"), ro);
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  StoreOptions o;
  o.clock = std::make_shared<FakeClock>();
  o.resume_interval = std::chrono::milliseconds(0);
  auto opened = LogStore::Open(std::move(backend).value(), o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto store = std::move(opened).value();

  ASSERT_TRUE(store->Append("s", ExpectedVersion::Any(), One("E")).ok());
  free->store((8 << 20) + 100);  // short of the reserve once a write's bytes are counted
  auto refused = store->Append("s", ExpectedVersion::Any(), One("E", R"({"note":"a long enough note"})"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kWritesSuspended);
  auto why = store->WriteFailure();
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->message.find("min_free_bytes"), std::string::npos) << why->message;
  // Reads go on; the refused write is nowhere.
  auto read = store->ReadStream("s", 0, Direction::kForwards, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 1u);
  EXPECT_EQ(store->Head().position, 1u);
  // The state column (idempotency, security log) is refused too while short.
  free->store(1 << 20);
  EXPECT_FALSE(store->TryResumeWrites().ok());
  auto still = store->Append("s", ExpectedVersion::Any(), One("E"));
  ASSERT_FALSE(still.ok());
  EXPECT_EQ(still.error().code, ErrorCode::kWritesSuspended);

  free->store(std::uint64_t{1} << 30);  // space returns: no reopen
  auto resumed = store->Append("s", ExpectedVersion::Any(), One("E"));
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->first_position, 2u);
  EXPECT_FALSE(store->WriteFailure().has_value());
  auto verified = store->Verify(0, 0);
  EXPECT_TRUE(verified.ok());
}

TEST(DiskReserveTest, ZeroMeansNoReserveAndAnUnreadableDiskRefusesNothing) {
  for (const std::uint64_t reserve : {std::uint64_t{0}, std::uint64_t{8} << 20}) {
    TempDir dir;
    RocksOptions ro;
    ro.min_free_bytes = reserve;
    ro.free_bytes = [reserve](const std::string&) -> std::optional<std::uint64_t> {
      if (reserve == 0) return 0;  // a full disk, but no reserve asked for
      return std::nullopt;         // statvfs failed
    };
    auto backend = OpenRocksBackend(dir.sub("db"), ro);
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    StoreOptions o;
    o.clock = std::make_shared<FakeClock>();
    auto store = LogStore::Open(std::move(backend).value(), o);
    ASSERT_TRUE(store.ok());
    EXPECT_TRUE((*store)->Append("s", ExpectedVersion::Any(), One("E")).ok()) << reserve;
  }
}

TEST(DiskReserveTest, TheRealProbeReadsTheFileSystem) {
  TempDir dir;
  auto free = StatvfsFreeBytes(dir.path());
  ASSERT_TRUE(free.has_value());
  EXPECT_GT(*free, 0u);
  EXPECT_FALSE(StatvfsFreeBytes(dir.sub("no-such-directory")).has_value());
}

}  // namespace
}  // namespace assure::storage
