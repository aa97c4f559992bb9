// What the live feed says about the entity an event changed.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "api/queries/network_model.h"

namespace assure::api::live {

// The group an event of `stream_id` belongs to ("" if none): a group's own
// stream, its programmes, their deliverables, its meetings.
std::string GroupOfStream(const NetworkModel& m, std::string_view stream_id);
// A second group an event of `stream_id` concerns ("" if none): an
// escalation's group below (GroupOfStream gives the receiving board), so
// the chain shows in both groups' feeds.
std::string AlsoGroupOfStream(const NetworkModel& m, std::string_view stream_id);

// {kind, id, state}: the entity's read model when the model's latest event
// for it is `position`; otherwise state is null (fetch it with
// GET /api/v1/<collection>/<id>?at_position=<position>).
nlohmann::json EntityState(const NetworkModel& m, std::string_view stream_id, std::uint64_t position);

}  // namespace assure::api::live
