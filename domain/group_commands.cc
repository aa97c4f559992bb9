// GroupAggregate::ParseCommand: the JSON codec of group commands.
#include "domain/group.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

Result<GroupAggregate::Command> GroupAggregate::ParseCommand(std::string_view name,
                                                             const nlohmann::json& body) {
  FieldReader r(body);
  Command command;
  if (name == "create") {
    CreateGroup c;
    c.name = r.Str("name");
    c.kind = r.Enum("kind", kGroupKindNames);
    c.parent_group_id = r.StrOr("parent_group_id");
    c.quorum_rule = ReadQuorumRule(r, "quorum_rule").value_or(QuorumRule{});
    command = c;
  } else if (name == "rename") {
    command = RenameGroup{r.Str("name")};
  } else if (name == "change-parent") {
    command = ChangeGroupParent{r.StrOr("parent_group_id")};
  } else if (name == "set-terms-of-reference") {
    command = SetGroupTermsOfReference{r.Str("document_id")};
  } else if (name == "set-quorum-rule") {
    auto rule = ReadQuorumRule(r, "quorum_rule");
    if (!rule && r.ok()) r.Fail("quorum_rule", "is required (an object)");
    command = SetGroupQuorumRule{rule.value_or(QuorumRule{})};
  } else if (name == "change-lifecycle") {
    command = ChangeGroupLifecycle{r.Enum("lifecycle", kGroupLifecycleNames), r.Str("reason")};
  } else if (name == "appoint-member") {
    command = AppointGroupMember{r.Str("person_id"), r.Enum("role", kMemberRoleNames),
                                 r.StrOr("organisation_id"), r.Date("start_date")};
  } else if (name == "change-member-role") {
    command = ChangeGroupMemberRole{r.Str("membership_id"), r.Enum("role", kMemberRoleNames),
                                    r.StrOr("reason")};
  } else if (name == "end-membership") {
    command = EndGroupMembership{r.Str("membership_id"), r.Date("end_date"), r.Str("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

}  // namespace assure::domain
