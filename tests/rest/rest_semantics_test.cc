// Write and read semantics: If-Match, Idempotency-Key, as_of / at_position,
// pagination, read-your-writes (min_position).
#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include "storage/codec.h"
#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class RestSemanticsTest : public RestWorldTest {
 protected:
  std::string Deliverable() const { return "/api/v1/deliverables/" + w_.deliverable_in; }
};

TEST_F(RestSemanticsTest, IfMatchWithTheCurrentETagSucceedsAndAStaleOneIs412) {
  const std::string etag = Get(Deliverable()).Header("ETag");
  HttpReply ok = Post(Deliverable() + "/change-ragb", {{"ragb", "amber"}, {"reason", "r1"}}, tok().editor,
                      {{"If-Match", etag}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string next = ok.Header("ETag");
  EXPECT_NE(next, etag);
  EXPECT_EQ(Get(Deliverable()).Header("ETag"), next);
  // A weak form of the current ETag is accepted too.
  HttpReply weak = Post(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "r2"}}, tok().editor,
                        {{"If-Match", "W/" + next}});
  EXPECT_EQ(weak.status, 200) << weak.body;
  const std::uint64_t head = Head();
  HttpReply stale = Post(Deliverable() + "/change-ragb", {{"ragb", "blue"}, {"reason", "r3"}}, tok().editor,
                         {{"If-Match", etag}});
  EXPECT_TRUE(IsProblem(stale, 412));
  EXPECT_EQ(stale.Header("ETag"), weak.Header("ETag"));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Get(Deliverable()).Json()["ragb"], "red");
}

TEST_F(RestSemanticsTest, IdempotencyKeyReplaysTheFirstResultAndWritesNothing) {
  const Headers key{{"Idempotency-Key", "retry-1"}};
  HttpReply first = Post(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "r"}}, tok().editor, key);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["replayed"], false);
  const std::uint64_t head = Head();
  HttpReply again = Post(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "r"}}, tok().editor, key);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["replayed"], true);
  EXPECT_EQ(again.Json()["version"], first.Json()["version"]);
  EXPECT_EQ(again.Json()["position"], first.Json()["position"]);
  EXPECT_EQ(again.Json()["events_written"], 0);
  EXPECT_EQ(Head(), head);
  // The same key on another entity is a different request.
  HttpReply elsewhere = Post("/api/v1/deliverables/" + w_.deliverable_out + "/change-ragb",
                             {{"ragb", "red"}, {"reason", "r"}}, tok().editor, key);
  EXPECT_TRUE(IsProblem(elsewhere, 409, "Idempotency-Key"));
  EXPECT_EQ(Head(), head);
  // Another caller's key is theirs alone: the admin's "retry-1" is new.
  HttpReply admin = Post(Deliverable() + "/change-ragb", {{"ragb", "amber"}, {"reason", "r"}}, tok().admin, key);
  EXPECT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(admin.Json()["replayed"], false);
}

TEST_F(RestSemanticsTest, IdempotencyKeyWithAnotherBodyIs409) {
  const Headers key{{"Idempotency-Key", "retry-2"}};
  HttpReply first = Post(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "r"}}, tok().editor, key);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::uint64_t head = Head();
  HttpReply other = Post(Deliverable() + "/change-ragb", {{"ragb", "amber"}, {"reason", "r"}}, tok().editor, key);
  EXPECT_TRUE(IsProblem(other, 409, "Idempotency-Key"));
  HttpReply other_command = Post(Deliverable() + "/add-progress-note", {{"note_date", "2024-01-01"}, {"text", "t"}},
                                 tok().editor, key);
  EXPECT_TRUE(IsProblem(other_command, 409, "Idempotency-Key"));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Get(Deliverable()).Json()["ragb"], "red");
}

