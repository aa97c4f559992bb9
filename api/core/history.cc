#include "api/core/history.h"

#include <ctime>

namespace assure::api {

std::vector<FieldChange> DiffJson(const nlohmann::json& before, const nlohmann::json& after,
                                  const std::string& prefix) {
  std::vector<FieldChange> out;
  if (before.is_object() && after.is_object()) {
    for (auto it = before.begin(); it != before.end(); ++it) {
      std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
      auto other = after.find(it.key());
      if (other == after.end()) {
        out.push_back({path, it.value(), nullptr});
      } else {
        auto nested = DiffJson(it.value(), *other, path);
        out.insert(out.end(), nested.begin(), nested.end());
      }
    }
    for (auto it = after.begin(); it != after.end(); ++it) {
      if (!before.contains(it.key())) {
        out.push_back({prefix.empty() ? it.key() : prefix + "." + it.key(), nullptr, it.value()});
      }
    }
    return out;
  }
  if (before != after) out.push_back({prefix, before, after});
  return out;
}

std::string FormatTimestamp(std::int64_t us) {
  std::int64_t secs = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
  std::int64_t micros = us - secs * 1'000'000;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return buf;
}

nlohmann::json HistoryToJson(const HistoryEntry& entry) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : entry.changes) {
    changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
  }
  return {{"position", entry.position},
          {"version", entry.version},
          {"recorded_at", FormatTimestamp(entry.recorded_at_us)},
          {"actor", entry.actor},
          {"type", entry.type},
          {"reason", entry.reason},
          {"changes", std::move(changes)}};
}

}  // namespace assure::api
