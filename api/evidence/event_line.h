// One line of an evidence pack's events.jsonl: every field of a stored event
// and its canonical bytes (storage/FORMAT.md section 1.1) in hex, so an
// offline verifier can recompute the Merkle leaf hash and check that the
// readable fields say what the hashed bytes say (FORMAT.md section 6.3).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"
#include "storage/types.h"

namespace assure::api {

// The line (without its '\n'): a JSON object with the keys, in this order,
// position, stream_id, stream_version, event_id, type, schema_version,
// recorded_at_us, recorded_at, actor, reason, correlation_id, causation_id,
// source, data (the stored JSON object, verbatim), hash, canonical.
std::string RenderEventLine(const storage::RecordedEvent& e);

// JSON string literal for `s` (quotes included), escaped as nlohmann::json
// dumps it: \" \\ \b \f \n \r \t, other control characters as \u00XX,
// everything else verbatim (UTF-8).
void AppendJsonString(std::string& out, std::string_view s);

// Reads a line: decodes its canonical bytes and checks every readable field
// against them. Returns the event as the canonical bytes say it is. On a
// mismatch, kCorruption whose message names the field(s) that differ; a line
// that is not JSON, lacks a field or whose canonical bytes do not decode is
// kInvalidArgument. When the canonical bytes decode, `canonical` (if given)
// receives the event they hold, even on a mismatch, and `canonical_bytes`
// (if given) the bytes themselves (the Merkle leaf's input).
Result<storage::RecordedEvent> ParseEventLine(std::string_view line,
                                              storage::RecordedEvent* canonical = nullptr,
                                              std::string* canonical_bytes = nullptr);

}  // namespace assure::api
