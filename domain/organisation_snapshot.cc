// OrganisationAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/organisation.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json OrganisationAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<OrganisationState> OrganisationAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "organisation snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.name = r.Str("name");
  s.kind = r.Enum("kind", kOrganisationKindNames);
  s.ods_code = r.Str("ods_code");
  s.retired = r.Bool("retired");
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
