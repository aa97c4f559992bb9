// Given/when/then fixture for aggregate tests.
//
// Fixture<A> holds an aggregate's state and the events so far. Run() parses a
// command by name from JSON (A::ParseCommand), decides it, and on success
// round-trips every event through its JSON text (as storage would), builds an
// EventView, describes it (A::Describe, kept in `described`) and evolves the
// state. A refused command leaves the state alone.
// Every state a scenario reaches must survive its snapshot exactly:
// A::FromSnapshotJson(A::SnapshotJson(state)) == state (checked in Apply).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/event.h"
#include "domain/result.h"

namespace assure::domain::testing {

using nlohmann::json;

// 2023-05-24T10:00:00Z
inline constexpr std::int64_t kT0 = 1684922400LL * 1'000'000;

template <typename A>
struct Fixture {
  explicit Fixture(std::string entity_id) : id(std::move(entity_id)) {}

  typename A::State state;
  std::vector<NewEvent> history;
  std::vector<std::string> reasons;
  std::set<std::string> types_seen;
  std::vector<Change> described;  // A::Describe of each event, against the state before it
  std::string id;
  std::int64_t now = kT0;

  Result<std::vector<NewEvent>> Run(std::string_view name, const json& body) {
    auto command = A::ParseCommand(name, body);
    if (!command.ok()) return command.error();
    CommandContext ctx{"actor-1", now, id};
    now += 60'000'000;
    auto result = A::Decide(state, *command, ctx);
    if (result.ok()) {
      for (const auto& e : *result) Apply(e);
    }
    return result;
  }

  void Apply(const NewEvent& e) {
    history.push_back(e);
    types_seen.insert(e.type);
    reasons.push_back(e.reason);
    const json stored = json::parse(e.data.dump());  // the on-disk codec
    EventView view;
    view.position = history.size();
    view.stream_version = history.size();
    const std::string stream = std::string(A::kKind) + "-" + id;
    view.stream_id = stream;
    view.type = e.type;
    view.schema_version = e.schema_version;
    view.data = &stored;
    view.actor = "actor-1";
    view.reason = e.reason;
    described.push_back(A::Describe(state, view));
    A::Evolve(state, view);
    ExpectSnapshotRoundTrip();
  }

  // FromSnapshotJson(SnapshotJson(state)) reproduces the state exactly.
  void ExpectSnapshotRoundTrip() const {
    const json snapshot = A::SnapshotJson(state);
    // Through text, as a stored snapshot is.
    auto restored = A::FromSnapshotJson(json::parse(snapshot.dump()));
    ASSERT_TRUE(restored.ok()) << restored.error().message << "\n" << snapshot.dump(2);
    EXPECT_TRUE(*restored == state) << "after " << history.back().type << ": "
                                    << snapshot.dump(2) << "\nrestored as\n"
                                    << A::SnapshotJson(*restored).dump(2);
  }

  // Expects acceptance; returns the events.
  std::vector<NewEvent> Ok(std::string_view name, const json& body) {
    auto r = Run(name, body);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::vector<NewEvent>{};
  }
  // Expects exactly one event of `type`; returns its data.
  json One(std::string_view name, const json& body, std::string_view type) {
    auto events = Ok(name, body);
    EXPECT_EQ(events.size(), 1u) << name;
    if (events.size() != 1) return json::object();
    EXPECT_EQ(events[0].type, type);
    EXPECT_EQ(events[0].data.value("id", ""), id);
    EXPECT_EQ(events[0].data.value("occurred_at", "").size(), 27u);
    return events[0].data;
  }
  // Expects a refusal; checks the state did not move; returns the error.
  Error Refused(std::string_view name, const json& body) {
    const json before = A::ToJson(state);
    const std::size_t count = history.size();
    auto r = Run(name, body);
    EXPECT_FALSE(r.ok()) << name << " was accepted";
    EXPECT_EQ(history.size(), count);
    EXPECT_EQ(A::ToJson(state), before);
    return r.ok() ? Error{} : r.error();
  }
  json View() const { return A::ToJson(state); }
};

}  // namespace assure::domain::testing
