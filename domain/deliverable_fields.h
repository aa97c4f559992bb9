// The text and date fields a DeliverableCreated / DeliverableEdited event may
// carry, with the state member each sets: one table for Evolve (which applies
// them) and Describe (which says how they changed).
//
// Thread safety: constants.
#pragma once

#include <string>

#include "domain/deliverable.h"

namespace assure::domain::deliverable_fields {

struct Text {
  const char* key;
  std::string DeliverableState::*member;
};
inline constexpr Text kText[] = {
    {"reference", &DeliverableState::reference},
    {"objective", &DeliverableState::objective},
    {"title", &DeliverableState::title},
    {"description", &DeliverableState::description},
    {"owner", &DeliverableState::owner},
    {"owner_person_id", &DeliverableState::owner_person_id},
    {"anticipated_outcome", &DeliverableState::anticipated_outcome},
    {"interdependencies_risks", &DeliverableState::interdependencies_risks},
};

struct Date {
  const char* key;
  SeedDate DeliverableState::*member;
};
inline constexpr Date kDates[] = {
    {"date_initiated", &DeliverableState::date_initiated},
    {"planned_end", &DeliverableState::planned_end},
    {"date_completed", &DeliverableState::date_completed},
};

}  // namespace assure::domain::deliverable_fields
