// A group's quorum rule, as editable data on the group.
//
// A meeting is quorate when, counting only current members whose role counts
// towards quorum (see member_role.h), at least max(min_present,
// ceil(min_percent% of those members)) are present, and - if chair_required -
// the chair or a vice-chair is present.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/json_read.h"

namespace assure::domain {

struct QuorumRule {
  int min_present = 1;          // 0..1000
  int min_percent = 0;          // 0..100
  bool chair_required = false;
  friend bool operator==(const QuorumRule&, const QuorumRule&) = default;
};

// {"min_present": n, "min_percent": p, "chair_required": b} (on-disk names).
nlohmann::json QuorumRuleToJson(const QuorumRule& rule);
// Never fails: missing members keep their defaults.
QuorumRule QuorumRuleFromJson(const nlohmann::json& object);
// Reads an optional object member `name` of a command body; errors name
// "<name>.min_present" etc.
std::optional<QuorumRule> ReadQuorumRule(FieldReader& reader, std::string_view name);

}  // namespace assure::domain
