// MeetingAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/meeting.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json MeetingAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<MeetingState> MeetingAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "meeting snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.group_id = r.Str("group_id");
  s.title = r.Str("title");
  s.scheduled_for = r.Str("scheduled_for");
  s.location = r.Str("location");
  s.status = r.Enum("status", kMeetingStatusNames);
  struct Row {
    std::string person_id;
    AttendanceRecord record;
  };
  for (auto& row : r.List<Row>("attendance", [](SnapshotReader& a) {
         Row out;
         out.person_id = a.Str("person_id");
         out.record.attendance = a.Enum("attendance", kAttendanceNames);
         out.record.organisation_id = a.Str("organisation_id");
         return out;
       })) {
    if (!s.attendance.emplace(row.person_id, std::move(row.record)).second) {
      r.Fail("attendance", "lists person '" + row.person_id + "' twice");
    }
  }
  s.decisions = r.List<MeetingDecision>("decisions", [](SnapshotReader& d) {
    MeetingDecision out;
    out.decision_id = d.Str("decision_id");
    out.text = d.Str("text");
    out.links = d.List<DecisionLink>("links", [](SnapshotReader& l) {
      DecisionLink link;
      link.kind = l.Enum("kind", kDecisionLinkKindNames);
      link.id = l.Str("id");
      link.version_id = l.Str("version_id");
      return link;
    });
    return out;
  });
  s.actions = r.List<MeetingAction>("actions", [](SnapshotReader& a) {
    MeetingAction out;
    out.action_id = a.Str("action_id");
    out.text = a.Str("text");
    out.owner_person_id = a.Str("owner_person_id");
    out.due_date = a.Str("due_date");
    const std::string status = a.Str("status");
    if (a.ok() && status != "open" && status != "closed") {
      a.Fail("status", "is '" + status + "', not one of: open, closed");
    }
    out.open = status == "open";
    out.closure_evidence = a.Str("closure_evidence");
    out.notes = a.StrList("notes");
    return out;
  });
  const nlohmann::json& quorum = r.OptObject("quorum");
  if (quorum.is_object()) {
    SnapshotReader q(quorum, r.what(), r.Path("quorum."));
    read::QuorumOutcome o;
    o.quorate = q.Bool("quorate");
    o.counted_members = q.SmallInt("counted_members");
    o.present_members = q.SmallInt("present_members");
    o.required = q.SmallInt("required");
    o.chair_present = q.Bool("chair_present");
    r.Adopt(q);
    s.quorum = o;
  }
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
