// The decision log across groups and the boards' escalations (issue 22).
//
// Two kinds of time: rows are as the record stood at the model's position
// (recorded time: ?as_of / ?at_position); `from` and `to` filter on the
// meeting's date (business time: when the board met).
//
// Thread safety: pure functions of a NetworkModel (a slim meeting is loaded
// whole from the model's store for its decisions' texts); the caller holds
// whatever guards the model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/queries/first_keys.h"
#include "api/queries/network_model.h"

namespace assure::api {

struct DecisionFilter {
  std::optional<std::string> text;       // case-insensitive substring of the decision
  std::optional<std::string> group_id;
  std::optional<std::string> link_kind;  // deliverable, document, document-version, risk, issue, escalation
  std::optional<std::string> link_id;    // with or without link_kind
  std::optional<std::string> from, to;   // YYYY-MM-DD, the meeting's date, inclusive
  bool recommendations_only = false;     // only decisions escalated as recommendations
};

// The decisions of every meeting that pass the filter, newest meeting first
// (then in the order recorded): `total` of them, and `items`, those from
// `offset` up to `limit` of them: {ref ("<meeting id>/<decision id>"),
// meeting_id, meeting (in words), scheduled_for, group_id, group_name,
// decision_id, text, links: [{kind, id, version_id?, name}],
// escalations: [{id, role, to_group_name, outcome}] (escalations this
// decision accepted, returned or closed: role "decided"), recommendation:
// {escalation_id, to_group_id, to_group_name, outcome ("pending",
// "endorsed", "returned", "closed"), decision} or null}.
// Cost: the filters other than `text` read the rows' summaries; only the
// page's meetings are loaded whole for their texts (a slim one from the
// store). A `text` to search for loads every meeting that passes the other
// filters. Memory: offset + limit keys at most (FirstKeys), not a row per
// decision.
// Errors: kInvalidArgument (field named) for a bad kind or date;
// kNotFound for an unknown group.
using DecisionLogPage = ListPage;
Result<DecisionLogPage> DecisionLog(const NetworkModel& m, const DecisionFilter& f, std::size_t offset,
                                    std::size_t limit);

// A board's escalations: incoming (to it: its agenda) or outgoing (from
// it), with `status` (pending, accepted, returned, closed, or all; default
// pending for incoming, all for outgoing). Rows: the escalation's read model
// with from_group_name, to_group_name and the chain below it (`chain`:
// earlier hops, nearest first, each {id, from_group_name, to_group_name,
// outcome, accepted_decision}); pending ones first, then newest first.
Result<std::vector<nlohmann::json>> GroupEscalations(const NetworkModel& m, const std::string& group_id,
                                                     bool incoming, const std::optional<std::string>& status);

}  // namespace assure::api
