// The write path under concurrency: a command without If-Match is never
// refused because another writer was first, and creating a deliverable lists
// it in its programme in the same commit (nothing half made).
#include <algorithm>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "storage/fault_backend.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

using RestWritePathTest = RestWorldTest;

TEST_F(RestWritePathTest, ConcurrentCreatesIntoOneProgrammeAllLandAndAreAllListed) {
  constexpr int kWriters = 16;
  constexpr int kRounds = 3;
  std::vector<std::string> created;
  std::mutex mu;
  std::vector<int> statuses;
  InParallel(kWriters, [&](int i) {
    for (int round = 0; round < kRounds; ++round) {
      HttpReply r = Send(srv().port(), "POST", "/api/v1/deliverables", tok().editor,
                         json{{"programme_id", w_.programme_in},
                              {"title", "Parallel " + std::to_string(i) + "." + std::to_string(round)}}
                             .dump());
      std::lock_guard l(mu);
      statuses.push_back(r.status);
      if (r.status == 201) created.push_back(r.Json()["id"].get<std::string>());
    }
  });
  std::string all;
  for (int s : statuses) all += std::to_string(s) + " ";
  SCOPED_TRACE("statuses: " + all);
  EXPECT_EQ(created.size(), static_cast<std::size_t>(kWriters * kRounds));
  const json listed = Get("/api/v1/programmes/" + w_.programme_in).Json()["deliverable_ids"];
  std::set<std::string> in_list;
  for (const auto& id : listed) in_list.insert(id.get<std::string>());
  for (const auto& id : created) EXPECT_TRUE(in_list.count(id)) << id << " is not in its programme";
  EXPECT_EQ(listed.size(), created.size() + 1);  // and the world's own deliverable
}

TEST_F(RestWritePathTest, ManyConcurrentNotesOnOneDeliverableWithoutIfMatchAllLand) {
  const std::string path = "/api/v1/deliverables/" + w_.deliverable_in;
  const std::uint64_t head = Head();
  constexpr int kWriters = 32;
  constexpr int kEach = 4;
  std::vector<int> statuses(kWriters * kEach);
  InParallel(kWriters, [&](int i) {
    for (int k = 0; k < kEach; ++k) {
      statuses[i * kEach + k] =
          Send(srv().port(), "POST", path + "/add-progress-note", tok().editor,
               json{{"note_date", "2024-05-05"}, {"text", "note " + std::to_string(i * kEach + k)}}.dump())
              .status;
    }
  });
  std::string all;
  for (int s : statuses) all += std::to_string(s) + " ";
  SCOPED_TRACE("statuses: " + all);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), kWriters * kEach);
  EXPECT_EQ(Head(), head + kWriters * kEach);
  EXPECT_EQ(Get(path).Json()["progress_note_count"], kWriters * kEach);
}

TEST_F(RestWritePathTest, ACreateAndItsProgrammeListingAreOneAppend) {
  const std::uint64_t head = Head();
  HttpReply r = Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "One commit"}},
                     tok().editor);
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Head(), head + 2);
  auto created = srv().store().ReadEvent(head + 1);
  auto listed = srv().store().ReadEvent(head + 2);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(created->type, "DeliverableCreated");
  EXPECT_EQ(listed->type, "WorkProgrammeDeliverableAdded");
  // One commit: one recorded time for both.
  EXPECT_EQ(created->recorded_at_us, listed->recorded_at_us);
  // A retry with the same key replays the whole create and writes nothing.
  const Headers key{{"Idempotency-Key", "create-once"}};
  HttpReply first = Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "Keyed"}},
                         tok().editor, key);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t after = Head();
  HttpReply again = Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "Keyed"}},
                         tok().editor, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Json()["id"], first.Json()["id"]);
  EXPECT_EQ(again.Json()["version"], first.Json()["version"]);
  EXPECT_EQ(again.Json()["position"], first.Json()["position"]);
  EXPECT_EQ(Head(), after);
}

}  // namespace
}  // namespace assure::rest_test

namespace assure::rest_test {
namespace {

// A full disk: writes answer 503 writes-suspended (nothing written), reads
// and /readyz say so, and writes come back when the disk does.
class RestDiskFullTest : public RestTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<RestServer>(
        RestConfig(), std::filesystem::path(),
        [this](std::unique_ptr<storage::Backend> inner) -> std::unique_ptr<storage::Backend> {
          auto f = std::make_unique<storage::FaultBackend>(std::move(inner));
          fault_ = f.get();
          return f;
        });
    w_ = BuildWorld(*this);
  }
  storage::FaultBackend* fault_ = nullptr;
  World w_;
};

