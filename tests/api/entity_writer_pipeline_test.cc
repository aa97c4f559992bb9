// EntityWriter's pipeline: commands decided while the commits before them
// are still in flight, answers as the store commits, refusals mid-pipeline.
// (The writer's other tests: entity_writer_test.cc.)
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "api/core/entity_writer.h"
#include "storage/fault_backend.h"
#include "tests/storage/test_util.h"
#include "tests/api/counter_aggregate.h"

namespace assure::api {
namespace {

using testing::CounterAggregate;
using C = CounterAggregate;

// A store whose commits a test can hold, and a way to know that the writer
// has decided everything submitted so far.
class PipelineTest : public ::testing::Test {
 protected:
  RequestContext Rc() { return testing::WriterRc(); }
  void SetUp() override {
    auto opened = storage::testing::OpenFaultStore();
    ASSERT_TRUE(opened.store);
    backend_ = opened.backend;
    store_ = opened.store;
    writer_ = std::make_unique<EntityWriter>(store_);
  }
  // Returns once the writer's thread has decided every job submitted before
  // (it decides in arrival order): a job on another entity that says when
  // it is decided.
  void AwaitDecided() {
    std::promise<void> reached;
    WritePart marker = CommandPart<C>("marker-" + std::to_string(++markers_), {C::Create{"m"}}, false);
    auto decide = marker.decide;
    marker.decide = [decide, &reached](EntityWriter& w, const RequestContext& rc, std::size_t first,
                                       DecidedPart& out) {
      reached.set_value();
      return decide(w, rc, first, out);
    };
    writer_->Submit({std::move(marker)}, Rc(), [](Result<WriteResult>) {});
    reached.get_future().wait();
  }
  void Submit(const C::Command& c, RequestContext rc, std::vector<Result<WriteResult>>& out, std::mutex& mu) {
    SubmitCommand<C>(*writer_, "c1", c, std::move(rc), {}, [&out, &mu](Result<WriteResult> r) {
      std::lock_guard lock(mu);
      out.push_back(std::move(r));
    });
  }

  storage::FaultBackend* backend_ = nullptr;
  std::shared_ptr<storage::EventStore> store_;
  std::unique_ptr<EntityWriter> writer_;
  int markers_ = 0;
};

// A write that has landed is answered as soon as it is committed (on the
// store's answering thread), not after whatever the writer's thread is
// deciding by then: here a decision that waits until the test lets it go.
TEST_F(PipelineTest, ALandedWriteIsAnsweredWhileTheWriterIsBusyDeciding) {
  ASSERT_TRUE(Execute<C>(*writer_, "c1", C::Create{"x"}, Rc()).ok());
  backend_->HoldCommits(true);
  std::promise<Result<WriteResult>> first;
  SubmitCommand<C>(*writer_, "c1", C::Add{1, ""}, Rc(), {},
                   [&first](Result<WriteResult> r) { first.set_value(std::move(r)); });
  backend_->AwaitHeldCommit();  // decided, and being committed
  std::promise<void> deciding, go;
  WritePart slow = CommandPart<C>("c2", {C::Create{"y"}}, false);
  slow.decide = [decide = slow.decide, &deciding, go = go.get_future().share()](
                    EntityWriter& w, const RequestContext& rc, std::size_t i, DecidedPart& out) {
    deciding.set_value();
    go.wait();
    return decide(w, rc, i, out);
  };
  std::promise<Result<WriteResult>> second;
  writer_->Submit({std::move(slow)}, Rc(), [&second](Result<WriteResult> r) { second.set_value(std::move(r)); });
  deciding.get_future().wait();  // the writer's thread is busy until `go`
  backend_->HoldCommits(false);
  auto answer = first.get_future();
  // Not a timing: before the answer could come only from the writer's
  // thread, it never came while that thread was held.
  const bool answered = answer.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  go.set_value();
  ASSERT_TRUE(answered) << "the committed write waited for the writer's thread";
  auto r = answer.get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stream_version, 1u);
  EXPECT_EQ(r->events_written, 1u);
  EXPECT_TRUE(second.get_future().get().ok());
  writer_->WaitIdle();
  EXPECT_EQ(LoadAggregate<C>(*store_, "c1")->state.value, 1);
}

TEST_F(PipelineTest, CommandsOnOneEntityAreDecidedWithoutWaitingForTheCommitBefore) {
  ASSERT_TRUE(Execute<C>(*writer_, "c1", C::Create{"x"}, Rc()).ok());
  backend_->HoldCommits(true);
  std::mutex mu;
  std::vector<Result<WriteResult>> answers;
  Submit(C::Add{1, ""}, Rc(), answers, mu);
  backend_->AwaitHeldCommit();  // the first add is being committed
  const std::uint64_t commits_before = backend_->commits();
  for (int i = 2; i <= 6; ++i) Submit(C::Add{i, ""}, Rc(), answers, mu);
  AwaitDecided();
  backend_->HoldCommits(false);
  writer_->WaitIdle();
  ASSERT_EQ(answers.size(), 6u);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].error().message;
    EXPECT_EQ(answers[i]->stream_version, i + 1);  // answered in order
  }
  // The five adds decided while the first was being committed shared one
  // group commit after the held one (the marker may have needed one more); a
  // writer that waited for each answer before deciding the next would take
  // six or seven.
  EXPECT_LE(backend_->commits() - commits_before, 3u);
  auto loaded = LoadAggregate<C>(*store_, "c1");
  EXPECT_EQ(loaded->state.value, 21);
  EXPECT_EQ(*loaded->version, 6u);
}

