// OrganisationAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/organisation.h"

namespace assure::domain {

static_assert(Aggregate<OrganisationAggregate>);

Change OrganisationAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  if (e.type == "OrganisationRegistered") {
    DataFields(c, d, {{"name", s.name}, {"kind", NameOf(kOrganisationKindNames, s.kind)},
                      {"ods_code", s.ods_code}});
    c.summary = "Registered: " + GetStr(d, "name") + " (" + Words(GetStr(d, "kind")) + ")";
  } else if (e.type == "OrganisationRenamed") {
    AddChange(c, "name", s.name, GetStr(d, "name"));
    c.summary = "Renamed " + s.name + " → " + GetStr(d, "name");
  } else if (e.type == "OrganisationRetired") {
    AddChange(c, "retired", s.retired, true);
    c.summary = "Retired";
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
