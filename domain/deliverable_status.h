// The lifecycle status of a deliverable, kept apart from its RAGB rating.
#pragma once

#include <cstdint>

#include "domain/wire_enum.h"

namespace assure::domain {

enum class DeliverableStatus : std::uint8_t {
  kPlanned,
  kNotStarted,
  kInProgress,
  kOnHold,
  kCompleted,
  kCancelled,
};

// On-disk wire names: never renamed.
inline constexpr WireName<DeliverableStatus> kDeliverableStatusNames[] = {
    {DeliverableStatus::kPlanned, "planned"},
    {DeliverableStatus::kNotStarted, "not-started"},
    {DeliverableStatus::kInProgress, "in-progress"},
    {DeliverableStatus::kOnHold, "on-hold"},
    {DeliverableStatus::kCompleted, "completed"},
    {DeliverableStatus::kCancelled, "cancelled"},
};

// Completed and cancelled deliverables are closed: reopen before changing them.
constexpr bool IsClosed(DeliverableStatus s) {
  return s == DeliverableStatus::kCompleted || s == DeliverableStatus::kCancelled;
}

}  // namespace assure::domain
