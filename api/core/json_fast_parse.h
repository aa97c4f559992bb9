// A fast path for reading the JSON the store keeps (event data, written by
// nlohmann::json's compact dump): objects, arrays, strings without escapes
// or non-ASCII bytes, integers, true, false, null. It builds the same
// nlohmann::json value nlohmann::json::parse would, without its lexer.
// Anything else (an escape, a non-ASCII byte, a fraction or exponent, an
// integer out of range, a syntax error, nesting past domain::kMaxJsonDepth)
// returns false, and the caller parses with domain::ParseJsonText instead
// (which refuses the nesting too).
//
// Thread safety: a pure function.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace assure::api {

bool FastParseJson(std::string_view text, nlohmann::json& out);

// `text` parsed through the fast path, else by domain::ParseJsonText: a
// value that is_discarded() when the text is not JSON or nests deeper than
// domain::kMaxJsonDepth. What every reader of stored or received JSON calls.
nlohmann::json ParseJson(std::string_view text);

// ParseJson(text) into `into`, which ends equal to it, reusing what `into`
// already holds: members of the same name, array elements and strings are
// overwritten in place (keeping their allocations). For a loop that reads
// many texts of the same shape (events of one type): once warm, reading
// one allocates and frees little or nothing.
void ParseJsonInto(std::string_view text, nlohmann::json& into);

// `text` (an object) with the values of its top-level members named in
// `names` replaced by empty containers of the same type ("{}" or "[]"),
// found by a scan that only matches brackets outside strings: for reading
// a document's small members when the large ones are not needed (lexing
// tens of MB as JSON only to skip them is slow). Keys with escapes are never
// cut. nullopt when the text does not scan as an object; a text that scans
// but is not JSON may be cut (a parser of the result still refuses what is
// left). Members not cut are copied byte for byte.
std::optional<std::string> CutTopLevelMembers(std::string_view text, const std::set<std::string>& names);

}  // namespace assure::api
