#include "domain/quorum_rule.h"

#include <string>

namespace assure::domain {

nlohmann::json QuorumRuleToJson(const QuorumRule& rule) {
  return nlohmann::json{{"min_present", rule.min_present},
                        {"min_percent", rule.min_percent},
                        {"chair_required", rule.chair_required}};
}

QuorumRule QuorumRuleFromJson(const nlohmann::json& object) {
  QuorumRule rule;
  rule.min_present = static_cast<int>(GetInt(object, "min_present", rule.min_present));
  rule.min_percent = static_cast<int>(GetInt(object, "min_percent", rule.min_percent));
  rule.chair_required = GetBool(object, "chair_required", rule.chair_required);
  return rule;
}

std::optional<QuorumRule> ReadQuorumRule(FieldReader& reader, std::string_view name) {
  const nlohmann::json* object = reader.OptObject(name);
  if (object == nullptr || !reader.ok()) return std::nullopt;
  FieldReader nested(*object, std::string(name) + ".");
  QuorumRule rule;
  rule.min_present = static_cast<int>(nested.OptInt("min_present", 0, 1000).value_or(1));
  rule.min_percent = static_cast<int>(nested.OptInt("min_percent", 0, 100).value_or(0));
  rule.chair_required = nested.OptBool("chair_required").value_or(false);
  reader.Adopt(nested);
  if (!reader.ok()) return std::nullopt;
  return rule;
}

}  // namespace assure::domain
