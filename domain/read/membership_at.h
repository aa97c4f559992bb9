// "Was this membership held on that date?" (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace assure::domain::read {

// Dates are ISO YYYY-MM-DD. A membership is held from its start date to its
// end date, both inclusive; an open membership (no end) is held from its
// start onwards. Invalid dates give false.
bool HeldOn(std::string_view start_date, const std::optional<std::string>& end_date,
            std::string_view date);

}  // namespace assure::domain::read
