// WorkProgrammeAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/snapshot_read.h"
#include "domain/work_programme.h"

namespace assure::domain {

nlohmann::json WorkProgrammeAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<WorkProgrammeState> WorkProgrammeAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "work programme snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.group_id = r.Str("group_id");
  s.year = r.Str("year");
  s.title = r.Str("title");
  s.deliverable_ids = r.StrList("deliverable_ids");
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
