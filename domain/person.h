// Person: someone who sits on a board or owns work.
//
// Personal data (name, email, job title) lives only in this stream; every
// other aggregate refers to a person by id. That keeps "right to erasure"
// feasible in an append-only log: the personal fields of one person can be put
// beyond use without touching other streams.
//
// Stream kind "person" (on-disk). Event types (on-disk, never renamed):
//   PersonRegistered     {name, email, job_title, organisation_id}
//   PersonDetailsUpdated {the changed ones of name, email, job_title, organisation_id}
//   PersonalDataErased   {}          reason in metadata (required); no personal data
// Every event's data also carries "id" and "occurred_at".
//
// The personal fields (kPersonalFields) are stored encrypted under a key of
// the person's (api/privacy, storage/FORMAT.md section 7); Evolve sees them
// decrypted, or, once the key is destroyed, as kErasedPersonName (the name)
// and "" (the others). Erasure leaves the name reading kErasedPersonName.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"

namespace assure::domain {

// What every read shows where an erased person's name was (on-disk in
// snapshots and evidence packs: never renamed).
inline constexpr std::string_view kErasedPersonName = "erased person";

struct RegisterPerson {  // "register": name, email?, job_title?, organisation_id?
  std::string name;
  std::string email;
  std::string job_title;
  std::string organisation_id;
};
struct UpdatePersonDetails {  // "update-details": any of the four fields
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> job_title;
  std::optional<std::string> organisation_id;
};
struct ErasePersonalData {  // "erase": reason
  std::string reason;
};

struct PersonState {
  bool exists = false;
  std::string id;
  std::string name;
  std::string email;
  std::string job_title;
  std::string organisation_id;
  bool erased = false;
  friend bool operator==(const PersonState&, const PersonState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct PersonAggregate {
  static constexpr std::string_view kKind = "person";  // on-disk
  // The fields of PersonRegistered and PersonDetailsUpdated that hold
  // personal data (on-disk: never renamed).
  static constexpr std::array<std::string_view, 3> kPersonalFields = {"name", "email", "job_title"};
  using State = PersonState;
  using Command = std::variant<RegisterPerson, UpdatePersonDetails, ErasePersonalData>;

  // Rules: an email, when given, looks like one (x@y); an update must change
  // something; nothing can be updated after erasure; erasure happens once.
  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, name, email, job_title, organisation_id, erased}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists".
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
