// libFuzzer target: request targets and query strings (api/http/query.h).
//
// - ParseTarget never crashes; an accepted target has a path starting "/",
//   and its decoded segments and query pairs are plain strings.
// - RedactTarget never crashes and keeps the path.
// - ParsePageParams on the parsed query never crashes; what it accepts is in
//   range.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http/query.h"
#include "tests/fuzz/fuzz_checks.h"

using assure::api::spreadsheet::fuzz::Check;
using namespace assure::api::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const std::string redacted = RedactTarget(target);
  auto parsed = ParseTarget(target);
  if (!parsed.ok()) {
    Check(parsed.error().code == assure::ErrorCode::kInvalidArgument, "a bad target is invalid-argument");
    return 0;
  }
  Check(!parsed->path.empty() && parsed->path[0] == '/', "an accepted target's path starts with /");
  Check(parsed->path.find('?') == std::string::npos, "the path holds no query");
  Check(redacted.substr(0, redacted.find('?')) == target.substr(0, target.find('?')),
        "redaction keeps the path");
  auto page = ParsePageParams(parsed->query, 50, 500);
  if (page.ok()) {
    Check(page->limit >= 1 && page->limit <= 500, "limit in range");
    Check(page->offset == 0 || page->cursor.empty(), "offset and cursor not both");
  }
  return 0;
}