TEST_F(PipelineTest, ACommitRefusedMidPipelineDecidesTheLaterCommandsAgainInOrder) {
  ASSERT_TRUE(Execute<C>(*writer_, "c1", C::Create{"x"}, Rc()).ok());
  backend_->HoldCommits(true);
  std::mutex mu;
  std::vector<Result<WriteResult>> answers;
  Submit(C::Add{1, ""}, Rc(), answers, mu);  // version 1, held in its commit
  backend_->AwaitHeldCommit();
  Submit(C::Add{10, std::string(2 << 20, 'r')}, Rc(), answers, mu);  // too large: refused
  Submit(C::Add{100, ""}, Rc(), answers, mu);                        // decided after it
  Submit(C::Add{1000, ""}, Rc(), answers, mu);
  auto conditional = Rc();
  conditional.if_match = 4;  // the version the refused add would have made true
  Submit(C::Add{5, ""}, conditional, answers, mu);
  AwaitDecided();
  backend_->HoldCommits(false);
  writer_->WaitIdle();
  ASSERT_EQ(answers.size(), 5u);
  int ok = 0, refused = 0;
  std::vector<std::uint64_t> versions;
  for (const auto& a : answers) {
    if (a.ok()) {
      ++ok;
      versions.push_back(a->stream_version);
    } else {
      ++refused;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(refused, 2);
  // The two unconditional adds after the refusal were decided again, in
  // their order, from what the store holds.
  EXPECT_EQ(versions, (std::vector<std::uint64_t>{1, 2, 3}));
  auto loaded = LoadAggregate<C>(*store_, "c1");
  EXPECT_EQ(loaded->state.value, 1101);
  EXPECT_EQ(*loaded->version, 3u);
  for (std::uint64_t v = 1; v <= 3; ++v) {
    auto e = store_->ReadStream("counter-c1", v, storage::Direction::kForwards, 1);
    EXPECT_EQ(nlohmann::json::parse(e->front().data)["n"], std::vector<int>({1, 100, 1000})[v - 1]);
  }
  // The held state follows the store: the next add lands on top.
  auto next = Execute<C>(*writer_, "c1", C::Add{1, ""}, Rc());
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->stream_version, 4u);
}

TEST_F(PipelineTest, ARefusalDecidedBehindAnUnansweredCommitWaitsForIt) {
  ASSERT_TRUE(Execute<C>(*writer_, "c1", C::Create{"x"}, Rc()).ok());
  backend_->HoldCommits(true);
  std::mutex mu;
  std::vector<Result<WriteResult>> answers;
  Submit(C::Add{1, ""}, Rc(), answers, mu);
  backend_->AwaitHeldCommit();
  // Version 0 is stale only if the held add commits; its answer must wait.
  auto conditional = Rc();
  conditional.if_match = 0;
  Submit(C::Add{2, ""}, conditional, answers, mu);
  AwaitDecided();
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(answers.empty());
  }
  backend_->HoldCommits(false);
  writer_->WaitIdle();
  ASSERT_EQ(answers.size(), 2u);
  ASSERT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].error().code, ErrorCode::kPreconditionFailed);
  EXPECT_EQ(answers[1].error().actual_version, 1);
}

TEST(EventMappingTest, ObjectDataIsMarkedCompactAndIsWhatTheStoreWouldStore) {
  RequestContext rc;
  for (const nlohmann::json& data :
       {nlohmann::json::object(), nlohmann::json{{"b", 1}, {"a", {1, 2.5, "x"}}},
        nlohmann::json{{"text", "caf\u00e9 \"quoted\" \n tab\t"}, {"n", -12345678901234LL}},
        nlohmann::json{{"nested", {{"z", nullptr}, {"y", true}, {"x", 1e-7}}}}}) {
    auto p = ToProposed({"E", 1, data, ""}, rc, "");
    EXPECT_TRUE(p.data_is_compact_object);
    EXPECT_EQ(nlohmann::json::parse(p.data).dump(), p.data);
  }
  auto array = ToProposed({"E", 1, nlohmann::json::array({1}), ""}, rc, "");
  EXPECT_FALSE(array.data_is_compact_object);  // the store refuses it as before
}

}  // namespace
}  // namespace assure::api