// The fingerprint hashes the body's bytes (issue 15: re-serialising a body
// recursed through it). One recorded before, over the body's dump(), still
// replays its request.
TEST_F(RestSemanticsTest, IdempotencyFingerprintsAreTheBodysBytesAndOldOnesStillMatch) {
  const Headers key{{"Idempotency-Key", "retry-bytes"}};
  const std::string target = Deliverable() + "/change-ragb";
  const std::string text = R"({"reason": "r", "ragb": "red"})";
  HttpReply first = Send(srv().port(), "POST", target, tok().editor, text, key);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::uint64_t head = Head();
  EXPECT_EQ(Send(srv().port(), "POST", target, tok().editor, text, key).Json()["replayed"], true);
  // Equal as JSON but not byte for byte: another request.
  EXPECT_TRUE(IsProblem(Send(srv().port(), "POST", target, tok().editor, R"({"ragb":"red","reason":"r"})", key),
                        409, "Idempotency-Key"));
  // As an earlier version recorded it: SHA-256 over method, path, query and
  // the body's dump(), without the "v2:" prefix.
  auto& store = srv().store();
  std::string state_key;
  auto all = store.ScanState("rest/idempotency/");
  ASSERT_TRUE(all.ok());
  for (const auto& kv : *all) {
    if (kv.value.starts_with("v2:")) state_key = kv.key;
  }
  ASSERT_FALSE(state_key.empty());
  std::string input = "POST";
  input.push_back('\0');
  input += target;
  input.push_back('\0');
  input += json::parse(text).dump();
  ASSERT_TRUE(store.PutState({{state_key, storage::HexEncode(storage::Sha256(input))}}).ok());
  EXPECT_EQ(Send(srv().port(), "POST", target, tok().editor, R"({"ragb":"red","reason":"r"})", key)
                .Json()["replayed"], true);
  EXPECT_EQ(Send(srv().port(), "POST", target, tok().editor, text, key).Json()["replayed"], true);
  EXPECT_TRUE(IsProblem(Send(srv().port(), "POST", target, tok().editor, R"({"ragb":"amber","reason":"r"})", key),
                        409, "Idempotency-Key"));
  EXPECT_EQ(Head(), head);
}

TEST_F(RestSemanticsTest, IdempotentUploadReplaysAndAnotherContentIs409) {
  const std::string doc = Create("documents", {{"title", "T"}, {"document_numbers", {"D-9"}}}, tok().editor);
  const std::string target = "/api/v1/documents/" + doc + "/versions?version_label=1";
  const Headers key{{"Idempotency-Key", "upload-1"}, {"Content-Type", "text/plain"}};
  HttpReply first = Send(srv().port(), "POST", target, tok().editor, "version one", key);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t head = Head();
  HttpReply again = Send(srv().port(), "POST", target, tok().editor, "version one", key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Json()["replayed"], true);
  EXPECT_EQ(again.Json()["position"], first.Json()["position"]);
  HttpReply other = Send(srv().port(), "POST", target, tok().editor, "version TWO", key);
  EXPECT_TRUE(IsProblem(other, 409, "Idempotency-Key"));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Get("/api/v1/documents/" + doc).Json()["versions"].size(), 1u);
}

TEST_F(RestSemanticsTest, IdempotentCreateReturnsTheFirstEntity) {
  const Headers key{{"Idempotency-Key", "create-1"}};
  const json body = {{"programme_id", w_.programme_in}, {"title", "Once only"}};
  HttpReply first = Post("/api/v1/deliverables", body, tok().editor, key);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t head = Head();
  HttpReply again = Post("/api/v1/deliverables", body, tok().editor, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Json()["id"], first.Json()["id"]);
  EXPECT_EQ(again.Json()["replayed"], true);
  EXPECT_EQ(again.Header("Location"), first.Header("Location"));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Get("/api/v1/deliverables?programme_id=" + w_.programme_in).Json()["total"], 2);
  EXPECT_EQ(Get("/api/v1/programmes/" + w_.programme_in).Json()["deliverable_ids"].size(), 2u);
  // The same key for a different create is refused.
  HttpReply other = Post("/api/v1/deliverables", {{"programme_id", w_.programme_in}, {"title", "Another"}},
                         tok().editor, key);
  EXPECT_TRUE(IsProblem(other, 409, "Idempotency-Key"));
  HttpReply other_kind = Post("/api/v1/people", {{"name", "Once only"}}, tok().editor, key);
  EXPECT_TRUE(IsProblem(other_kind, 409, "Idempotency-Key"));
  EXPECT_EQ(Head(), head);
}

