// Heavy operations (imports, evidence packs, exports, as-at reads that fold
// the whole log, chain verification) had no bound on how many ran at once.
// Now at most heavy_concurrency run; one more is answered 503 with
// Retry-After at once, and writes nothing.
#include <vector>

#include "tests/rest/rest_harness.h"

namespace assure::rest_test {
namespace {

class RestHeavyTest : public RestTest {};

TEST_F(RestHeavyTest, HeavyOperationsBeyondTheLimitAre503WithRetryAfter) {
  World w = BuildWorld(*this);
  auto& heavy = *srv().app().heavy();
  ASSERT_EQ(heavy.limit(), 2u);  // the default
  // Two heavy operations in progress (held here, as a running one would).
  std::vector<api::http::ConcurrencyLimiter::Permit> running;
  for (auto p = heavy.TryAcquire(); p; p = heavy.TryAcquire()) running.push_back(std::move(p));
  ASSERT_EQ(running.size(), 2u);

  const std::uint64_t head = Head();
  const std::string at = "?at_position=" + std::to_string(head);
  struct Case {
    std::string method, target, token, body;
    Headers headers;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/people" + at, tok().viewer, "", {}},
      {"GET", "/api/v1/deliverables?as_of=2030-01-01", tok().viewer, "", {}},
      {"GET", "/api/v1/audit/verify", tok().admin, "", {}},
      // A text search of the decision log loads meetings whole.
      {"GET", "/api/v1/decisions?q=budget", tok().viewer, "", {}},
      {"GET", "/api/v1/programmes/" + w.programme_in + "/export", tok().viewer, "", {}},
      {"POST", "/api/v1/evidence-packs", tok().admin, R"({"statements":"all"})", {}},
      {"POST", "/api/v1/imports?file_name=w.csv", tok().editor,
       "Title,Work Programme (2023 - 2024)\nNetwork Reference,Deliverable\nX1,Something\n",
       {{"Content-Type", "text/csv"}}},
  };
  for (const auto& c : cases) {
    HttpReply r = Send(srv().port(), c.method, c.target, c.token, c.body, c.headers);
    EXPECT_TRUE(IsProblem(r, 503)) << c.method << " " << c.target << ": " << r.body;
    EXPECT_EQ(r.Header("Retry-After"), "2") << c.target;
    EXPECT_NE(r.Json()["detail"].get<std::string>().find("2 heavy operations"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(Head(), head);  // the refused import wrote nothing
  // Reads of the current state are not heavy.
  EXPECT_EQ(Get("/api/v1/people").status, 200);
  EXPECT_EQ(Get("/api/v1/deliverables/" + w.deliverable_in + at).status, 200);
  EXPECT_EQ(Get("/api/v1/decisions").status, 200);

  // One finishes: one more may run.
  running.pop_back();
  EXPECT_EQ(Get("/api/v1/people" + at).status, 200);
  EXPECT_EQ(Get("/api/v1/audit/verify", tok().admin).status, 200);
  EXPECT_EQ(Get("/api/v1/decisions?q=budget").status, 200);
  EXPECT_EQ(heavy.running(), 1u);  // each handler gave its permit back
}

}  // namespace
}  // namespace assure::rest_test
