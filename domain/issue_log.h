// Issue: an entry of a group's issue log (issue 22) - a risk that has
// happened, or a problem raised at a board - with an owner, a priority,
// actions (each closed once, with evidence) and a resolution.
//
// Stream kind "issue" (on-disk). Event types (on-disk, never renamed):
//   IssueRaised        {reference, title, description, owner_person_id,
//                       group_id, priority, risk_id, deliverable_ids}
//   IssuePrioritised   {priority, previous_priority}             reason required
//   IssueAssigned      {owner_person_id, previous_owner_person_id} reason optional
//   IssueActionAdded   {action_id, description, owner_person_id, due_date}
//   IssueActionClosed  {action_id, evidence}                     reason required
//   IssueResolved      {resolution}                              reason optional
//   IssueReopened      {}                                        reason required
// Every event's data also carries "id" and "occurred_at" (when it happened in
// the business; the record's own time is the event's recorded_at). Priorities
// (on-disk): low, medium, high, critical. Action ids: "a1", "a2"..
//
// The domain sees one issue: that the group, owner, risk and deliverables
// exist is checked by the api layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/owned_action.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class IssuePriority : std::uint8_t { kLow, kMedium, kHigh, kCritical };
// On-disk wire names: never renamed.
inline constexpr WireName<IssuePriority> kIssuePriorityNames[] = {
    {IssuePriority::kLow, "low"},
    {IssuePriority::kMedium, "medium"},
    {IssuePriority::kHigh, "high"},
    {IssuePriority::kCritical, "critical"},
};

enum class IssueStatus : std::uint8_t { kOpen, kResolved };
// On-disk in snapshots and the read model (events imply it): never renamed.
inline constexpr WireName<IssueStatus> kIssueStatusNames[] = {
    {IssueStatus::kOpen, "open"},
    {IssueStatus::kResolved, "resolved"},
};

// An issue's action: an owned action (domain/owned_action.h).
using IssueAction = OwnedAction;
inline constexpr OwnedActionKind kIssueActions{"action", "an", "actions", "action_id", "a", "issue", "an",
                                               "IssueActionAdded", "IssueActionClosed", 200};

struct RaiseIssue {  // "raise"
  std::string reference;
  std::string title;
  std::string description;
  std::string owner_person_id;
  std::string group_id;
  IssuePriority priority = IssuePriority::kMedium;
  std::string risk_id;  // the risk that happened, if any
  std::vector<std::string> deliverable_ids;
};
struct PrioritiseIssue {  // "prioritise": priority, reason
  IssuePriority priority = IssuePriority::kMedium;
  std::string reason;
};
struct AssignIssue {  // "assign": owner_person_id, reason?
  std::string owner_person_id;
  std::string reason;
};
struct AddIssueAction {  // "add-action": description, owner_person_id?, due_date?
  std::string description;
  std::string owner_person_id;
  std::string due_date;
};
struct CloseIssueAction {  // "close-action": action_id, evidence, reason
  std::string action_id;
  std::string evidence;
  std::string reason;
};
struct ResolveIssue {  // "resolve": resolution, reason?
  std::string resolution;
  std::string reason;
};
struct ReopenIssue {  // "reopen": reason
  std::string reason;
};

struct IssueState {
  bool exists = false;
  std::string id;
  std::string reference;
  std::string title;
  std::string description;
  std::string owner_person_id;
  std::string group_id;
  IssuePriority priority = IssuePriority::kMedium;
  std::string risk_id;
  std::vector<std::string> deliverable_ids;
  IssueStatus status = IssueStatus::kOpen;
  std::string resolution;     // of the last resolution ("" while never resolved)
  std::string status_reason;  // the reason given with the last resolve or reopen
  std::string raised_at;      // occurred_at of IssueRaised
  std::string resolved_at;    // occurred_at of IssueResolved; "" while open
  std::vector<IssueAction> actions;
  int next_action = 1;
  friend bool operator==(const IssueState&, const IssueState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct IssueAggregate {
  static constexpr std::string_view kKind = "issue";  // on-disk
  using State = IssueState;
  using Command = std::variant<RaiseIssue, PrioritiseIssue, AssignIssue, AddIssueAction, CloseIssueAction,
                               ResolveIssue, ReopenIssue>;

  // Rules: an issue needs a title, a group and a priority; a new priority
  // needs a reason and must differ; a new owner must differ (a reason is
  // optional); an action is closed once, with evidence and a reason;
  // resolving needs the resolution; a resolved issue takes nothing but
  // "reopen", which needs a reason; dates are YYYY-MM-DD.
  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command, const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, reference, title, description, owner_person_id, group_id, priority,
  //  risk_id, deliverable_ids, status: open|resolved, resolution,
  //  status_reason, raised_at, resolved_at, actions: [{action_id,
  //  description, owner_person_id, due_date, closed, evidence}]}
  static nlohmann::json ToJson(const State& state);
  // ToJson plus "exists" and "next_action".
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
