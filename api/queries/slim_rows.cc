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
  std::vector<domain::MeetingAction> open;
  for (const auto& a : s.actions) {
    if (!a.open) continue;
    domain::MeetingAction id_only;
    id_only.action_id = a.action_id;
    open.push_back(std::move(id_only));
  }
  s.actions = std::move(open);
  s.actions.shrink_to_fit();
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
