// Group: a governance body (board, SIG, forum, task-and-finish group) and its
// memberships.
//
// Stream kind "group" (on-disk). Event types (on-disk, never renamed); every
// event's data also carries "id" and "occurred_at":
//   GroupCreated              {name, kind, parent_group_id, quorum_rule}
//   GroupRenamed              {name, previous_name}
//   GroupParentChanged        {parent_group_id, previous_parent_group_id}
//   GroupTermsOfReferenceSet  {document_id, previous_document_id}
//   GroupQuorumRuleSet        {quorum_rule, previous_quorum_rule}
//   GroupLifecycleChanged     {lifecycle, previous_lifecycle}      reason required
//   GroupMemberAppointed      {membership_id, person_id, role, organisation_id, start_date}
//   GroupMemberRoleChanged    {membership_id, role, previous_role}  reason optional
//   GroupMembershipEnded      {membership_id, end_date}            reason required
//
// Rules: no two open memberships of one person in a group; at most one open
// chair membership; an end date is not before the start; a closed group is
// final (only ending memberships is still allowed). A parent must not be the
// group itself; deeper cycles need other streams and are the api layer's check.
// Membership ids are assigned here, deterministically: "m1", "m2", ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/member_role.h"
#include "domain/quorum_rule.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class GroupKind : std::uint8_t {
  kExecutiveBoard,
  kOperationalBoard,
  kSig,
  kForum,
  kTaskAndFinish,
};
// On-disk wire names: never renamed.
inline constexpr WireName<GroupKind> kGroupKindNames[] = {
    {GroupKind::kExecutiveBoard, "executive-board"},
    {GroupKind::kOperationalBoard, "operational-board"},
    {GroupKind::kSig, "sig"},
    {GroupKind::kForum, "forum"},
    {GroupKind::kTaskAndFinish, "task-and-finish"},
};

enum class GroupLifecycle : std::uint8_t { kActive, kDormant, kClosed };
// On-disk wire names: never renamed.
inline constexpr WireName<GroupLifecycle> kGroupLifecycleNames[] = {
    {GroupLifecycle::kActive, "active"},
    {GroupLifecycle::kDormant, "dormant"},
    {GroupLifecycle::kClosed, "closed"},
};

// Commands; the comment gives the ParseCommand name and JSON fields.
struct CreateGroup {  // "create": name, kind, parent_group_id?, quorum_rule? {min_present, min_percent, chair_required}
  std::string name;
  GroupKind kind = GroupKind::kSig;
  std::string parent_group_id;
  QuorumRule quorum_rule;
};
struct RenameGroup {  // "rename": name
  std::string name;
};
struct ChangeGroupParent {  // "change-parent": parent_group_id ("" or null = none)
  std::string parent_group_id;
};
struct SetGroupTermsOfReference {  // "set-terms-of-reference": document_id
  std::string document_id;
};
struct SetGroupQuorumRule {  // "set-quorum-rule": quorum_rule
  QuorumRule quorum_rule;
};
struct ChangeGroupLifecycle {  // "change-lifecycle": lifecycle, reason
  GroupLifecycle lifecycle = GroupLifecycle::kActive;
  std::string reason;
};
struct AppointGroupMember {  // "appoint-member": person_id, role, organisation_id?, start_date
  std::string person_id;
  MemberRole role = MemberRole::kMember;
  std::string organisation_id;
  std::string start_date;  // YYYY-MM-DD
};
struct ChangeGroupMemberRole {  // "change-member-role": membership_id, role, reason?
  std::string membership_id;
  MemberRole role = MemberRole::kMember;
  std::string reason;
};
struct EndGroupMembership {  // "end-membership": membership_id, end_date, reason
  std::string membership_id;
  std::string end_date;  // YYYY-MM-DD, inclusive: the last day held
  std::string reason;
};

struct GroupMembership {
  std::string membership_id;
  std::string person_id;
  MemberRole role = MemberRole::kMember;
  std::string organisation_id;
  std::string start_date;
  std::optional<std::string> end_date;  // none while open
  std::string end_reason;
  bool open() const { return !end_date.has_value(); }
  friend bool operator==(const GroupMembership&, const GroupMembership&) = default;
};

struct GroupState {
  bool exists = false;
  std::string id;
  std::string name;
  GroupKind kind = GroupKind::kSig;
  std::string parent_group_id;
  std::string terms_of_reference_document_id;
  QuorumRule quorum_rule;
  GroupLifecycle lifecycle = GroupLifecycle::kActive;
  std::vector<GroupMembership> memberships;  // in appointment order

  const GroupMembership* FindMembership(std::string_view membership_id) const;
  const GroupMembership* OpenMembershipOf(std::string_view person_id) const;
  const GroupMembership* OpenChair() const;
  friend bool operator==(const GroupState&, const GroupState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct GroupAggregate {
  static constexpr std::string_view kKind = "group";  // on-disk
  using State = GroupState;
  using Command =
      std::variant<CreateGroup, RenameGroup, ChangeGroupParent, SetGroupTermsOfReference,
                   SetGroupQuorumRule, ChangeGroupLifecycle, AppointGroupMember,
                   ChangeGroupMemberRole, EndGroupMembership>;

  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, name, kind, parent_group_id|null, terms_of_reference_document_id|null,
  //  quorum_rule, lifecycle, memberships: [{membership_id, person_id, role,
  //  organisation_id, start_date, end_date|null, end_reason}]}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists".
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
