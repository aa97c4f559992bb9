// libFuzzer target for ReadMarkdown. Built and run by ops/fuzz (a short run
// in ops/test): no crash, leak or UB, and every successful read satisfies
// the table invariants.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/spreadsheet/markdown_reader.h"
#include "tests/fuzz/fuzz_checks.h"

using namespace assure::api::spreadsheet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadOptions options;
  options.limits.max_columns = 64;
  auto r = ReadMarkdown(bytes, "fuzz.md", options);
  if (!r.ok()) {
    fuzz::Check(!r.error().message.empty(), "errors have a message");
    return 0;
  }
  fuzz::Check(!r->tables.empty(), "success means at least one table");
  fuzz::CheckInvariants(*r);
  return 0;
}
