// GroupAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/group.h"
#include "domain/json_read.h"

namespace assure::domain {

static_assert(Aggregate<GroupAggregate>);

using nlohmann::json;

namespace {

json IdOrNull(const std::string& id) { return id.empty() ? json(nullptr) : json(id); }

std::string RuleWords(const QuorumRule& r) {
  std::string out = "at least " + std::to_string(r.min_present) + " present";
  if (r.min_percent > 0) out += " and " + std::to_string(r.min_percent) + "% of members";
  if (r.chair_required) out += ", chair required";
  return out;
}

}  // namespace

Change GroupAggregate::Describe(const State& s, const EventView& e) {
  const json& d = DataOf(e);
  Change c;
  const std::string membership_id = GetStr(d, "membership_id");
  const GroupMembership* m = s.FindMembership(membership_id);
  const std::string person = m ? Named(c, "person", m->person_id) : membership_id;
  if (e.type == "GroupCreated") {
    const QuorumRule rule = QuorumRuleFromJson(GetMember(d, "quorum_rule"));
    AddChange(c, "name", s.name, GetStr(d, "name"));
    AddChange(c, "kind", NameOf(kGroupKindNames, s.kind), GetStr(d, "kind"));
    AddChange(c, "parent_group_id", IdOrNull(s.parent_group_id), IdOrNull(GetStr(d, "parent_group_id")));
    AddChange(c, "quorum_rule", QuorumRuleToJson(s.quorum_rule), QuorumRuleToJson(rule));
    c.summary = "Created: " + GetStr(d, "name") + " (" + Words(GetStr(d, "kind")) + ")";
  } else if (e.type == "GroupRenamed") {
    AddChange(c, "name", s.name, GetStr(d, "name"));
    c.summary = "Renamed " + s.name + " → " + GetStr(d, "name");
  } else if (e.type == "GroupParentChanged") {
    const std::string parent = GetStr(d, "parent_group_id");
    AddChange(c, "parent_group_id", IdOrNull(s.parent_group_id), IdOrNull(parent));
    const auto group = [&c](const std::string& g) { return g.empty() ? std::string("none") : Named(c, "group", g); };
    c.summary = "Parent group " + group(s.parent_group_id) + " → " + group(parent);
  } else if (e.type == "GroupTermsOfReferenceSet") {
    const std::string doc = GetStr(d, "document_id");
    AddChange(c, "terms_of_reference_document_id", IdOrNull(s.terms_of_reference_document_id), IdOrNull(doc));
    c.summary = "Terms of reference: " + (doc.empty() ? std::string("none") : Named(c, "document", doc));
  } else if (e.type == "GroupQuorumRuleSet") {
    const QuorumRule rule = QuorumRuleFromJson(GetMember(d, "quorum_rule"));
    AddChange(c, "quorum_rule", QuorumRuleToJson(s.quorum_rule), QuorumRuleToJson(rule));
    c.summary = "Quorum rule: " + RuleWords(rule);
  } else if (e.type == "GroupLifecycleChanged") {
    const std::string before = std::string(NameOf(kGroupLifecycleNames, s.lifecycle));
    const std::string after = GetStr(d, "lifecycle");
    AddChange(c, "lifecycle", before, after);
    c.summary = "Lifecycle " + Words(before) + " → " + Words(after);
  } else if (e.type == "GroupMemberAppointed") {
    AddChange(c, "memberships." + membership_id, nullptr, ItemOf(e));
    c.summary = "Member joined: " + Named(c, "person", GetStr(d, "person_id")) + " as " + Words(GetStr(d, "role")) +
                ", from " + HumanDate(GetStr(d, "start_date"));
  } else if (e.type == "GroupMemberRoleChanged") {
    const std::string before = m ? std::string(NameOf(kMemberRoleNames, m->role)) : GetStr(d, "previous_role");
    AddChange(c, "memberships." + membership_id + ".role", before, GetStr(d, "role"));
    c.summary = "Role changed: " + person + " " + Words(before) + " → " + Words(GetStr(d, "role"));
  } else if (e.type == "GroupMembershipEnded") {
    const std::string end = GetStr(d, "end_date");
    AddChange(c, "memberships." + membership_id + ".end_date", nullptr, end);
    c.summary = "Member left: " + person + " on " + HumanDate(end);
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
