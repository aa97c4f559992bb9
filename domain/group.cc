#include "domain/group.h"

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

const GroupMembership* GroupState::FindMembership(std::string_view membership_id) const {
  for (const auto& m : memberships) {
    if (m.membership_id == membership_id) return &m;
  }
  return nullptr;
}

const GroupMembership* GroupState::OpenMembershipOf(std::string_view person_id) const {
  for (const auto& m : memberships) {
    if (m.open() && m.person_id == person_id) return &m;
  }
  return nullptr;
}

const GroupMembership* GroupState::OpenChair() const {
  for (const auto& m : memberships) {
    if (m.open() && m.role == MemberRole::kChair) return &m;
  }
  return nullptr;
}

namespace {

Status CheckNotClosed(const GroupState& s) {
  if (s.lifecycle == GroupLifecycle::kClosed) {
    return RuleViolation("the group is closed; a closed group cannot be changed");
  }
  return {};
}

Status CheckChairFree(const GroupState& s, MemberRole role, std::string_view except_membership) {
  if (role != MemberRole::kChair) return {};
  const GroupMembership* chair = s.OpenChair();
  if (chair != nullptr && chair->membership_id != except_membership) {
    return RuleViolation("the group already has a chair (membership " + chair->membership_id +
                         "); end that membership or change its role first");
  }
  return {};
}

Result<GroupMembership> OpenMembership(const GroupState& s, const std::string& membership_id) {
  const GroupMembership* m = s.FindMembership(membership_id);
  if (m == nullptr) return InvalidField("membership_id", "no membership '" + membership_id + "' in this group");
  if (!m->open()) return RuleViolation("membership " + membership_id + " has already ended");
  return *m;
}

}  // namespace

Result<Events> GroupAggregate::Decide(const State& s, const Command& command,
                                      const CommandContext& ctx) {
  if (!std::holds_alternative<CreateGroup>(command)) ASSURE_TRY(CheckExists(s.exists, kKind));
  return TextChecked(std::visit(
      Overloaded{
          [&](const CreateGroup& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.name).empty()) return InvalidField("name", "a group needs a name");
            if (c.parent_group_id == ctx.new_id) {
              return InvalidField("parent_group_id", "a group cannot be its own parent");
            }
            return Events{MakeEvent("GroupCreated", ctx, ctx.new_id,
                                    {{"name", Trim(c.name)},
                                     {"kind", NameOf(kGroupKindNames, c.kind)},
                                     {"parent_group_id", Trim(c.parent_group_id)},
                                     {"quorum_rule", QuorumRuleToJson(c.quorum_rule)}})};
          },
          [&](const RenameGroup& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            if (Trim(c.name).empty()) return InvalidField("name", "the new name is empty");
            if (Trim(c.name) == s.name) return RuleViolation("the group already has that name");
            return Events{MakeEvent("GroupRenamed", ctx, s.id,
                                    {{"name", Trim(c.name)}, {"previous_name", s.name}})};
          },
          [&](const ChangeGroupParent& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            const std::string parent = Trim(c.parent_group_id);
            if (parent == s.id) return InvalidField("parent_group_id", "a group cannot be its own parent");
            if (parent == s.parent_group_id) return RuleViolation("the group already has that parent");
            return Events{MakeEvent("GroupParentChanged", ctx, s.id,
                                    {{"parent_group_id", parent},
                                     {"previous_parent_group_id", s.parent_group_id}})};
          },
          [&](const SetGroupTermsOfReference& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            const std::string doc = Trim(c.document_id);
            if (doc.empty()) return InvalidField("document_id", "name the terms-of-reference document");
            if (doc == s.terms_of_reference_document_id) {
              return RuleViolation("these terms of reference are already set");
            }
            return Events{MakeEvent("GroupTermsOfReferenceSet", ctx, s.id,
                                    {{"document_id", doc},
                                     {"previous_document_id", s.terms_of_reference_document_id}})};
          },
          [&](const SetGroupQuorumRule& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            if (c.quorum_rule.min_present < 0 || c.quorum_rule.min_percent < 0 ||
                c.quorum_rule.min_percent > 100) {
              return InvalidField("quorum_rule", "min_present must be >= 0 and min_percent 0..100");
            }
            if (c.quorum_rule == s.quorum_rule) return RuleViolation("the quorum rule is unchanged");
            return Events{MakeEvent("GroupQuorumRuleSet", ctx, s.id,
                                    {{"quorum_rule", QuorumRuleToJson(c.quorum_rule)},
                                     {"previous_quorum_rule", QuorumRuleToJson(s.quorum_rule)}})};
          },
          [&](const ChangeGroupLifecycle& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            if (c.lifecycle == s.lifecycle) {
              return RuleViolation("the group is already " +
                                   std::string(NameOf(kGroupLifecycleNames, c.lifecycle)));
            }
            ASSURE_TRY(RequireReason(c.reason, "change a group's lifecycle"));
            return Events{MakeEvent("GroupLifecycleChanged", ctx, s.id,
                                    {{"lifecycle", NameOf(kGroupLifecycleNames, c.lifecycle)},
                                     {"previous_lifecycle", NameOf(kGroupLifecycleNames, s.lifecycle)}},
                                    Trim(c.reason))};
          },
          [&](const AppointGroupMember& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            if (Trim(c.person_id).empty()) return InvalidField("person_id", "name the person to appoint");
            if (!ParseIsoDate(c.start_date)) {
              return InvalidField("start_date", "must be a date written YYYY-MM-DD");
            }
            if (const auto* m = s.OpenMembershipOf(Trim(c.person_id))) {
              return RuleViolation("this person already has an open membership (" +
                                   m->membership_id + ") of the group");
            }
            ASSURE_TRY(CheckChairFree(s, c.role, ""));
            return Events{MakeEvent(
                "GroupMemberAppointed", ctx, s.id,
                {{"membership_id", "m" + std::to_string(s.memberships.size() + 1)},
                 {"person_id", Trim(c.person_id)},
                 {"role", NameOf(kMemberRoleNames, c.role)},
                 {"organisation_id", Trim(c.organisation_id)},
                 {"start_date", c.start_date}})};
          },
          [&](const ChangeGroupMemberRole& c) -> Result<Events> {
            ASSURE_TRY(CheckNotClosed(s));
            auto m = OpenMembership(s, c.membership_id);
            if (!m) return m.error();
            if (m->role == c.role) return RuleViolation("the member already has that role");
            ASSURE_TRY(CheckChairFree(s, c.role, c.membership_id));
            return Events{MakeEvent("GroupMemberRoleChanged", ctx, s.id,
                                    {{"membership_id", c.membership_id},
                                     {"role", NameOf(kMemberRoleNames, c.role)},
                                     {"previous_role", NameOf(kMemberRoleNames, m->role)}},
                                    Trim(c.reason))};
          },
          [&](const EndGroupMembership& c) -> Result<Events> {
            auto m = OpenMembership(s, c.membership_id);
            if (!m) return m.error();
            if (!ParseIsoDate(c.end_date)) {
              return InvalidField("end_date", "must be a date written YYYY-MM-DD");
            }
            if (c.end_date < m->start_date) {
              return RuleViolation("the end date " + c.end_date + " is before the start date " +
                                   m->start_date);
            }
            ASSURE_TRY(RequireReason(c.reason, "end a membership"));
            return Events{MakeEvent("GroupMembershipEnded", ctx, s.id,
                                    {{"membership_id", c.membership_id}, {"end_date", c.end_date}},
                                    Trim(c.reason))};
          },
      },
      command));
}

void GroupAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  auto find = [&](const std::string& id) -> GroupMembership* {
    for (auto& m : s.memberships) {
      if (m.membership_id == id) return &m;
    }
    return nullptr;
  };
  if (e.type == "GroupCreated") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.name = GetStr(d, "name");
    s.kind = GetEnum(d, "kind", kGroupKindNames, GroupKind::kSig);
    s.parent_group_id = GetStr(d, "parent_group_id");
    s.quorum_rule = QuorumRuleFromJson(GetMember(d, "quorum_rule"));
  } else if (e.type == "GroupRenamed") {
    s.name = GetStr(d, "name");
  } else if (e.type == "GroupParentChanged") {
    s.parent_group_id = GetStr(d, "parent_group_id");
  } else if (e.type == "GroupTermsOfReferenceSet") {
    s.terms_of_reference_document_id = GetStr(d, "document_id");
  } else if (e.type == "GroupQuorumRuleSet") {
    s.quorum_rule = QuorumRuleFromJson(GetMember(d, "quorum_rule"));
  } else if (e.type == "GroupLifecycleChanged") {
    s.lifecycle = GetEnum(d, "lifecycle", kGroupLifecycleNames, s.lifecycle);
  } else if (e.type == "GroupMemberAppointed") {
    GroupMembership m;
    m.membership_id = GetStr(d, "membership_id");
    m.person_id = GetStr(d, "person_id");
    m.role = GetEnum(d, "role", kMemberRoleNames, MemberRole::kMember);
    m.organisation_id = GetStr(d, "organisation_id");
    m.start_date = GetStr(d, "start_date");
    s.memberships.push_back(std::move(m));
  } else if (e.type == "GroupMemberRoleChanged") {
    if (auto* m = find(GetStr(d, "membership_id"))) {
      m->role = GetEnum(d, "role", kMemberRoleNames, m->role);
    }
  } else if (e.type == "GroupMembershipEnded") {
    if (auto* m = find(GetStr(d, "membership_id"))) {
      m->end_date = GetStr(d, "end_date");
      m->end_reason = std::string(e.reason);
    }
  }
}

json GroupAggregate::ToJson(const State& s) {
  auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json memberships = json::array();
  for (const auto& m : s.memberships) {
    memberships.push_back({{"membership_id", m.membership_id},
                           {"person_id", m.person_id},
                           {"role", NameOf(kMemberRoleNames, m.role)},
                           {"organisation_id", m.organisation_id},
                           {"start_date", m.start_date},
                           {"end_date", OrNull(m.end_date)},
                           {"end_reason", m.end_reason}});
  }
  return json{{"id", s.id},
              {"name", s.name},
              {"kind", NameOf(kGroupKindNames, s.kind)},
              {"parent_group_id", or_null(s.parent_group_id)},
              {"terms_of_reference_document_id", or_null(s.terms_of_reference_document_id)},
              {"quorum_rule", QuorumRuleToJson(s.quorum_rule)},
              {"lifecycle", NameOf(kGroupLifecycleNames, s.lifecycle)},
              {"memberships", std::move(memberships)}};
}

}  // namespace assure::domain
