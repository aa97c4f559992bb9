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

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/queries/network_model.h"
#include "storage/types.h"

namespace assure::api {

// What a statement's section relies on: the streams to include in
// events.jsonl, the document contents (SHA-256 hex) to include, and the
// deliverables shown (whose RAGB histories pack.json carries once each).
struct PackUses {
  std::set<std::string> streams;
  std::set<std::string> document_sha256;
  std::set<std::string> deliverables;
};

// One RAGB change of a deliverable.
struct RagbChange {
  std::uint64_t position = 0;
  std::int64_t recorded_at_us = 0;
  std::string type;
  std::optional<domain::Ragb> from, to;
  std::string reason;
  std::string actor;
};

// The holder of a bearer token, from its TokenIssued event: names an actor
// that is a token's id (tokens issued before they named a person).
struct TokenHolder {
  std::string label;      // the token's name, as given at issue
  std::string person_id;  // empty if it names none
};

// Folds the log into a NetworkModel and records every deliverable's RAGB
// changes (and every token's holder) on the way (no second pass over the deliverables' events). The
// builder and the verifier fold through this, so both see the same changes.
class PackFold {
 public:
  void Apply(NetworkModel& model, const storage::RecordedEvent& e);
  // Apply for each of `events` (ascending positions), on two threads: the
  // streams are split in two by a hash of their id, each half folded into a
  // model of its own, and the two joined (aggregates fold independently).
  void ApplyAll(NetworkModel& model, const std::vector<const storage::RecordedEvent*>& events);
  // deliverable id -> its changes in log order.
  const std::unordered_map<std::string, std::vector<RagbChange>>& ragb() const { return ragb_; }
  // token id -> its holder.
  const std::unordered_map<std::string, TokenHolder>& tokens() const { return tokens_; }

 private:
  // Event data is read into the last value read for its type, which it
  // mostly matches in shape (ParseJsonInto).
  std::unordered_map<std::string, nlohmann::json> holders_;
  std::unordered_map<std::string, std::vector<RagbChange>> ragb_;
  std::unordered_map<std::string, TokenHolder> tokens_;
};

// The entities the statements show, once each: pack.json's "entities"
// ({deliverables, documents, groups, meetings}, each id -> JSON). A meeting
// (with all its decisions) is kept as its id and rendered from the model
// when pack.json is written (MeetingEntity): a whole-network pack shows tens
// of thousands.
struct PackEntities {
  nlohmann::json deliverables = nlohmann::json::object();
  nlohmann::json documents = nlohmann::json::object();
  nlohmann::json groups = nlohmann::json::object();
  std::set<std::string> meetings;
  // risk id -> {id, state (RiskAggregate::ToJson), escalations: [the
  // escalations of the risk, EscalationAggregate::ToJson, by id]}
  nlohmann::json risks = nlohmann::json::object();
};

// The statement's section of pack.json: {code, catalogue|null,
// self_assessment|null, deliverables: [id], documents: [id], groups: [id],
// meetings: [{id, decisions: [decision_id]}], risks: [id], evidence_counts,
// has_evidence}. Risks are those whose qsin_codes name the statement, with
// their escalations; a meeting's decision is shown when it links a shown
// deliverable, document, risk or escalation, or decided an escalation shown.
// A risk counts as evidence (has_evidence) once it was reviewed or escalated:
// a risk only raised is shown but not counted.
// The entities themselves go once each into `entities`. `date` (YYYY-MM-DD)
// is the as-at date for memberships. `uses` and `entities` may be null.
nlohmann::json DeriveStatement(const NetworkModel& model, const std::string& code,
                               const std::string& date, PackUses* uses,
                               PackEntities* entities = nullptr);

// A meeting's entry in pack.json's entities (null if there is no such meeting).
nlohmann::json MeetingEntity(const NetworkModel& model, const std::string& id);
// pack.json's "entities" as one JSON value.
nlohmann::json EntitiesJson(const NetworkModel& model, const PackEntities& entities);

// pack.json: the canonical JSON (FORMAT.md 6.6, api/evidence/pack_json.cc)
// of the whole object followed by a newline, without holding it as one
// tree: `header` holds every top-level member but "entities",
// "ragb_histories" (for `deliverables`) and "statements", which are written
// from `statements`, the model and the fold. Meetings and histories are
// rendered on two threads. Identical bytes to building the object and
// writing it canonically (tested). `reserve`: the bytes to reserve for it up
// front, when the caller can tell (the size of the pack.json a verifier
// re-renders, or a generous guess): reserved memory costs nothing until
// written, while growing by doubling copies the text and has the kernel
// supply twice the pages.
std::string RenderPackJson(const nlohmann::json& header, const nlohmann::json& statements,
                           const NetworkModel& model, const PackEntities& entities, const PackFold& fold,
                           const std::set<std::string>& deliverables, std::size_t reserve = 0);

// What index.html shows (RenderPackHtml): pack.json's content with each
// statement's meetings cut to its latest `max_meetings` by date (the rest
// counted in "meetings_omitted") and each RAGB history to its latest
// `max_ragb_rows` changes (totals in "ragb_history_totals"), and "names":
// the names of the people, groups, organisations, programmes and actors it
// refers to, as at the model's position (ReportNames).
nlohmann::json ReportModel(const nlohmann::json& header, const nlohmann::json& statements,
                           const NetworkModel& model, const PackEntities& entities, const PackFold& fold,
                           const std::set<std::string>& deliverables, std::size_t max_meetings,
                           std::size_t max_ragb_rows);

// A statement of pack.json with its ids replaced by the entities (a meeting
// with only the decisions the statement refers to): what the report shows.
nlohmann::json HydrateStatement(const nlohmann::json& pack, const nlohmann::json& statement);

// pack.json's "ragb_histories": {deliverable id: [{position, recorded_at,
// type, from|null, to|null, reason, actor}]} for `ids`, ascending.
nlohmann::json RagbHistories(const PackFold& fold, const std::set<std::string>& ids);
// One deliverable's rows of it (only the latest `latest`, if fewer).
nlohmann::json RagbHistory(const PackFold& fold, const std::string& id, std::size_t latest = SIZE_MAX);

// Codes in a section: defined statements whose section is `section`, and
// codes seen on deliverables or documents but not defined whose hundreds
// digit is `section`. Empty `section`: every defined and every seen code.
std::vector<std::string> CodesInScope(const NetworkModel& model, const std::string& section);

}  // namespace assure::api
