// libFuzzer target: JSON as the server reads it (request bodies, stored
// event data, packs), differential against nlohmann::json::parse.
//
// - The fast path (FastParseJson), when it accepts, gives exactly the value
//   and JSON types nlohmann gives.
// - ParseJson (fast path, else domain::ParseJsonText) accepts exactly what
//   nlohmann accepts when the text nests at most kMaxJsonDepth, with the
//   same value, and refuses deeper text; ParseJsonInto into a warm holder
//   ends equal to it.
// - Whatever is accepted can be dumped, copied and compared (the operations
//   that recurse) and reads back the same.
// - CutTopLevelMembers never crashes, and a cut of JSON is JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/core/json_fast_parse.h"
#include "domain/json_text.h"
#include "tests/api/json_same_tree.h"
#include "tests/fuzz/fuzz_checks.h"

using assure::api::spreadsheet::fuzz::Check;
using assure::testing::SameTree;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool shallow = assure::domain::JsonDepthWithin(text);
  // nlohmann parses iteratively; only what it builds must stay shallow.
  const json reference = json::parse(text, nullptr, false);

  json fast;
  if (assure::api::FastParseJson(text, fast)) {
    Check(!reference.is_discarded(), "the fast path accepts only JSON");
    Check(shallow, "the fast path refuses deep nesting");
    Check(SameTree(fast, reference), "the fast path gives nlohmann's value");
  }

  const json parsed = assure::api::ParseJson(text);
  if (!shallow) {
    Check(parsed.is_discarded(), "ParseJson refuses text nested too deep");
    return 0;
  }
  Check(parsed.is_discarded() == reference.is_discarded(), "ParseJson accepts what nlohmann accepts");
  if (parsed.is_discarded()) return 0;
  Check(SameTree(parsed, reference), "ParseJson gives nlohmann's value");

  json warm = json::parse(R"({"a":[1,{"b":"c"}],"data":{"x":1},"z":"s"})");
  assure::api::ParseJsonInto(text, warm);
  Check(SameTree(warm, parsed), "ParseJsonInto gives ParseJson's value");

  const json copy = parsed;  // copies and comparisons recurse
  Check(copy == parsed, "a copy compares equal");
  const std::string dumped = parsed.dump(-1, ' ', false, json::error_handler_t::replace);
  const json again = assure::domain::ParseJsonText(dumped);
  Check(!again.is_discarded(), "a dump reads back");

  if (parsed.is_object()) {
    auto cut = assure::api::CutTopLevelMembers(text, {"a", "data", "z"});
    if (cut) Check(!assure::domain::ParseJsonText(*cut).is_discarded(), "a cut of JSON is JSON");
  }
  return 0;
}
