// Shared by the reader tests: a read that must fail with `code` and a
// message containing `needle`.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet::testing {

inline void ExpectError(const Result<ReadResult>& r, ErrorCode code, const std::string& needle) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

}  // namespace assure::api::spreadsheet::testing
