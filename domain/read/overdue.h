// The "overdue" rule for deliverables (pure).
#pragma once

#include <string_view>

#include "domain/deliverable_status.h"
#include "domain/seed_date.h"

namespace assure::domain::read {

// True when the deliverable is neither completed nor cancelled and the whole
// period its planned end names has passed before `today` (ISO YYYY-MM-DD):
// "Mar-23" is overdue from 2023-04-01. No parsed planned end, or an invalid
// `today`, is never overdue.
bool IsOverdue(const SeedDate& planned_end, DeliverableStatus status, std::string_view today);

}  // namespace assure::domain::read
