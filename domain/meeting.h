// Meeting: a sitting of a group - scheduled -> open -> closed (or cancelled).
//
// Stream kind "meeting" (on-disk). Event types (on-disk, never renamed); every
// event's data also carries "id" and "occurred_at":
//   MeetingScheduled           {group_id, title, scheduled_for, location}
//   MeetingOpened              {}
//   MeetingCancelled           {}                                   reason required
//   MeetingAttendanceRecorded  {person_id, attendance, organisation_id}
//   MeetingDecisionRecorded    {decision_id, text, links: [{kind, id, version_id}]}
//   MeetingActionRaised        {action_id, text, owner_person_id, due_date}
//   MeetingActionUpdated       {action_id, + changed of text/owner_person_id/due_date, note}
//   MeetingActionClosed        {action_id, closure_evidence}
//   MeetingClosed              {quorum_rule, members: [{person_id, role}], quorum: {quorate,
//                               counted_members, present_members, required, chair_present}}
//
// Cross-aggregate input: CloseMeeting carries the group's quorum rule and its
// current members as the api layer looked them up (GroupAggregate state at
// close time). Decide computes quorum from those and the recorded attendance
// (read/quorum.h) and records both inputs and the outcome in MeetingClosed, so
// the record shows why a meeting was (in)quorate.
//
// Rules: open only a scheduled meeting; attendance while scheduled (apologies
// in advance) or open; decisions and new actions only while open; actions are
// updated and closed while open or after the meeting closed (between
// meetings), and only while the action is open; close only an open meeting;
// cancel only a scheduled one. Ids: decisions "d1".., actions "a1"..
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/quorum_rule.h"
#include "domain/read/quorum.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class MeetingStatus : std::uint8_t { kScheduled, kOpen, kClosed, kCancelled };
inline constexpr WireName<MeetingStatus> kMeetingStatusNames[] = {  // on-disk
    {MeetingStatus::kScheduled, "scheduled"},
    {MeetingStatus::kOpen, "open"},
    {MeetingStatus::kClosed, "closed"},
    {MeetingStatus::kCancelled, "cancelled"},
};
// Its number is on-disk too (a cold row's packed attendance, FORMAT.md 2.1
// row1/): never reorder.
enum class Attendance : std::uint8_t { kPresent, kApologies, kAbsent };
inline constexpr WireName<Attendance> kAttendanceNames[] = {  // on-disk
    {Attendance::kPresent, "present"},
    {Attendance::kApologies, "apologies"},
    {Attendance::kAbsent, "absent"},
};
// What a decision is about. Risk, issue and escalation (issue 22) came
// later: a decision may record the board's view of a risk or an issue, or
// accept, return or close an escalation. Events written before them never
// carry them. Code that switches on this enum must name every value (a
// two-way "deliverable or else document" test is wrong since issue 22).
// Its number is on-disk (a cold row's packed decisions): never reorder.
enum class DecisionLinkKind : std::uint8_t { kDeliverable, kDocument, kDocumentVersion, kRisk, kIssue, kEscalation };
inline constexpr WireName<DecisionLinkKind> kDecisionLinkKindNames[] = {  // on-disk
    {DecisionLinkKind::kDeliverable, "deliverable"},
    {DecisionLinkKind::kDocument, "document"},
    {DecisionLinkKind::kDocumentVersion, "document-version"},
    {DecisionLinkKind::kRisk, "risk"},
    {DecisionLinkKind::kIssue, "issue"},
    {DecisionLinkKind::kEscalation, "escalation"},
};

struct DecisionLink {
  DecisionLinkKind kind = DecisionLinkKind::kDeliverable;
  std::string id;          // deliverable, document, risk, issue or escalation id
  std::string version_id;  // for document-version only
  friend bool operator==(const DecisionLink&, const DecisionLink&) = default;
};

struct ScheduleMeeting {  // "schedule": group_id, title, scheduled_for (ISO date or date-time), location?
  std::string group_id;
  std::string title;
  std::string scheduled_for;
  std::string location;
};
struct OpenMeeting {};  // "open": {}
struct CancelMeeting {  // "cancel": reason
  std::string reason;
};
struct RecordAttendance {  // "record-attendance": person_id, attendance, organisation_id?
  std::string person_id;
  Attendance attendance = Attendance::kPresent;
  std::string organisation_id;
};
struct RecordDecision {  // "record-decision": text, links? [{kind, id, version_id?}]
  std::string text;
  std::vector<DecisionLink> links;
};
struct RaiseAction {  // "raise-action": text, owner_person_id, due_date
  std::string text;
  std::string owner_person_id;
  std::string due_date;
};
struct UpdateAction {  // "update-action": action_id, text?, owner_person_id?, due_date?, note?
  std::string action_id;
  std::optional<std::string> text;
  std::optional<std::string> owner_person_id;
  std::optional<std::string> due_date;
  std::string note;
};
struct CloseAction {  // "close-action": action_id, closure_evidence
  std::string action_id;
  std::string closure_evidence;
};
struct CloseMeeting {  // "close": quorum_rule {..}, members [{person_id, role}]
  QuorumRule quorum_rule;
  std::vector<read::QuorumMember> members;
};

struct AttendanceRecord {
  Attendance attendance = Attendance::kPresent;
  std::string organisation_id;
  friend bool operator==(const AttendanceRecord&, const AttendanceRecord&) = default;
};
struct MeetingDecision {
  std::string decision_id;
  std::string text;
  std::vector<DecisionLink> links;
  friend bool operator==(const MeetingDecision&, const MeetingDecision&) = default;
};
struct MeetingAction {
  std::string action_id;
  std::string text;
  std::string owner_person_id;
  std::string due_date;
  bool open = true;
  std::string closure_evidence;
  std::vector<std::string> notes;
  friend bool operator==(const MeetingAction&, const MeetingAction&) = default;
};

struct MeetingState {
  bool exists = false;
  std::string id;
  std::string group_id;
  std::string title;
  std::string scheduled_for;
  std::string location;
  MeetingStatus status = MeetingStatus::kScheduled;
  std::map<std::string, AttendanceRecord> attendance;  // by person id
  std::vector<MeetingDecision> decisions;
  std::vector<MeetingAction> actions;
  std::optional<read::QuorumOutcome> quorum;  // set when closed

  const MeetingAction* FindAction(std::string_view action_id) const;
  friend bool operator==(const MeetingState&, const MeetingState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct MeetingAggregate {
  static constexpr std::string_view kKind = "meeting";  // on-disk
  using State = MeetingState;
  using Command = std::variant<ScheduleMeeting, OpenMeeting, CancelMeeting, RecordAttendance,
                               RecordDecision, RaiseAction, UpdateAction, CloseAction, CloseMeeting>;

  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, group_id, title, scheduled_for, location, status,
  //  attendance: [{person_id, attendance, organisation_id}] (by person id),
  //  decisions: [{decision_id, text, links}], actions: [{action_id, text,
  //  owner_person_id, due_date, status: open|closed, closure_evidence, notes}],
  //  quorum: {...}|null}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists".
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
