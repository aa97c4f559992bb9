#include "domain/seed_status.h"

#include <cctype>
#include <string>

namespace assure::domain {

SeedStatus ParseSeedStatus(std::string_view text) {
  // Lower case, words separated by one space, bracketed parts dropped.
  std::string norm;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') {
      if (depth > 0) --depth;
      continue;
    }
    if (depth > 0) continue;
    if (std::isalpha(static_cast<unsigned char>(c))) {
      norm.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!norm.empty() && norm.back() != ' ') {
      norm.push_back(' ');
    }
  }
  while (!norm.empty() && norm.back() == ' ') norm.pop_back();

  using S = DeliverableStatus;
  SeedStatus out;
  if (norm == "on target" || norm == "on track") {
    out.ragb = Ragb::kBlue;
    out.status = S::kInProgress;
  } else if (norm == "planned activity" || norm == "planned") {
    out.status = S::kPlanned;
  } else if (norm == "completed" || norm == "complete") {
    out.ragb = Ragb::kGreen;
    out.status = S::kCompleted;
  } else if (norm == "ongoing" || norm == "in progress") {
    out.status = S::kInProgress;
  } else if (norm == "not started") {
    out.status = S::kNotStarted;
  } else if (norm == "on hold") {
    out.status = S::kOnHold;
  } else if (norm == "cancelled" || norm == "canceled") {
    out.status = S::kCancelled;
  } else if (norm == "red" || norm == "r") {
    out.ragb = Ragb::kRed;
  } else if (norm == "amber" || norm == "a") {
    out.ragb = Ragb::kAmber;
  } else if (norm == "blue" || norm == "b") {
    out.ragb = Ragb::kBlue;
  } else if (norm == "green" || norm == "g") {
    out.ragb = Ragb::kGreen;
  }
  return out;
}

}  // namespace assure::domain
