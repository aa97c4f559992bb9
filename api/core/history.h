// History of one entity: each change with position, time, actor, event type,
// the fields that changed (from -> to) and the reason.
//
// Changes are found by comparing the entity's read model (Agg::ToJson) before
// and after each event, so every aggregate gets a readable history without a
// per-event description.
//
// Thread safety: stateless.
#pragma once

#include <vector>

#include "api/core/aggregate_loader.h"

namespace assure::api {

struct FieldChange {
  std::string field;  // dotted path, e.g. "ragb" or "planned_end.date"
  nlohmann::json from;
  nlohmann::json to;
};

struct HistoryEntry {
  std::uint64_t position = 0;
  std::uint64_t version = 0;
  std::int64_t recorded_at_us = 0;
  std::string actor;
  std::string type;
  std::string reason;
  std::vector<FieldChange> changes;
};

// Differences between two JSON values as dotted paths. Objects are compared
// key by key (recursively); anything else, arrays included, as a whole.
std::vector<FieldChange> DiffJson(const nlohmann::json& before, const nlohmann::json& after,
                                  const std::string& prefix = {});

nlohmann::json HistoryToJson(const HistoryEntry& entry);

// UTC ISO 8601 with microseconds, e.g. "2024-03-01T09:30:00.000000Z".
std::string FormatTimestamp(std::int64_t us);

template <class Agg>
Result<std::vector<HistoryEntry>> History(storage::EventStore& store, std::string_view id,
                                          std::uint64_t up_to = UINT64_MAX) {
  std::vector<HistoryEntry> out;
  const std::string stream = domain::StreamId(Agg::kKind, id);
  typename Agg::State state{};
  nlohmann::json before = Agg::ToJson(state);
  nlohmann::json holder;
  for (std::uint64_t from = 0;;) {
    auto page = store.ReadStream(stream, from, storage::Direction::kForwards, 1000);
    if (!page.ok()) {
      if (page.error().code == ErrorCode::kInvalidArgument ||
          page.error().code == ErrorCode::kNotFound) {
        return MakeError(ErrorCode::kNotFound,
                         "no " + std::string(Agg::kKind) + " '" + std::string(id) + "'", "id");
      }
      return page.error();
    }
    for (const auto& e : *page) {
      if (e.position > up_to) return out;
      Agg::Evolve(state, MakeView(e, holder));
      nlohmann::json after = Agg::ToJson(state);
      HistoryEntry h{e.position, e.stream_version, e.recorded_at_us, e.metadata.actor, e.type,
                     e.metadata.reason, DiffJson(before, after)};
      out.push_back(std::move(h));
      before = std::move(after);
    }
    if (page->size() < 1000) break;
    from = page->back().stream_version + 1;
  }
  if (out.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     "no " + std::string(Agg::kKind) + " '" + std::string(id) + "'", "id");
  }
  return out;
}

}  // namespace assure::api
