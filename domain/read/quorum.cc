#include "domain/read/quorum.h"

#include <algorithm>

#include "domain/json_read.h"

namespace assure::domain::read {

QuorumOutcome ComputeQuorum(const QuorumRule& rule, const std::vector<QuorumMember>& members,
                            const std::vector<std::string>& present) {
  QuorumOutcome out;
  std::vector<std::string> counted_seen;
  for (const auto& m : members) {
    if (!CountsTowardsQuorum(m.role)) continue;
    if (std::find(counted_seen.begin(), counted_seen.end(), m.person_id) != counted_seen.end()) {
      continue;  // one person counts once
    }
    counted_seen.push_back(m.person_id);
    ++out.counted_members;
    const bool here = std::find(present.begin(), present.end(), m.person_id) != present.end();
    if (here) {
      ++out.present_members;
      if (m.role == MemberRole::kChair || m.role == MemberRole::kViceChair) {
        out.chair_present = true;
      }
    }
  }
  const int percent = std::clamp(rule.min_percent, 0, 100);
  const int by_percent = (out.counted_members * percent + 99) / 100;
  out.required = std::max({rule.min_present, by_percent, 0});
  out.quorate = out.present_members >= out.required && (!rule.chair_required || out.chair_present);
  return out;
}

nlohmann::json QuorumOutcomeToJson(const QuorumOutcome& o) {
  return nlohmann::json{{"quorate", o.quorate},
                        {"counted_members", o.counted_members},
                        {"present_members", o.present_members},
                        {"required", o.required},
                        {"chair_present", o.chair_present}};
}

QuorumOutcome QuorumOutcomeFromJson(const nlohmann::json& object) {
  QuorumOutcome o;
  o.quorate = GetBool(object, "quorate");
  o.counted_members = static_cast<int>(GetInt(object, "counted_members"));
  o.present_members = static_cast<int>(GetInt(object, "present_members"));
  o.required = static_cast<int>(GetInt(object, "required"));
  o.chair_present = GetBool(object, "chair_present");
  return o;
}

}  // namespace assure::domain::read
