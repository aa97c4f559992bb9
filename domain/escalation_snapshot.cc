// EscalationAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/escalation.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json EscalationAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<EscalationState> EscalationAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "escalation snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.subject_kind = r.Enum("subject_kind", kEscalationSubjectKindNames);
  s.subject_id = r.Str("subject_id");
  s.subject_title = r.Str("subject_title");
  s.from_group_id = r.Str("from_group_id");
  s.to_group_id = r.Str("to_group_id");
  s.reason = r.Str("reason");
  s.rating = r.Str("rating");
  s.previous_escalation_id = r.Str("previous_escalation_id");
  s.raised_at = r.Str("raised_at");
  s.status = r.Enum("status", kEscalationStatusNames);
  s.accepted_decision = r.Str("accepted_decision");
  s.note = r.Str("note");
  s.returned_decision = r.Str("returned_decision");
  s.returned_reason = r.Str("returned_reason");
  s.closed_decision = r.Str("closed_decision");
  s.closed_reason = r.Str("closed_reason");
  s.decided_at = r.Str("decided_at");
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
