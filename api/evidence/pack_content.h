// What an evidence pack says about one QSIN statement, derived from the
// network model as at a position.
//
// The builder calls this on the whole network; the offline verifier calls it
// on a model folded from the pack's own events.jsonl. Both must get the same
// JSON, so every value here depends only on entities whose streams the pack
// includes (the builder collects exactly those streams through `uses`), and
// the output order is fixed (ids ascending, versions in the order added).
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/queries/network_model.h"
#include "storage/types.h"

namespace assure::api {

// Events of each stream, in stream order, up to the pack's position.
using StreamEvents = std::unordered_map<std::string, std::vector<const storage::RecordedEvent*>>;

// What a statement's section relies on: the streams to include in
// events.jsonl and the document contents (SHA-256 hex) to include.
struct PackUses {
  std::set<std::string> streams;
  std::set<std::string> document_sha256;
};

// The statement's section of pack.json: {code, catalogue|null,
// self_assessment|null, deliverables, documents, groups, meetings,
// evidence_counts, has_evidence}. `date` (YYYY-MM-DD) is the as-at date for
// memberships. `uses` may be null. `ragb_cache` (optional) keeps each
// deliverable's RAGB history between calls for the same model: a deliverable
// mapped to several statements is folded once.
nlohmann::json DeriveStatement(const NetworkModel& model, const StreamEvents& events,
                               const std::string& code, const std::string& date,
                               PackUses* uses,
                               std::unordered_map<std::string, nlohmann::json>* ragb_cache = nullptr);

// The RAGB changes of one deliverable stream: [{position, recorded_at, type,
// from|null, to|null, reason, actor}].
nlohmann::json RagbHistory(const std::vector<const storage::RecordedEvent*>& stream);

// Codes in a section: defined statements whose section is `section`, and
// codes seen on deliverables or documents but not defined whose hundreds
// digit is `section`. Empty `section`: every defined and every seen code.
std::vector<std::string> CodesInScope(const NetworkModel& model, const std::string& section);

}  // namespace assure::api
