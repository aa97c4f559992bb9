#include "api/core/history.h"

#include "domain/calendar.h"
#include "domain/person.h"

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
  nlohmann::json out{{"position", entry.position},
                     {"version", entry.version},
                     {"recorded_at", domain::FormatTimestampUs(entry.recorded_at_us)},
                     {"actor", entry.actor},
                     {"actor_name", entry.actor_name.empty() ? entry.actor : entry.actor_name},
                     {"type", entry.type},
                     {"reason", entry.reason},
                     {"summary", entry.summary},
                     {"changes", std::move(changes)}};
  if (!entry.people.empty()) out["people"] = entry.people;
  return out;
}

namespace {

// `text` as a JSON string, the bytes Response::Json writes (nlohmann's dump
// with invalid UTF-8 replaced). Printable ASCII without '"' or '\\' is copied
// as it is; anything else goes through nlohmann, so the two cannot differ.
void AppendJsonString(std::string_view text, std::string& out) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

void AppendJsonValue(const nlohmann::json& value, std::string& out) {
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

namespace {

void AppendHistoryJson(const HistoryEntry& entry, std::string& out) {
  // Members in the order nlohmann's std::map sorts them.
  out += "{\"actor\":";
  AppendJsonString(entry.actor, out);
  out += ",\"actor_name\":";
  AppendJsonString(entry.actor_name.empty() ? entry.actor : entry.actor_name, out);
  out += ",\"changes\":[";
  for (std::size_t i = 0; i < entry.changes.size(); ++i) {
    const FieldChange& c = entry.changes[i];
    if (i > 0) out += ',';
    out += "{\"field\":";
    AppendJsonString(c.field, out);
    out += ",\"from\":";
    AppendJsonValue(c.from, out);
    out += ",\"to\":";
    AppendJsonValue(c.to, out);
    out += '}';
  }
  out += ']';
  if (!entry.people.empty()) {
    out += ",\"people\":{";
    bool first = true;
    for (const auto& [id, name] : entry.people) {
      if (!first) out += ',';
      first = false;
      AppendJsonString(id, out);
      out += ':';
      AppendJsonString(name, out);
    }
    out += '}';
  }
  out += ",\"position\":";
  out += std::to_string(entry.position);
  out += ",\"reason\":";
  AppendJsonString(entry.reason, out);
  out += ",\"recorded_at\":\"";
  char ts[64];
  out.append(ts, domain::FormatTimestampTo(entry.recorded_at_us, ts));
  out += "\",\"summary\":";
  AppendJsonString(entry.summary, out);
  out += ",\"type\":";
  AppendJsonString(entry.type, out);
  out += ",\"version\":";
  out += std::to_string(entry.version);
  out += '}';
}

}  // namespace

void NameActors(HistoryPage& page, const ActorNames* names) {
  if (names == nullptr) return;
  ActorNameMemo memo(*names);
  for (auto& item : page.items) {
    item.actor_name = memo.NameOf(item.actor);
    for (const auto& ref : item.refs) {
      const std::string& name = memo.NameOfEntity(ref.kind, ref.id);
      if (name == ref.id) continue;
      for (std::size_t at = item.summary.find(ref.id); at != std::string::npos;
           at = item.summary.find(ref.id, at + name.size())) {
        item.summary.replace(at, ref.id.size(), name);
      }
    }
    for (const FieldChange& c : item.changes) {
      if (!c.field.ends_with("person_id")) continue;
      for (const nlohmann::json* v : {&c.from, &c.to}) {
        if (!v->is_string() || v->get_ref<const std::string&>().empty()) continue;
        const std::string& id = v->get_ref<const std::string&>();
        // A person's actor is their stream id (auth::PersonActor).
        item.people[id] = memo.NameOf(domain::StreamId(domain::PersonAggregate::kKind, id));
      }
    }
  }
}

std::string HistoryPageJson(const HistoryPage& page, std::uint64_t offset, std::uint64_t limit,
                            std::string_view order) {
  std::string out = "{\"items\":[";
  out.reserve(256 * page.items.size() + 64);
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    AppendHistoryJson(page.items[i], out);
  }
  out += "],\"limit\":" + std::to_string(limit) + ",\"offset\":" + std::to_string(offset) + ",\"order\":";
  AppendJsonString(order, out);
  out += ",\"total\":" + std::to_string(page.total) + "}";
  return out;
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