TEST_F(RestSemanticsTest, ConcurrentWritesWithTheSameIfMatchHaveOneWinner) {
  const std::string etag = Get(Deliverable()).Header("ETag");
  const std::uint64_t head = Head();
  constexpr int kWriters = 8;
  std::vector<int> status(kWriters);
  InParallel(kWriters, [&](int i) {
    status[i] = Send(srv().port(), "POST", Deliverable() + "/change-ragb", tok().editor,
                     json{{"ragb", "red"}, {"reason", "writer " + std::to_string(i)}}.dump(),
                     {{"If-Match", etag}})
                    .status;
  });
  std::string all;
  for (int s : status) all += std::to_string(s) + " ";
  SCOPED_TRACE("statuses: " + all);
  EXPECT_EQ(std::count(status.begin(), status.end(), 200), 1);
  EXPECT_EQ(std::count(status.begin(), status.end(), 412), kWriters - 1);
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(RestSemanticsTest, ConcurrentWritesWithoutIfMatchAllLand) {
  // Without If-Match no writer can lose: the entity writer decides them in
  // turn, each against the state the one before it left.
  const std::uint64_t head = Head();
  const auto notes = Get(Deliverable()).Json()["progress_note_count"].get<std::size_t>();
  constexpr int kWriters = 16;
  std::vector<HttpReply> replies(kWriters);
  InParallel(kWriters, [&](int i) {
    replies[i] = Send(srv().port(), "POST", Deliverable() + "/add-progress-note", tok().editor,
                      json{{"note_date", "2024-05-05"}, {"text", "note " + std::to_string(i)}}.dump());
  });
  std::set<std::uint64_t> versions;
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["events_written"], 1);
    versions.insert(r.Json()["version"].get<std::uint64_t>());
    EXPECT_EQ(r.Header("ETag"), "\"" + std::to_string(r.Json()["version"].get<std::uint64_t>()) + "\"");
  }
  EXPECT_EQ(versions.size(), static_cast<std::size_t>(kWriters));
  EXPECT_EQ(Head(), head + kWriters);
  EXPECT_EQ(Get(Deliverable()).Json()["progress_note_count"], notes + kWriters);
}

TEST_F(RestSemanticsTest, ConcurrentRetriesWithOneKeyWriteOnce) {
  const std::uint64_t head = Head();
  constexpr int kRetries = 8;
  std::vector<HttpReply> replies(kRetries);
  InParallel(kRetries, [&](int i) {
    replies[i] = Send(srv().port(), "POST", Deliverable() + "/add-progress-note", tok().editor,
                      json{{"note_date", "2024-05-05"}, {"text", "once"}}.dump(),
                      {{"Idempotency-Key", "storm-1"}});
  });
  int fresh = 0;
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["position"], replies[0].Json()["position"]);
    fresh += r.Json()["replayed"] == false ? 1 : 0;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(Head(), head + 1);
  EXPECT_EQ(Get(Deliverable()).Json()["progress_note_count"], 1u);
}

// Retries of one create sent at once: one entity, and every answer names it
// (those that raced the first to the writer had drawn ids of their own).
TEST_F(RestSemanticsTest, ConcurrentRetriesOfACreateWithOneKeyCreateOneEntityAndAllNameIt) {
  constexpr int kRetries = 8;
  std::vector<HttpReply> replies(kRetries);
  const std::string body = json{{"programme_id", w_.programme_in}, {"title", "Once, at once"}}.dump();
  InParallel(kRetries, [&](int i) {
    replies[i] = Send(srv().port(), "POST", "/api/v1/deliverables", tok().editor, body,
                      {{"Idempotency-Key", "create-storm"}});
  });
  int fresh = 0;
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json()["id"], replies[0].Json()["id"]);
    EXPECT_EQ(r.Header("Location"), replies[0].Header("Location"));
    fresh += r.Json()["replayed"] == false ? 1 : 0;
  }
  EXPECT_EQ(fresh, 1);
  const std::string at = "&min_position=" + std::to_string(Head());
  EXPECT_EQ(Get("/api/v1/deliverables?programme_id=" + w_.programme_in + at).Json()["total"], 2);
}

