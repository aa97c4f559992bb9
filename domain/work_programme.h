// Work programme: one per group and year ("Workforce Work Programme 2023-24"),
// a list of deliverables (by id).
//
// Stream kind "work_programme" (on-disk). Event types (on-disk, never renamed);
// every event's data also carries "id" and "occurred_at":
//   WorkProgrammeCreated            {group_id, year, title}
//   WorkProgrammeDeliverableAdded   {deliverable_id}
//   WorkProgrammeDeliverableRemoved {deliverable_id}      reason required
//
// Rules: the year is written "2023-24" (consecutive years); a deliverable is
// listed at most once and only a listed one can be removed.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"

namespace assure::domain {

struct CreateWorkProgramme {  // "create": group_id, year ("2023-24"), title?
  std::string group_id;
  std::string year;
  std::string title;
};
struct AddProgrammeDeliverable {  // "add-deliverable": deliverable_id
  std::string deliverable_id;
};
struct RemoveProgrammeDeliverable {  // "remove-deliverable": deliverable_id, reason
  std::string deliverable_id;
  std::string reason;
};

struct WorkProgrammeState {
  bool exists = false;
  std::string id;
  std::string group_id;
  std::string year;
  std::string title;
  std::vector<std::string> deliverable_ids;  // in the order added
  friend bool operator==(const WorkProgrammeState&, const WorkProgrammeState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct WorkProgrammeAggregate {
  static constexpr std::string_view kKind = "work_programme";  // on-disk
  using State = WorkProgrammeState;
  using Command =
      std::variant<CreateWorkProgramme, AddProgrammeDeliverable, RemoveProgrammeDeliverable>;

  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, group_id, year, title, deliverable_ids}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists".
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

// True for "YYYY-YY" naming consecutive years ("2023-24").
bool IsProgrammeYear(std::string_view year);

}  // namespace assure::domain
