#include "domain/read/membership_at.h"

#include "domain/calendar.h"

namespace assure::domain::read {

bool HeldOn(std::string_view start_date, const std::optional<std::string>& end_date,
            std::string_view date) {
  if (!ParseIsoDate(start_date) || !ParseIsoDate(date)) return false;
  if (end_date && !ParseIsoDate(*end_date)) return false;
  if (date < start_date) return false;
  return !end_date || date <= std::string_view(*end_date);
}

}  // namespace assure::domain::read
