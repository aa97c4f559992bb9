#include "api/queries/deliverable_owner.h"

namespace assure::api {

std::string OwnerOf(const NetworkModel& m, const domain::DeliverableState& d) {
  if (d.owner_person_id.empty()) return d.owner;
  auto person = m.people.Find(d.owner_person_id);
  return person ? person->name : d.owner_person_id;
}

void ShowOwner(const NetworkModel& m, const domain::DeliverableState& d, nlohmann::json& j) {
  if (!d.owner_person_id.empty()) j["owner"] = OwnerOf(m, d);
}

}  // namespace assure::api
