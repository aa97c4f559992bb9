// Loading an aggregate: fold its stream's events (up to a position) into
// state. Works for any aggregate that folds (domain::Folds, domain/aggregate.h):
//   Agg::kKind, Agg::State, Agg::Evolve(State&, const EventView&).
//
// Thread safety: stateless; the store is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/core/event_mapping.h"
#include "api/core/stream_snapshots.h"
#include "domain/aggregate.h"
#include "storage/event_store.h"

namespace assure::api {

template <domain::Folds Agg>
struct Loaded {
  typename Agg::State state{};
  std::optional<std::uint64_t> version;  // empty when the stream does not exist
  std::uint64_t last_position = 0;
};

// Folds the events of Agg's stream for `id` with positions <= up_to,
// starting from the newest stream snapshot at or before it.
template <domain::Folds Agg>
Result<Loaded<Agg>> LoadAggregate(storage::EventStore& store, std::string_view id,
                                  std::uint64_t up_to = UINT64_MAX) {
  Loaded<Agg> out;
  const std::string stream = domain::StreamId(Agg::kKind, id);
  std::uint64_t from = 0;
  if constexpr (requires(const nlohmann::json& j) { Agg::FromSnapshotJson(j); }) {
    // Start from the newest stream snapshot within reach, if one reads back.
    if (auto snap = FindStreamSnapshot(store, stream, up_to)) {
      auto state = Agg::FromSnapshotJson(snap->state);
      if (state.ok()) {
        out.state = std::move(state).value();
        out.version = snap->version;
        out.last_position = snap->position;
        from = snap->version + 1;
      }
    }
  }
  nlohmann::json holder;
  for (;;) {
    auto page = store.ReadStream(stream, from, storage::Direction::kForwards, 1000);
    if (!page.ok()) {
      // An id that cannot form a stream id cannot exist either.
      if (page.error().code == ErrorCode::kNotFound ||
          page.error().code == ErrorCode::kInvalidArgument) {
        return out;
      }
      return page.error();
    }
    for (const auto& e : *page) {
      if (e.position > up_to) return out;
      Agg::Evolve(out.state, MakeView(e, holder));
      out.version = e.stream_version;
      out.last_position = e.position;
    }
    if (page->size() < 1000) break;
    from = page->back().stream_version + 1;
  }
  return out;
}

}  // namespace assure::api