TEST_F(RestSemanticsTest, ARestartServesTheSameReadModelsAndTokens) {
  Must(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "before restart"}}, tok().editor);
  const json deliverables = Get("/api/v1/deliverables?limit=1000").Json()["items"];
  const json groups = Get("/api/v1/groups").Json()["items"];
  const json coverage = Get("/api/v1/qsin/coverage").Json()["statements"];
  const Tokens old = tok();
  const auto dir = srv().KeepDir();
  server_.reset();
  server_ = std::make_unique<RestServer>(RestConfig(), dir);
  EXPECT_EQ(Send(srv().port(), "GET", "/readyz", "").status, 200);
  // Tokens issued before the restart still work (and revoked ones stay revoked).
  EXPECT_EQ(Get("/api/v1/deliverables?limit=1000", old.viewer).Json()["items"], deliverables);
  EXPECT_EQ(Get("/api/v1/groups", old.viewer).Json()["items"], groups);
  EXPECT_EQ(Get("/api/v1/qsin/coverage", old.viewer).Json()["statements"], coverage);
  EXPECT_TRUE(IsProblem(Get("/api/v1/groups", old.revoked), 401));
  // And writes continue from where the log was.
  HttpReply w = Post(Deliverable() + "/change-ragb", {{"ragb", "amber"}, {"reason", "after"}}, old.editor);
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.Json()["position"], Head());
  EXPECT_EQ(Get("/api/v1/deliverables?ragb=amber&group_id=" + w_.group_in + "&min_position=" +
                std::to_string(Head()))
                .Json()["total"],
            1);
}

TEST_F(RestSemanticsTest, AsOfAndAtPositionShowThePast) {
  HttpReply created = Get("/api/v1/streams/deliverable-" + w_.deliverable_in);
  const json first_event = created.Json()["items"][0];
  const std::uint64_t before_change = Head();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a later recorded_at
  Must(Deliverable() + "/change-ragb", {{"ragb", "red"}, {"reason", "slipping"}}, tok().editor);
  Must(Deliverable() + "/add-progress-note", {{"note_date", "2024-09-01"}, {"text", "n"}}, tok().editor);
  ASSERT_EQ(Get(Deliverable()).Json()["ragb"], "red");

  // at_position: the state when the log ended there.
  json then = Get(Deliverable() + "?at_position=" + std::to_string(before_change)).Json();
  EXPECT_EQ(then["ragb"], "blue");
  EXPECT_EQ(then["progress_notes"].size(), 0u);
  EXPECT_EQ(then["version"], 0);
  // as_of a date-time: the event recorded at that instant is included, later ones not.
  const std::string at = first_event["recorded_at"];
  HttpReply asof = Get(Deliverable() + "?as_of=" + at);
  ASSERT_EQ(asof.status, 200) << asof.body;
  EXPECT_EQ(asof.Json()["ragb"], "blue");
  // Lists and queries as at a past position.
  json list = Get("/api/v1/deliverables?ragb=blue&at_position=" + std::to_string(before_change)).Json();
  EXPECT_EQ(list["total"], 1);
  EXPECT_EQ(list["position"], before_change);
  EXPECT_EQ(Get("/api/v1/deliverables?ragb=blue").Json()["total"], 0);
  // Before the deliverable existed.
  EXPECT_TRUE(IsProblem(Get(Deliverable() + "?as_of=2000-01-01"), 404, "id"));
  EXPECT_EQ(Get("/api/v1/deliverables?as_of=2000-01-01").Json()["total"], 0);

  // History as at a point stops there.
  EXPECT_EQ(Get(Deliverable() + "/history").Json()["items"].size(), 3u);
  json h = Get(Deliverable() + "/history?at_position=" + std::to_string(before_change)).Json()["items"];
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["type"], "DeliverableCreated");
  EXPECT_EQ(Get(Deliverable() + "/history?as_of=" + at).Json()["items"].size(), 1u);
  EXPECT_EQ(Get(Deliverable() + "/history?at_position=" + std::to_string(Head() - 1)).Json()["items"].size(), 2u);
}

