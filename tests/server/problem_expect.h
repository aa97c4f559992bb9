// Expects an RFC 9457 problem+json answer from the HTTP server tests:
// status, media type, a stable type URN (when `slug` is given), a title and
// a correlation id.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/server/test_client.h"

namespace assure::server::testing {

inline void ExpectProblem(const HttpReply& r, int status, const std::string& slug = {}) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << r.body;
  auto j = r.Json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j["status"], status);
  if (!slug.empty()) {
    EXPECT_EQ(j["type"], "urn:assure:problem:" + slug);
  }
  EXPECT_TRUE(j.contains("title"));
  EXPECT_FALSE(r.Header("X-Correlation-Id").empty());
}

}  // namespace assure::server::testing
