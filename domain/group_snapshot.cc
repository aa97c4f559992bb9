// GroupAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/group.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json GroupAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<GroupState> GroupAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "group snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.name = r.Str("name");
  s.kind = r.Enum("kind", kGroupKindNames);
  // ToJson writes "" as null for these two.
  s.parent_group_id = r.StrOrNull("parent_group_id");
  s.terms_of_reference_document_id = r.StrOrNull("terms_of_reference_document_id");
  {
    SnapshotReader q(r.Object("quorum_rule"), r.what(), r.Path("quorum_rule."));
    s.quorum_rule.min_present = q.SmallInt("min_present");
    s.quorum_rule.min_percent = q.SmallInt("min_percent");
    s.quorum_rule.chair_required = q.Bool("chair_required");
    r.Adopt(q);
  }
  s.lifecycle = r.Enum("lifecycle", kGroupLifecycleNames);
  s.memberships = r.List<GroupMembership>("memberships", [](SnapshotReader& m) {
    GroupMembership out;
    out.membership_id = m.Str("membership_id");
    out.person_id = m.Str("person_id");
    out.role = m.Enum("role", kMemberRoleNames);
    out.organisation_id = m.Str("organisation_id");
    out.start_date = m.Str("start_date");
    out.end_date = m.OptStr("end_date");
    out.end_reason = m.Str("end_reason");
    return out;
  });
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