TEST_F(RestSemanticsTest, PaginationOffsetLimitTotalAndMaximum) {
  for (int i = 0; i < 7; ++i) Create("people", {{"name", "Person " + std::to_string(i)}}, tok().editor);
  const std::size_t total = 10;  // three in the world
  json all = Get("/api/v1/people?limit=1000").Json();
  ASSERT_EQ(all["total"], total);
  ASSERT_EQ(all["items"].size(), total);
  std::set<std::string> seen;
  for (std::size_t offset = 0; offset < total; offset += 3) {
    json page = Get("/api/v1/people?offset=" + std::to_string(offset) + "&limit=3").Json();
    EXPECT_EQ(page["total"], total);
    EXPECT_EQ(page["offset"], offset);
    EXPECT_EQ(page["limit"], 3);
    EXPECT_EQ(page["items"].size(), std::min<std::size_t>(3, total - offset));
    for (std::size_t i = 0; i < page["items"].size(); ++i) {
      EXPECT_EQ(page["items"][i], all["items"][offset + i]);  // a stable order
      seen.insert(page["items"][i]["id"].get<std::string>());
    }
  }
  EXPECT_EQ(seen.size(), total);
  json beyond = Get("/api/v1/people?offset=50").Json();
  EXPECT_EQ(beyond["items"].size(), 0u);
  EXPECT_EQ(beyond["total"], total);
  EXPECT_EQ(Get("/api/v1/people").Json()["limit"], 100);  // the default
  EXPECT_TRUE(IsProblem(Get("/api/v1/people?limit=1001"), 422, "limit"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/deliverables?limit=1001"), 422, "limit"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/events?limit=1001"), 422, "limit"));
  json d = Get("/api/v1/deliverables?offset=1&limit=1").Json();
  EXPECT_EQ(d["total"], 2);
  EXPECT_EQ(d["items"].size(), 1u);
  json events = Get("/api/v1/events?limit=2").Json();
  EXPECT_EQ(events["items"].size(), 2u);
}

TEST_F(RestSemanticsTest, MinPositionReadsYourWrites) {
  HttpReply w = Post("/api/v1/people", {{"name", "Fresh"}}, tok().editor);
  ASSERT_EQ(w.status, 201);
  const std::string pos = std::to_string(w.Json()["position"].get<std::uint64_t>());
  json list = Get("/api/v1/people?min_position=" + pos).Json();
  EXPECT_GE(list["position"].get<std::uint64_t>(), w.Json()["position"].get<std::uint64_t>());
  bool found = false;
  for (const auto& p : list["items"]) found = found || p["id"] == w.Json()["id"];
  EXPECT_TRUE(found);
  EXPECT_EQ(Get("/api/v1/people/" + w.Json()["id"].get<std::string>() + "?min_position=" + pos).status, 200);
  // A position past the log's head can never be waited for: 422 at once
  // (it parked a worker for 2 s and answered 503), naming the head.
  const std::uint64_t head = Head();
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/people", "/api/v1/deliverables",
           "/api/v1/people/" + w.Json()["id"].get<std::string>()}) {
    HttpReply future = Get(target + "?min_position=" + std::to_string(head + 1000));
    EXPECT_TRUE(IsProblem(future, 422, "min_position")) << target << ": " << future.body;
    EXPECT_NE(future.Json()["detail"].get<std::string>().find(std::to_string(head)),
              std::string::npos)
        << future.body;
  }
  EXPECT_TRUE(IsProblem(Get("/api/v1/people?min_position=1000000000000"), 422, "min_position"));
  EXPECT_TRUE(IsProblem(Get("/api/v1/people?min_position=x"), 422, "min_position"));
}

}  // namespace
}  // namespace assure::rest_test
