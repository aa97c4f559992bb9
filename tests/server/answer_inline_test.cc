// RouteOptions::answer_inline over real loopback sockets: an answer from
// memory on the I/O thread, without the worker pool.
#include <gtest/gtest.h>

#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::server::testing {
namespace {

// A route's answer_inline answers on the I/O thread while the only worker is
// busy; a request it declines, and any request of an assessor (whose
// security-log entry may wait for room), waits for the worker instead.
TEST(AnswerInlineTest, AnswersOnTheIoThreadWhileTheWorkersAreBusy) {
  auto cfg = FastConfig();
  cfg.worker_threads = 1;
  TestServer s(cfg);
  const Headers admin = Bearer(s.Token(auth::Role::kAdmin));
  RawConnection busy(s.port());
  ASSERT_TRUE(busy.Send(BuildRequest("GET", "/api/v1/test/slow?n=a")));
  ASSERT_TRUE(s.gate.WaitEntered(1));  // the only worker is busy until the gate opens
  auto r = Call(s.port(), "GET", "/api/v1/test/memo?memo=1", "", admin);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["from"], "memory");
  EXPECT_FALSE(r.Header("X-Correlation-Id").empty());
  EXPECT_EQ(Call(s.port(), "GET", "/api/v1/test/memo?memo=1").status, 401) << "authenticated first";
  RawConnection declined(s.port()), assessor(s.port());
  ASSERT_TRUE(declined.Send(BuildRequest("GET", "/api/v1/test/memo", "", admin)));
  ASSERT_TRUE(assessor.Send(BuildRequest("GET", "/api/v1/test/memo?memo=1", "",
                                         Bearer(s.Token(auth::Role::kAssessor)))));
  s.gate.Open();
  ASSERT_TRUE(busy.Read().has_value());
  for (RawConnection* c : {&declined, &assessor}) {
    auto w = c->Read();
    ASSERT_TRUE(w.has_value());
    EXPECT_EQ(w->status, 200) << w->body;
    EXPECT_EQ(w->Json()["from"], "worker");
  }
}

}  // namespace
}  // namespace assure::server::testing
