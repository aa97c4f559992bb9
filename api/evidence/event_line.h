// One line of an evidence pack's events.jsonl: every field of a stored event
// and its Merkle leaf hash (storage/FORMAT.md section 6.3). The fields are
// the event's canonical form: its canonical bytes (FORMAT.md section 1.1) are
// a function of them, so an offline verifier recomputes the leaf hash from
// what the line says and checks it against the leaf_hash the line claims
// (naming the line when they differ) and against the signed tree (the batch
// inclusion proof).
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
// source, data (the stored JSON object, verbatim), hash, leaf_hash.
std::string RenderEventLine(const storage::RecordedEvent& e, const storage::Hash256& leaf);
std::string RenderEventLine(const storage::RecordedEvent& e);  // computes the leaf
// The same line appended to `out`.
void AppendEventLine(std::string& out, const storage::RecordedEvent& e, const storage::Hash256& leaf);

// JSON string literal for `s` (quotes included), escaped as nlohmann::json
// dumps it: \" \\ \b \f \n \r \t, other control characters as \u00XX,
// everything else verbatim (UTF-8).
void AppendJsonString(std::string& out, std::string_view s);

// Reads a line (any key order and whitespace; the rendering above is read
// fastest) into the event it describes and recomputes its leaf hash from the
// fields. kInvalidArgument for a line that is not such an object (field
// named); kCorruption when the fields do not hash to the line's leaf_hash or
// recorded_at does not say recorded_at_us. Whenever the fields were read,
// `parsed` (if given) receives them and `claimed_leaf` (if given) the line's
// leaf_hash, even on kCorruption.
Result<storage::RecordedEvent> ParseEventLine(std::string_view line,
                                              storage::RecordedEvent* parsed = nullptr,
                                              storage::Hash256* claimed_leaf = nullptr);
// ParseEventLine into `e` and `leaf` in place (no copies): the same checks
// and errors; the fields are read whenever the status is ok or kCorruption.
Status ReadEventLine(std::string_view line, storage::RecordedEvent& e, storage::Hash256& leaf);

}  // namespace assure::api
