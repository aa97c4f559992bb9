// Request-target parsing (boost::url), log redaction and pagination params.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/request.h"
#include "domain/result.h"

namespace assure::api::http {

struct ParsedTarget {
  std::string path;                   // encoded path without the query, e.g. "/api/v1/x%20y"
  std::vector<std::string> segments;  // percent-decoded path segments ("/" -> none)
  std::vector<QueryParam> query;      // percent-decoded key/value pairs, in order
};

// Parses an origin-form request-target ("/path?query"). Anything else
// (absolute-form, asterisk, bad escapes, a NUL) is kInvalidArgument.
Result<ParsedTarget> ParseTarget(std::string_view target);

// The target with the value of every `token` / `access_token` query parameter
// replaced by "REDACTED", for logs. Never fails.
std::string RedactTarget(std::string_view target);

// Offset + limit or cursor + limit pagination.
struct PageParams {
  std::size_t offset = 0;
  std::size_t limit = 0;
  std::string cursor;  // opaque; empty when none given
};

// Reads `limit`, `offset` and `cursor`. limit defaults to default_limit and
// must be 1..max_limit; offset must be a non-negative integer; offset and
// cursor together are refused. Errors: kInvalidArgument with the field.
Result<PageParams> ParsePageParams(const std::vector<QueryParam>& query,
                                   std::size_t default_limit = 50,
                                   std::size_t max_limit = 500);

}  // namespace assure::api::http
