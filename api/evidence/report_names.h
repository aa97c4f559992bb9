// Names, not ids, in an evidence pack's report (index.html): the people,
// organisations, groups and work programmes its content refers to, and the
// actors of its RAGB changes, as the network named them at the pack's as-at
// position.
//
// The names are the report's only: pack.json keeps ids (what the verifiers
// re-derive from events.jsonl), and the report, names included, is bound by
// its SHA-256 in the signed statement (storage/FORMAT.md 6.1, 6.5).
//
// A person whose personal data is erased (or whose name cannot be opened:
// storage/FORMAT.md section 7) is named domain::kErasedPersonName, never by
// a name or an envelope.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <unordered_map>

#include "api/evidence/pack_content.h"
#include "api/queries/network_model.h"

namespace assure::api {

// The report's "names": {people, organisations, groups, programmes, actors},
// each {id or actor: name}, for every id `report` (ReportModel's content:
// statements, entities, ragb_histories) refers to and `model` knows. An id
// the model does not know is left out (the report then says so).
// An actor that is a token's id is named by its holder in `tokens`: the
// person's name, else "<label> (token)".
nlohmann::json ReportNames(const NetworkModel& model, const nlohmann::json& report,
                           const std::unordered_map<std::string, TokenHolder>& tokens);

// A person's name in `model`: kErasedPersonName once erased (or unreadable);
// empty if there is no such person.
std::string PersonNameIn(const NetworkModel& model, std::string_view person_id);

// Looks names up in a report's "names" (a pack.json read back has none: then
// a group is named from its entity, and anything else shows its id).
class ReportNamer {
 public:
  explicit ReportNamer(const nlohmann::json& report);
  // Each returns the name, HTML-escaped; for an id with no name the id and
  // "(not found)" when the report has names, else the id.
  std::string Person(const nlohmann::json& id) const;
  std::string Organisation(const nlohmann::json& id) const;
  std::string Group(const nlohmann::json& id) const;
  std::string Programme(const nlohmann::json& id) const;
  std::string Actor(const nlohmann::json& actor) const;
  // Whether the report has names (a pack.json read back has none).
  bool HasNames() const { return names_.is_object(); }

 private:
  std::string Lookup(const char* kind, const nlohmann::json& id) const;
  const nlohmann::json& names_;
  const nlohmann::json& groups_;
};

}  // namespace assure::api
