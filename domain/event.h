// The domain's view of events and commands, independent of storage.
//
// An aggregate's Decide emits NewEvents; the api layer turns them into
// storage records (adding actor, reason and ids as metadata) and appends them
// with the stream's expected version. Evolve folds EventViews (already upcast
// to the current schema) into state and never fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace assure::domain {

// What Decide emits.
struct NewEvent {
  std::string type;                // past tense, on-disk: never renamed
  std::uint32_t schema_version = 1;
  nlohmann::json data;             // a JSON object
  std::string reason;              // why (stored as metadata.reason); may be empty
};

// What Evolve folds. Views into a stored event; valid for the call only.
struct EventView {
  std::uint64_t position = 0;
  std::uint64_t stream_version = 0;
  std::string_view stream_id;
  std::string_view type;
  std::uint32_t schema_version = 1;
  const nlohmann::json* data = nullptr;  // object in the current schema
  std::string_view actor;
  std::string_view reason;
  std::int64_t recorded_at_us = 0;
};

// What a command runs with: time, actor and new ids come from outside, so
// domain code stays pure.
struct CommandContext {
  std::string actor;          // who (a person or token id), from authentication
  std::int64_t now_us = 0;    // occurred-at, UTC microseconds since 1970
  std::string new_id;         // the id of an entity this command creates, if any
};

// Stream ids are "<kind>-<id>" (on-disk: kinds are never renamed).
inline std::string StreamId(std::string_view kind, std::string_view id) {
  std::string s(kind);
  s.push_back('-');
  s.append(id);
  return s;
}

// The id of `stream_id` if it is "<kind>-<id>" with an id, else empty
// (a view into stream_id).
inline std::string_view IdInStream(std::string_view stream_id, std::string_view kind) {
  if (stream_id.size() <= kind.size() + 1 || !stream_id.starts_with(kind) || stream_id[kind.size()] != '-') {
    return {};
  }
  return stream_id.substr(kind.size() + 1);
}

}  // namespace assure::domain
