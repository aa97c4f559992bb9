// The contract every aggregate (domain/<kind>.h) keeps, as C++20 concepts.
//
// An aggregate is a struct of static functions over a value type State:
//   kKind             the stream kind (on-disk: never renamed); streams are
//                     "<kKind>-<id>" (StreamId).
//   Decide(state, command, ctx) -> Result<vector<NewEvent>>
//                     pure: the events a command yields against the current
//                     state, or the rule it breaks (a value, never a throw).
//   Evolve(state, event)
//                     folds one event (already upcast) into state; never
//                     fails, ignores unknown types; O(event), not O(state).
//   Describe(before, event) -> Change
//                     the history entry of one event against the state
//                     before it, in O(event) (domain/change.h).
//   ParseCommand(name, body) -> Result<Command>
//                     reads a REST command body (kInvalidArgument naming the
//                     field, kNotFound for an unknown command name).
//   ToJson(state)     the read model the API serves.
//   SnapshotJson(state) / FromSnapshotJson(json) -> Result<State>
//                     the snapshot form: ToJson plus what State needs and
//                     ToJson leaves out ("exists", counters). For every state
//                     s, FromSnapshotJson(SnapshotJson(s)) == s; it refuses a
//                     missing or mistyped member (ErrorCode::kCorruption, see
//                     snapshot_read.h) and ignores derived members.
//
// Generic code asks for the least it needs: Folds (replay), Describes
// (history), Decides (writing), Aggregate (everything).
#pragma once

#include <concepts>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"

namespace assure::domain {

template <class A>
concept Folds = requires(typename A::State& state, const EventView& event) {
  { A::kKind } -> std::convertible_to<std::string_view>;
  requires std::default_initializable<typename A::State>;
  A::Evolve(state, event);
};

template <class A>
concept Describes = Folds<A> && requires(const typename A::State& before, const EventView& event) {
  { A::Describe(before, event) } -> std::same_as<Change>;
};

template <class A>
concept Decides = Folds<A> && requires(const typename A::State& state, const typename A::Command& command,
                                       const CommandContext& ctx) {
  { A::Decide(state, command, ctx) } -> std::same_as<Result<std::vector<NewEvent>>>;
};

template <class A>
concept Aggregate =
    Describes<A> && Decides<A> &&
    requires(const typename A::State& state, std::string_view name, const nlohmann::json& json) {
      { A::ParseCommand(name, json) } -> std::same_as<Result<typename A::Command>>;
      { A::ToJson(state) } -> std::same_as<nlohmann::json>;
      { A::SnapshotJson(state) } -> std::same_as<nlohmann::json>;
      { A::FromSnapshotJson(json) } -> std::same_as<Result<typename A::State>>;
    };

}  // namespace assure::domain
