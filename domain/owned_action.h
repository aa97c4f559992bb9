// An action someone owns until it is closed with its evidence: a risk's
// control (RiskControlAdded / RiskControlClosed, ids "c1", "c2", ... under
// "control_id") and an issue's action (IssueActionAdded / IssueActionClosed,
// "a1", ... under "action_id"). One struct, and one decide, evolve, snapshot
// reader and JSON for both; each aggregate gives its wire names and words
// (OwnedActionKind), which are on-disk and never renamed.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/event.h"
#include "domain/event_support.h"
#include "domain/result.h"

namespace assure::domain {

class SnapshotReader;

struct OwnedAction {
  std::string id;
  std::string description;
  std::string owner_person_id;
  std::string due_date;  // YYYY-MM-DD or ""
  bool closed = false;
  std::string evidence;
  friend bool operator==(const OwnedAction&, const OwnedAction&) = default;
};

// What an aggregate calls its owned actions, in events, snapshots and words.
struct OwnedActionKind {
  std::string_view noun;          // "control": "a control needs a description"
  std::string_view article;       // "a"
  std::string_view list;          // "controls": the state's list in JSON
  std::string_view id_key;        // "control_id"
  std::string_view id_prefix;     // "c": ids c1, c2, ...
  std::string_view holder;        // "risk": "a risk holds at most ...", "the risk has no ..."
  std::string_view holder_article;  // "a"
  std::string_view added_event;   // "RiskControlAdded"
  std::string_view closed_event;  // "RiskControlClosed"
  std::size_t max = 200;          // per holder
};

// The event adding one (id `next`, the holder's count of those added so
// far); 422 for a blank description or a malformed due date, 409 past `max`.
Result<Events> DecideAddOwnedAction(const OwnedActionKind& kind, const std::vector<OwnedAction>& actions, int next,
                                    std::string_view description, std::string_view owner_person_id,
                                    const std::string& due_date, const CommandContext& ctx, std::string_view holder_id);
// The event closing `id` with its evidence and reason: 422 for an unknown id,
// blank evidence or reason; 409 when it is already closed.
Result<Events> DecideCloseOwnedAction(const OwnedActionKind& kind, const std::vector<OwnedAction>& actions,
                                      const std::string& id, std::string_view evidence, std::string_view reason,
                                      const CommandContext& ctx, std::string_view holder_id);
// Applies the kind's added or closed event (true), or leaves `actions` as
// they are for any other (false). `next` counts the ones added.
bool EvolveOwnedActions(const OwnedActionKind& kind, std::vector<OwnedAction>& actions, int& next,
                        const EventView& event);
// The list as the read model and snapshots hold it: [{<id_key>, description,
// owner_person_id, due_date, closed, evidence}], and its reader.
nlohmann::json OwnedActionsJson(const OwnedActionKind& kind, const std::vector<OwnedAction>& actions);
std::vector<OwnedAction> ReadOwnedActions(const OwnedActionKind& kind, SnapshotReader& reader);

}  // namespace assure::domain
