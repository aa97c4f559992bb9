#include "api/core/history.h"

#include "domain/calendar.h"

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

nlohmann::json HistoryToJson(const HistoryEntry& entry) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : entry.changes) {
    changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
  }
  return {{"position", entry.position},
          {"version", entry.version},
          {"recorded_at", domain::FormatTimestampUs(entry.recorded_at_us)},
          {"actor", entry.actor},
          {"type", entry.type},
          {"reason", entry.reason},
          {"summary", entry.summary},
          {"changes", std::move(changes)}};
}

Result<std::optional<std::uint64_t>> PositionOfVersion(storage::EventStore& store,
                                                       const std::string& stream,
                                                       std::uint64_t version) {
  auto page = store.ReadStream(stream, version, storage::Direction::kForwards, 1);
  if (!page.ok()) return page.error();
  if (page->empty() || page->front().stream_version != version) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(page->front().position);
}

Result<std::uint64_t> CountUpTo(storage::EventStore& store, const std::string& stream,
                                std::uint64_t up_to) {
  auto info = store.GetStreamInfo(stream);
  if (!info.ok()) return info.error();
  if (!info->exists) return std::uint64_t{0};
  if (info->last_position <= up_to) return info->event_count;
  // The first version whose position is > up_to: lo <= it <= hi.
  std::uint64_t lo = 0, hi = info->current_version;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    auto pos = PositionOfVersion(store, stream, mid);
    if (!pos.ok()) return pos.error();
    if (!pos->has_value()) return MakeError(ErrorCode::kInternal, "stream '" + stream + "' has a gap");
    if (**pos > up_to) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace assure::api
