// Quorum calculation (pure). Used by MeetingAggregate when a meeting closes and
// by read-side queries. The rule is documented in domain/quorum_rule.h.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/member_role.h"
#include "domain/quorum_rule.h"

namespace assure::domain::read {

struct QuorumMember {
  std::string person_id;
  MemberRole role = MemberRole::kMember;
};

struct QuorumOutcome {
  bool quorate = false;
  int counted_members = 0;  // current members whose role counts
  int present_members = 0;  // of those, present
  int required = 0;         // present members needed
  bool chair_present = false;  // chair or vice-chair present
  friend bool operator==(const QuorumOutcome&, const QuorumOutcome&) = default;
};

// `present` lists the person ids recorded present; people who are not in
// `members` (guests, officers) do not count.
QuorumOutcome ComputeQuorum(const QuorumRule& rule, const std::vector<QuorumMember>& members,
                            const std::vector<std::string>& present);

nlohmann::json QuorumOutcomeToJson(const QuorumOutcome& outcome);
QuorumOutcome QuorumOutcomeFromJson(const nlohmann::json& object);

}  // namespace assure::domain::read
