// Parsing JSON text Assure did not just make itself: request bodies,
// WebSocket messages, tokens, event data and snapshots read back from the
// store, evidence packs given to the verifier. The one home of the nesting
// limit.
//
// nlohmann::json parses and destroys iteratively, but dump(), copies and
// comparisons recurse once per level of nesting: a value nested 60,000 deep
// (a 120 KB body) overflows a thread's stack. Everything Assure writes nests
// fewer than 10 levels, so text nested deeper than kMaxJsonDepth is refused
// as if it were malformed, before any value is built.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace assure::domain {

// The deepest nesting of arrays and objects any JSON Assure reads may have:
// `[[1]]` nests 2 deep, `{"a": [1]}` 2, `1` 0. On the wire: a request body
// nested deeper is a 400 that names this number.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Whether no array or object in `text` is nested more than `max_depth` deep,
// by one pass over the bytes that counts brackets outside strings. Says
// nothing about whether `text` is JSON; stops at the first level too deep.
bool JsonDepthWithin(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// nlohmann::json::parse(text, nullptr, false), except that text nested
// deeper than kMaxJsonDepth is refused the same way: a value that
// is_discarded(). Never throws.
nlohmann::json ParseJsonText(std::string_view text);

}  // namespace assure::domain
