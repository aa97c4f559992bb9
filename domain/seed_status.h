// The seed's "RAGB Status" column, which mixes ratings and lifecycle words:
// "On Target", "Planned Activity", "Completed", "Ongoing", "Not started",
// "Red"/"Amber"/"Blue"/"Green" (any case, optionally "(R)"). The importer maps
// each onto a rating and/or a lifecycle status with this pure function.
#pragma once

#include <optional>
#include <string_view>

#include "domain/deliverable_status.h"
#include "domain/ragb.h"

namespace assure::domain {

struct SeedStatus {
  std::optional<Ragb> ragb;
  std::optional<DeliverableStatus> status;
  friend bool operator==(const SeedStatus&, const SeedStatus&) = default;
};

// Mapping (case and spacing ignored):
//   "On Target" / "On Track" -> Blue (the legend's "on track") + in progress
//   "Planned Activity" / "Planned" -> planned
//   "Completed" / "Complete" -> Green (the legend's "achieved") + completed
//   "Ongoing" / "In Progress" -> in progress
//   "Not started" -> not started;  "On Hold" -> on hold;  "Cancelled" -> cancelled
//   "Red", "R", "Red (R)" ... -> that rating only
// Anything else -> both empty.
SeedStatus ParseSeedStatus(std::string_view text);

}  // namespace assure::domain
