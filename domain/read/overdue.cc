#include "domain/read/overdue.h"

#include "domain/calendar.h"

namespace assure::domain::read {

bool IsOverdue(const SeedDate& planned_end, DeliverableStatus status, std::string_view today) {
  if (IsClosed(status)) return false;
  if (!ParseIsoDate(today)) return false;
  const auto end = PeriodEnd(planned_end);
  return end.has_value() && *end < today;  // ISO dates compare as strings
}

}  // namespace assure::domain::read
