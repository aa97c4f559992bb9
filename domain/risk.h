// Risk: an entry of a group's risk register (issue 22), scored on the NHS
// 5x5 matrix (likelihood x impact, each 1-5) as inherent, current and target
// scores, with controls (mitigating actions), reviews and a status.
//
// Stream kind "risk" (on-disk). Event types (on-disk, never renamed):
//   RiskRaised          {reference, title, cause, event, effect, category,
//                        owner_person_id, group_id, inherent, current, target
//                        ({likelihood, impact} each), review_date,
//                        deliverable_ids, qsin_codes}
//   RiskScored          {score: "current"|"target", likelihood, impact,
//                        previous_likelihood, previous_impact}   reason required
//   RiskControlAdded    {control_id, description, owner_person_id, due_date}
//   RiskControlClosed   {control_id, evidence}                    reason required
//   RiskReviewed        {reviewed_on, next_review_date, note}
//   RiskStatusChanged   {status: "open"|"tolerated"|"closed", previous_status}
//                                                                 reason required
//   RiskEdited          {the description members that changed, each its new
//                        value: reference, title, cause, event, effect,
//                        category, owner_person_id, deliverable_ids,
//                        qsin_codes}                              reason optional
// Every event's data also carries "id" and "occurred_at" (when it happened in
// the business; the record's own time is the event's recorded_at).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/owned_action.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class RiskStatus : std::uint8_t { kOpen, kTolerated, kClosed };

// On-disk wire names: never renamed.
inline constexpr WireName<RiskStatus> kRiskStatusNames[] = {
    {RiskStatus::kOpen, "open"},
    {RiskStatus::kTolerated, "tolerated"},
    {RiskStatus::kClosed, "closed"},
};

// A score on the 5x5 matrix: likelihood and impact each 1 (rare, negligible)
// to 5 (almost certain, catastrophic); 0 means not scored.
struct RiskScore {
  int likelihood = 0;
  int impact = 0;
  int Value() const { return likelihood * impact; }  // 1-25
  friend bool operator==(const RiskScore&, const RiskScore&) = default;
};
// The NHS (NPSA) grading of a score: "low" 1-3, "moderate" 4-6, "high" 8-12,
// "extreme" 15-25; "" when not scored.
std::string_view RiskGrade(int score);

// A risk's control: an owned action (domain/owned_action.h).
using RiskControl = OwnedAction;
inline constexpr OwnedActionKind kRiskControls{"control", "a", "controls", "control_id", "c", "risk", "a",
                                               "RiskControlAdded", "RiskControlClosed", 200};

// What a risk is and whose it is: given when it is raised (RaiseRisk) and
// held in its state (RiskState). In event data and the read model these are
// top-level members of the same names (on-disk: RiskRaised carries them flat).
struct RiskDescription {
  std::string reference;
  std::string title;
  std::string cause;
  std::string event;
  std::string effect;
  std::string category;
  std::string owner_person_id;
  std::string group_id;
  std::vector<std::string> deliverable_ids;
  std::vector<std::string> qsin_codes;
  friend bool operator==(const RiskDescription&, const RiskDescription&) = default;
};

struct RaiseRisk {  // "raise"
  RiskDescription description;
  RiskScore inherent;
  RiskScore current;  // defaults to the inherent score when not given
  RiskScore target;
  std::string review_date;
};
struct ScoreRisk {  // "score": which ("current" | "target"), likelihood, impact, reason
  bool target = false;
  RiskScore score;
  std::string reason;
};
struct AddRiskControl {  // "add-control": description, owner_person_id?, due_date?
  std::string description;
  std::string owner_person_id;
  std::string due_date;
};
struct CloseRiskControl {  // "close-control": control_id, evidence, reason
  std::string control_id;
  std::string evidence;
  std::string reason;
};
struct ReviewRisk {  // "review": reviewed_on, next_review_date, note?
  std::string reviewed_on;
  std::string next_review_date;
  std::string note;
};
// "edit": any of reference, title, cause, event, effect, category,
// owner_person_id, deliverable_ids, qsin_codes, and a reason. A risk's
// group is not edited: it moves up by escalation.
struct EditRisk {
  std::optional<std::string> reference, title, cause, event, effect, category, owner_person_id;
  std::optional<std::vector<std::string>> deliverable_ids, qsin_codes;
  std::string reason;
};
// The description's texts an edit may change, by their wire names (in
// RiskEdited's data): one list for the edit's parse, decide, evolve and
// describe.
struct RiskEditableText {
  const char* key;
  std::string RiskDescription::*held;
  std::optional<std::string> EditRisk::*edited;
};
inline constexpr RiskEditableText kRiskEditableTexts[] = {
    {"reference", &RiskDescription::reference, &EditRisk::reference},
    {"title", &RiskDescription::title, &EditRisk::title},
    {"cause", &RiskDescription::cause, &EditRisk::cause},
    {"event", &RiskDescription::event, &EditRisk::event},
    {"effect", &RiskDescription::effect, &EditRisk::effect},
    {"category", &RiskDescription::category, &EditRisk::category},
    {"owner_person_id", &RiskDescription::owner_person_id, &EditRisk::owner_person_id},
};
struct ChangeRiskStatus {  // "tolerate" | "close" | "reopen": reason
  RiskStatus status = RiskStatus::kOpen;
  std::string reason;
};

struct RiskState {
  bool exists = false;
  std::string id;
  RiskDescription description;
  RiskScore inherent;
  RiskScore current;
  RiskScore target;
  std::string review_date;     // the next review is due
  std::string last_reviewed;   // the last review was held
  RiskStatus status = RiskStatus::kOpen;
  std::string status_reason;
  std::vector<RiskControl> controls;
  int next_control = 1;
  friend bool operator==(const RiskState&, const RiskState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct RiskAggregate {
  static constexpr std::string_view kKind = "risk";  // on-disk
  using State = RiskState;
  using Command =
      std::variant<RaiseRisk, ScoreRisk, AddRiskControl, CloseRiskControl, ReviewRisk, ChangeRiskStatus, EditRisk>;

  // Rules: scores are 1-5 each (a target may be left unscored at raising);
  // a new score needs a reason and must differ from the one it replaces; a
  // control is closed once, with evidence and a reason; a closed risk takes
  // no change but "reopen"; tolerating or closing needs a reason; a review's
  // next date is after the review; an edit changes something (its title
  // may not become empty); dates are YYYY-MM-DD.
  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command, const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // Every field of the state, each score with its "score" (product) and "grade".
  static nlohmann::json ToJson(const State& state);
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
