// IssueAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/issue_log.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json IssueAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  out["next_action"] = s.next_action;
  return out;
}

Result<IssueState> IssueAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "issue snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.reference = r.Str("reference");
  s.title = r.Str("title");
  s.description = r.Str("description");
  s.owner_person_id = r.Str("owner_person_id");
  s.group_id = r.Str("group_id");
  s.priority = r.Enum("priority", kIssuePriorityNames);
  s.risk_id = r.Str("risk_id");
  s.deliverable_ids = r.StrList("deliverable_ids");
  s.status = r.Enum("status", kIssueStatusNames);
  s.resolution = r.Str("resolution");
  s.status_reason = r.Str("status_reason");
  s.raised_at = r.Str("raised_at");
  s.resolved_at = r.Str("resolved_at");
  s.actions = ReadOwnedActions(kIssueActions, r);
  s.next_action = r.SmallInt("next_action");
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
