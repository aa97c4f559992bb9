// The risk register's questions (issue 22): the register as at any
// position, filtered by group, owner, QSIN statement, status, score and
// review; its 5x5 heat map; and a group's movement since its last meeting.
//
// Two kinds of time: the register is as the record stood at the model's
// position (recorded time: ?as_of / ?at_position); "past review" compares a
// risk's review date (a business date) with the caller's `today` (the as-at
// date for a read as at a past time).
//
// Thread safety: pure functions of a NetworkModel (and, for movement, reads
// of the store); the caller holds whatever guards the model.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/queries/network_model.h"

namespace assure::api {

struct RiskFilter {
  std::optional<std::string> group_id;
  std::optional<std::string> owner_person_id;
  std::optional<std::string> qsin_code;  // case-insensitive
  // "open", "tolerated", "closed", or "all"; unset: open and tolerated (the
  // live register: closed risks leave it).
  std::optional<std::string> status;
  int min_score = 0;                     // current likelihood x impact at least this
  bool past_review_only = false;         // review date before `today`
  std::string today;                     // YYYY-MM-DD
};

// {"risks": [row...], "count", "heat_map"}. Each row: the risk's read model
// (RiskAggregate::ToJson) plus "group_name", "owner_name" (a person's name
// as reads show it), "review_overdue" and "open_controls". Rows by current
// score, highest first, then reference and id. The heat map counts the rows'
// current scores per cell: {"cells": [{likelihood, impact, score, grade,
// count}] (25 cells, likelihood 5..1 then impact 1..5: the matrix as printed),
// "total"}.
// Errors: kInvalidArgument (field "status" / "min_score") for a bad filter;
// kNotFound (field "group_id") for a group that is not in `m`.
Result<nlohmann::json> RiskRegister(const NetworkModel& m, const RiskFilter& f);

// The group's risks now (as `m` has them) against the record as it stood
// when the group's last closed meeting closed (`meeting_id` chooses another
// of its closed meetings): {"group_id", "group_name", "since": {meeting_id,
// title, scheduled_for, position} or null when the group has held none,
// "risks": [{id, reference, title, movement, was: {status, current:
// {likelihood, impact, score, grade}} or null, now: {...}}], "summary":
// {new, up, down, closed, reopened, unchanged}}. movement: "new" (raised
// since), "up" / "down" (current score), "closed", "reopened", "status"
// (tolerated or back), "unchanged".
// Errors: kNotFound for the group or meeting; kInvalidArgument (field
// "meeting_id") for a meeting of another group or one not closed.
Result<nlohmann::json> RiskMovement(const NetworkModel& m, storage::EventStore& store, const std::string& group_id,
                                    const std::optional<std::string>& meeting_id);

}  // namespace assure::api
