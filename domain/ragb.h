// The network's RAGB rating of a deliverable, with the seed legend's meanings.
//
// Note: many NHS trackers use Blue for "complete"; this network's legend is the
// one below (Blue = on track, Green = achieved).
#pragma once

#include <cstdint>
#include <string_view>

#include "domain/wire_enum.h"

namespace assure::domain {

enum class Ragb : std::uint8_t { kRed, kAmber, kBlue, kGreen };

// On-disk wire names: never renamed.
inline constexpr WireName<Ragb> kRagbNames[] = {
    {Ragb::kRed, "red"}, {Ragb::kAmber, "amber"}, {Ragb::kBlue, "blue"}, {Ragb::kGreen, "green"}};

// The seed legend, word for word.
constexpr std::string_view RagbMeaning(Ragb rating) {
  switch (rating) {
    case Ragb::kRed:
      return "The network is unlikely to achieve the objective by the agreed end date.";
    case Ragb::kAmber:
      return "The network may be at risk of not being able to achieve the objective by end date "
             "but progress has been made.";
    case Ragb::kBlue:
      return "The network is on track to achieve the objective by the agreed end date.";
    case Ragb::kGreen:
      return "The network has been successful in achieving the network objective to plan.";
  }
  return {};
}

}  // namespace assure::domain
