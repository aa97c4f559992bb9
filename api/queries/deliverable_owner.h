// A deliverable's owner as reads show it. A linked owner (owner_person_id,
// domain/deliverable.h) is named by the person's current name from the read
// model: "erased person" (domain::kErasedPersonName) once their personal
// data is erased, since the deliverable's events never held the name. An
// unlinked owner is the free text as imported or typed.
//
// Thread safety: reads `m` only; the caller holds whatever guards it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/queries/network_model.h"

namespace assure::api {

// The person's name (the id itself when no such person is in `m`), or the
// free-text owner.
std::string OwnerOf(const NetworkModel& m, const domain::DeliverableState& d);
// Sets `j`'s "owner" (a deliverable's ToJson) to OwnerOf; `j` keeps
// "owner_person_id" (present only for a linked owner) so a client can tell
// a linked owner from text.
void ShowOwner(const NetworkModel& m, const domain::DeliverableState& d, nlohmann::json& j);

}  // namespace assure::api
