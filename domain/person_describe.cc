// PersonAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/person.h"

namespace assure::domain {

static_assert(Aggregate<PersonAggregate>);

Change PersonAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  if (e.type == "PersonRegistered" || e.type == "PersonDetailsUpdated") {
    DataFields(c, d, {{"name", s.name}, {"email", s.email}, {"job_title", s.job_title},
                      {"organisation_id", s.organisation_id}});
    c.summary = e.type == "PersonRegistered" ? "Registered: " + GetStr(d, "name") : ChangedFields(c);
  } else if (e.type == "PersonalDataErased") {
    // The erased values are not repeated here: the entry says only that
    // they are gone.
    AddChange(c, "erased", s.erased, true);
    c.summary = "Personal data erased";
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
