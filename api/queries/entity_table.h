// Current state of every entity of one aggregate kind, folded from events.
//
// An EntityTable applies the events of streams "<kind>-<id>" with the
// aggregate's own Evolve, so the read model and the write side can never
// disagree about what an event means.
//
// Thread safety: none; the owner (NetworkModel under ProjectionRunner's lock)
// serialises access.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "domain/event.h"
#include "domain/result.h"

namespace assure::api {

template <class Agg>
class EntityTable {
 public:
  using State = typename Agg::State;

  // Applies `e` if it belongs to this kind; returns whether it did.
  bool Apply(const domain::EventView& e) {
    const std::string_view kind = Agg::kKind;
    if (e.stream_id.size() <= kind.size() + 1 || !e.stream_id.starts_with(kind) ||
        e.stream_id[kind.size()] != '-') {
      return false;
    }
    Agg::Evolve(rows_[std::string(e.stream_id.substr(kind.size() + 1))], e);
    return true;
  }

  const State* Find(std::string_view id) const {
    auto it = rows_.find(std::string(id));
    return it == rows_.end() || !it->second.exists ? nullptr : &it->second;
  }

  // Every existing entity, in id order: fn(id, state).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [id, state] : rows_) {
      if (state.exists) fn(id, state);
    }
  }

  // The whole table as {id: Agg::SnapshotJson(state)} - every row, including
  // one whose stream has events but no creation event (exists == false),
  // which Find and ForEach hide. For NetworkProjection's snapshot.
  nlohmann::json Snapshot() const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [id, state] : rows_) out[id] = Agg::SnapshotJson(state);
    return out;
  }
  // Replaces the table with one read from Snapshot()'s output. Any error
  // (ErrorCode::kCorruption, naming the row) leaves the table unchanged.
  Status Restore(const nlohmann::json& table) {
    if (!table.is_object()) return MakeError(ErrorCode::kCorruption, "the table is not a JSON object");
    std::map<std::string, State, std::less<>> rows;
    for (const auto& row : table.items()) {
      auto state = Agg::FromSnapshotJson(row.value());
      if (!state.ok()) {
        Error e = std::move(state).error();
        e.message = "row '" + row.key() + "': " + e.message;
        return e;
      }
      rows.emplace(row.key(), std::move(*state));
    }
    rows_ = std::move(rows);
    return {};
  }

  std::size_t size() const { return rows_.size(); }
  void Clear() { rows_.clear(); }

 private:
  std::map<std::string, State, std::less<>> rows_;
};

}  // namespace assure::api
