// WorkProgrammeAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/work_programme.h"

namespace assure::domain {

static_assert(Aggregate<WorkProgrammeAggregate>);

Change WorkProgrammeAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  if (e.type == "WorkProgrammeCreated") {
    DataFields(c, d, {{"group_id", s.group_id}, {"year", s.year}, {"title", s.title}});
    c.summary = "Created: " + GetStr(d, "title") + " (" + GetStr(d, "year") + ")";
  } else if (e.type == "WorkProgrammeDeliverableAdded") {
    const std::string id = GetStr(d, "deliverable_id");
    AddChange(c, "deliverable_ids." + id, nullptr, id);
    c.summary = "Deliverable added: " + Named(c, "deliverable", id);
  } else if (e.type == "WorkProgrammeDeliverableRemoved") {
    const std::string id = GetStr(d, "deliverable_id");
    AddChange(c, "deliverable_ids." + id, id, nullptr);
    c.summary = "Deliverable removed: " + Named(c, "deliverable", id);
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
