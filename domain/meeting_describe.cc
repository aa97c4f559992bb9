// MeetingAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/meeting.h"

namespace assure::domain {

static_assert(Aggregate<MeetingAggregate>);

using nlohmann::json;

namespace {

std::string StatusName(MeetingStatus s) { return std::string(NameOf(kMeetingStatusNames, s)); }

// One status step: {status, before -> after} and its summary.
Change StatusTo(const MeetingState& s, MeetingStatus to, std::string summary) {
  Change c;
  AddChange(c, "status", StatusName(s.status), StatusName(to));
  c.summary = std::move(summary);
  return c;
}

}  // namespace

Change MeetingAggregate::Describe(const State& s, const EventView& e) {
  const json& d = DataOf(e);
  Change c;
  const std::string action_id = GetStr(d, "action_id");
  const MeetingAction* action = s.FindAction(action_id);
  if (e.type == "MeetingScheduled") {
    DataFields(c, d, {{"group_id", s.group_id}, {"title", s.title},
                      {"scheduled_for", s.scheduled_for}, {"location", s.location}});
    c.summary = "Scheduled: " + Excerpt(GetStr(d, "title")) + " on " + HumanDate(GetStr(d, "scheduled_for"));
  } else if (e.type == "MeetingOpened") {
    return StatusTo(s, MeetingStatus::kOpen, "Meeting opened");
  } else if (e.type == "MeetingCancelled") {
    return StatusTo(s, MeetingStatus::kCancelled, "Meeting cancelled");
  } else if (e.type == "MeetingAttendanceRecorded") {
    const std::string person = GetStr(d, "person_id"), attendance = GetStr(d, "attendance");
    json from = nullptr;
    if (auto it = s.attendance.find(person); it != s.attendance.end()) {
      from = {{"attendance", NameOf(kAttendanceNames, it->second.attendance)},
              {"organisation_id", it->second.organisation_id}};
    }
    AddChange(c, "attendance." + person, std::move(from),
              json{{"attendance", attendance}, {"organisation_id", GetStr(d, "organisation_id")}});
    c.summary = "Attendance: " + Named(c, "person", person) + " " + Words(attendance);
  } else if (e.type == "MeetingDecisionRecorded") {
    const std::string id = GetStr(d, "decision_id");
    AddChange(c, "decisions." + id, nullptr, ItemOf(e));
    c.summary = "Decision " + id + " recorded: " + Excerpt(GetStr(d, "text"));
  } else if (e.type == "MeetingActionRaised") {
    AddChange(c, "actions." + action_id, nullptr, ItemOf(e));
    const std::string due = GetStr(d, "due_date");
    c.summary = "Action " + action_id + " raised for " + Named(c, "person", GetStr(d, "owner_person_id")) +
                (due.empty() ? "" : ", due " + HumanDate(due)) + ": " + Excerpt(GetStr(d, "text"));
  } else if (e.type == "MeetingActionUpdated") {
    const std::string prefix = "actions." + action_id + ".";
    for (const char* key : {"text", "owner_person_id", "due_date"}) {
      if (auto v = GetOptStr(d, key)) {
        std::string before;
        if (action) before = key == std::string_view("text") ? action->text
                             : key == std::string_view("due_date") ? action->due_date
                                                                   : action->owner_person_id;
        AddChange(c, prefix + key, before, *v);
      }
    }
    const auto note = GetOptStr(d, "note");
    if (note) AddChange(c, prefix + "notes", nullptr, *note);
    std::string what;
    for (const auto& f : c.changes) {
      if (!f.field.ends_with(".notes")) what += (what.empty() ? "" : ", ") + Words(f.field.substr(prefix.size()));
    }
    c.summary = "Action " + action_id + " updated" + (what.empty() ? "" : " (" + what + ")") +
                (note ? ": " + Excerpt(*note) : "");
  } else if (e.type == "MeetingActionClosed") {
    const std::string evidence = GetStr(d, "closure_evidence");
    AddChange(c, "actions." + action_id + ".status", "open", "closed");
    AddChange(c, "actions." + action_id + ".closure_evidence", nullptr, evidence);
    c.summary = "Action " + action_id + " closed" + (evidence.empty() ? "" : ": " + Excerpt(evidence));
  } else if (e.type == "MeetingClosed") {
    const json& quorum = GetMember(d, "quorum");
    c = StatusTo(s, MeetingStatus::kClosed, "");
    AddChange(c, "quorum", nullptr, quorum);
    c.summary = std::string("Meeting closed, ") + (GetBool(quorum, "quorate") ? "quorate" : "not quorate") +
                " (" + std::to_string(GetInt(quorum, "present_members")) + " of " +
                std::to_string(GetInt(quorum, "counted_members")) + " members present, " +
                std::to_string(GetInt(quorum, "required")) + " needed)";
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