TEST_F(RestDiskFullTest, WritesAnswer503WhileTheDiskIsFullAndResumeWhenItIsNot) {
  const std::string path = "/api/v1/deliverables/" + w_.deliverable_in;
  fault_->FailCommits(storage::FaultBackend::NoSpace());
  fault_->FailResume(MakeError(ErrorCode::kIoError, "No space left on device"));
  const std::uint64_t head = Head();

  HttpReply refused = Post(path + "/change-ragb", {{"ragb", "red"}, {"reason", "full"}}, tok().editor);
  EXPECT_TRUE(IsProblem(refused, 503)) << refused.body;
  EXPECT_EQ(refused.Json()["type"], "urn:assure:problem:writes-suspended");
  EXPECT_NE(refused.Json()["detail"].get<std::string>().find("No space left"), std::string::npos);
  EXPECT_FALSE(refused.Header("Retry-After").empty());
  HttpReply create = Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "Full"}},
                          tok().editor);
  EXPECT_TRUE(IsProblem(create, 503)) << create.body;
  EXPECT_EQ(Head(), head);

  // Reads go on; readiness says why not.
  HttpReply read = Get(path);
  EXPECT_EQ(read.status, 200);
  EXPECT_NE(read.Json()["ragb"], "red");
  HttpReply ready = Send(srv().port(), "GET", "/readyz", "");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("writes are suspended"), std::string::npos) << ready.body;
  EXPECT_EQ(Send(srv().port(), "GET", "/healthz", "").status, 200);

  // Space returns: the next write goes through, without a restart.
  fault_->FailCommits(std::nullopt);
  fault_->FailResume(std::nullopt);
  HttpReply ok = Post(path + "/change-ragb", {{"ragb", "red"}, {"reason", "space again"}}, tok().editor);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Get(path).Json()["ragb"], "red");
  EXPECT_EQ(Send(srv().port(), "GET", "/readyz", "").status, 200);
}


// Work after a committed write that fails (here: recording the
// Idempotency-Key) does not turn the answer into an error: the write stands,
// so the answer is 2xx and says what was not done; a retry with the key
// replays it and writes nothing.
TEST_F(RestDiskFullTest, AFailureAfterTheCommitIsAWarningInA2xxNotAnError) {
  const std::string path = "/api/v1/deliverables/" + w_.deliverable_in;
  fault_->FailStateWrites(MakeError(ErrorCode::kIoError, "state write failed: Input/output error"));
  const std::uint64_t head = Head();
  const Headers key{{"Idempotency-Key", "after-commit-1"}};
  HttpReply r = Post(path + "/change-ragb", {{"ragb", "amber"}, {"reason", "after commit"}}, tok().editor, key);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.Json().contains("warnings")) << r.body;
  EXPECT_NE(r.Json()["warnings"][0].get<std::string>().find("Idempotency-Key"), std::string::npos) << r.body;
  EXPECT_EQ(Head(), head + 1);
  EXPECT_EQ(Get(path).Json()["ragb"], "amber");
  HttpReply c = Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "After"}},
                     tok().editor, Headers{{"Idempotency-Key", "after-commit-2"}});
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_TRUE(c.Json().contains("warnings")) << c.body;

  fault_->FailStateWrites(std::nullopt);
  const std::uint64_t written = Head();
  HttpReply again = Post(path + "/change-ragb", {{"ragb", "amber"}, {"reason", "after commit"}}, tok().editor, key);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["replayed"], true) << again.body;
  EXPECT_EQ(Head(), written);
  HttpReply plain = Post(path + "/change-ragb", {{"ragb", "green"}, {"reason", "no key"}}, tok().editor);
  EXPECT_EQ(plain.status, 200) << plain.body;
  EXPECT_FALSE(plain.Json().contains("warnings")) << plain.body;
}

// An upload's cost does not grow with the document's versions: whether the
// document exists comes from its stream's head, and the writer decides
// against the state it holds, so the Nth upload reads no stored event (it
// used to fold the whole document first: N reads).
TEST_F(RestDiskFullTest, AnUploadReadsNoEventsHoweverManyVersionsTheDocumentHas) {
  HttpReply doc = Post("/api/v1/documents", {{"title", "Long-lived policy"}, {"document_numbers", {"D-9"}}},
                       tok().editor);
  ASSERT_EQ(doc.status, 201) << doc.body;
  const std::string id = doc.Json()["id"];
  auto upload = [&](int n) {
    return Send(srv().port(), "POST", "/api/v1/documents/" + id + "/versions?version_label=" + std::to_string(n),
                tok().editor, "text of version " + std::to_string(n), {{"Content-Type", "text/plain"}});
  };
  for (int n = 1; n <= 40; ++n) ASSERT_EQ(upload(n).status, 201);
  const std::uint64_t before = fault_->event_reads();
  HttpReply last = upload(41);
  ASSERT_EQ(last.status, 201) << last.body;
  EXPECT_EQ(fault_->event_reads() - before, 0u);
  EXPECT_EQ(Get("/api/v1/documents/" + id).Json()["versions"].size(), 41u);
}

}  // namespace
}  // namespace assure::rest_test
