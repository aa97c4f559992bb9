// PersonAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/person.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json PersonAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<PersonState> PersonAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "person snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.name = r.Str("name");
  s.email = r.Str("email");
  s.job_title = r.Str("job_title");
  s.organisation_id = r.Str("organisation_id");
  s.erased = r.Bool("erased");
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
