#include "api/queries/slim_rows.h"

#include <utility>

namespace assure::api {

namespace {
// Frees a container's or string's memory, not only its size.
template <class T>
void Release(T& x) {
  T().swap(x);
}
}  // namespace

bool SlimMeeting(domain::MeetingState& s) {
  for (auto& d : s.decisions) Release(d.text);
  for (auto& [person, record] : s.attendance) Release(record.organisation_id);
  // One open action's id marks a meeting that has any; ListOpenActions loads
  // the whole meeting for its actions.
  std::vector<domain::MeetingAction> marker;
  for (const auto& a : s.actions) {
    if (!a.open) continue;
    domain::MeetingAction id_only;
    id_only.action_id = a.action_id;
    marker.push_back(std::move(id_only));
    break;
  }
  s.actions = std::move(marker);
  s.decisions.shrink_to_fit();
  s.quorum.reset();
  return true;
}

bool SlimDocument(domain::ControlledDocumentState& s) {
  std::vector<domain::DocumentVersion> in_force;
  if (const auto* v = s.InForce()) in_force.push_back(*v);
  s.versions = std::move(in_force);
  return true;
}

}  // namespace assure::api
