// Organisation: a Trust, ICB or other body (reference data).
//
// Stream kind "organisation" (on-disk). Event types (on-disk, never renamed):
//   OrganisationRegistered {name, kind, ods_code}
//   OrganisationRenamed    {name, previous_name}
//   OrganisationRetired    {}            reason in metadata (required)
// Every event's data also carries "id" and "occurred_at".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class OrganisationKind : std::uint8_t { kTrust, kIcb, kNationalBody, kUniversity, kOther };

// On-disk wire names: never renamed.
inline constexpr WireName<OrganisationKind> kOrganisationKindNames[] = {
    {OrganisationKind::kTrust, "trust"},
    {OrganisationKind::kIcb, "icb"},
    {OrganisationKind::kNationalBody, "national-body"},
    {OrganisationKind::kUniversity, "university"},
    {OrganisationKind::kOther, "other"},
};

struct RegisterOrganisation {  // "register": name, kind, ods_code?
  std::string name;
  OrganisationKind kind = OrganisationKind::kTrust;
  std::string ods_code;
};
struct RenameOrganisation {  // "rename": name
  std::string name;
};
struct RetireOrganisation {  // "retire": reason
  std::string reason;
};

struct OrganisationState {
  bool exists = false;
  std::string id;
  std::string name;
  OrganisationKind kind = OrganisationKind::kTrust;
  std::string ods_code;
  bool retired = false;
  friend bool operator==(const OrganisationState&, const OrganisationState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct OrganisationAggregate {
  static constexpr std::string_view kKind = "organisation";  // on-disk
  using State = OrganisationState;
  using Command = std::variant<RegisterOrganisation, RenameOrganisation, RetireOrganisation>;

  // Rules: a retired organisation cannot be renamed or retired again; a rename
  // must change the name.
  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, name, kind, ods_code, retired}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists".
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
