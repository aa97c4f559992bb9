// Escalation: one hop upward (issue 22) - a subject escalated from a group
// to the group above it, with a reason, which the receiving board accepts,
// returns or closes by a decision of one of its meetings. A chain upward
// (a SIG to the Operational Board, then on to the Executive Board) is one
// escalation per hop, each naming the hop below (previous_escalation_id).
//
// Stream kind "escalation" (on-disk). Event types (on-disk, never renamed):
//   EscalationRaised    {subject_kind, subject_id, subject_title,
//                        from_group_id, to_group_id, rating,
//                        previous_escalation_id}              reason required
//   EscalationAccepted  {decision, note}
//   EscalationReturned  {decision}                            reason required
//   EscalationClosed    {decision, previous_status}           reason required
// Every event's data also carries "id" and "occurred_at". A "decision" is
// "<meeting id>/<decision id>" (as a document version's meeting_decision_id);
// "" where none was given (a return may have none). subject_kind (on-disk):
// risk, issue, deliverable, decision; a decision's subject_id is
// "<meeting id>/<decision id>" too: a recommendation to the board above,
// which accepting endorses. rating: for a deliverable, its RAGB wire name
// when escalated; for other subjects free text (a risk's score), or "".
//
// States: pending -> accepted | returned | closed; accepted -> closed.
// Returned and closed are final (a returned subject may be escalated again:
// a new escalation).
//
// Not checked here (the domain sees one escalation; the api layer checks,
// before Decide): that to_group_id is from_group_id's parent in the group
// hierarchy (escalation goes only upward, one hop at a time); that the
// subject, the groups and previous_escalation_id exist; that a decision
// belongs to a meeting of the receiving group (to_group_id).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class EscalationSubjectKind : std::uint8_t { kRisk, kIssue, kDeliverable, kDecision };
// On-disk wire names: never renamed.
inline constexpr WireName<EscalationSubjectKind> kEscalationSubjectKindNames[] = {
    {EscalationSubjectKind::kRisk, "risk"},
    {EscalationSubjectKind::kIssue, "issue"},
    {EscalationSubjectKind::kDeliverable, "deliverable"},
    {EscalationSubjectKind::kDecision, "decision"},
};

enum class EscalationStatus : std::uint8_t { kPending, kAccepted, kReturned, kClosed };
// On-disk wire names: never renamed.
inline constexpr WireName<EscalationStatus> kEscalationStatusNames[] = {
    {EscalationStatus::kPending, "pending"},
    {EscalationStatus::kAccepted, "accepted"},
    {EscalationStatus::kReturned, "returned"},
    {EscalationStatus::kClosed, "closed"},
};

struct RaiseEscalation {  // "raise"
  EscalationSubjectKind subject_kind = EscalationSubjectKind::kRisk;
  std::string subject_id;
  std::string subject_title;
  std::string from_group_id;
  std::string to_group_id;
  std::string reason;
  std::string rating;
  std::string previous_escalation_id;
};
struct AcceptEscalation {  // "accept": decision, note?
  std::string decision;
  std::string note;
};
struct ReturnEscalation {  // "return": reason, decision?
  std::string reason;
  std::string decision;
};
struct CloseEscalation {  // "close": decision, reason
  std::string decision;
  std::string reason;
};

struct EscalationState {
  bool exists = false;
  std::string id;
  EscalationSubjectKind subject_kind = EscalationSubjectKind::kRisk;
  std::string subject_id;
  std::string subject_title;
  std::string from_group_id;
  std::string to_group_id;
  std::string reason;  // why it was escalated
  std::string rating;
  std::string previous_escalation_id;
  std::string raised_at;  // occurred_at of EscalationRaised
  EscalationStatus status = EscalationStatus::kPending;
  std::string accepted_decision;  // "<meeting id>/<decision id>"
  std::string note;               // given with the acceptance
  std::string returned_decision;  // may stay "" when returned
  std::string returned_reason;
  std::string closed_decision;
  std::string closed_reason;
  std::string decided_at;  // occurred_at of the last accept, return or close
  friend bool operator==(const EscalationState&, const EscalationState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct EscalationAggregate {
  static constexpr std::string_view kKind = "escalation";  // on-disk
  using State = EscalationState;
  using Command = std::variant<RaiseEscalation, AcceptEscalation, ReturnEscalation, CloseEscalation>;

  // Rules: raising needs a subject (kind, id, title), both groups (which
  // differ) and a reason; a deliverable's rating is a RAGB name; a decision
  // subject and every decision given are "<meeting id>/<decision id>";
  // accepting needs a decision; returning needs a reason; closing needs a
  // decision and a reason; only a pending escalation is accepted or
  // returned; pending or accepted ones are closed; returned and closed are
  // final.
  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command, const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // Every field of the state, "status" as its wire name, and "outcome" in
  // words: "endorsed" for an accepted recommendation (subject_kind
  // "decision"), otherwise the status ("pending", "accepted", "returned",
  // "closed").
  static nlohmann::json ToJson(const State& state);
  // ToJson plus "exists"; "outcome" is derived and ignored on reading.
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

// The words of an escalation's outcome (ToJson's "outcome").
std::string_view EscalationOutcome(const EscalationState& state);

}  // namespace assure::domain
