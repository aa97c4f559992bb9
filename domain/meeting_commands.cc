// MeetingAggregate::ParseCommand: the JSON codec of meeting commands.
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/meeting.h"

namespace assure::domain {

using nlohmann::json;

namespace {

std::vector<DecisionLink> ReadLinks(FieldReader& r) {
  std::vector<DecisionLink> out;
  const json* links = r.OptArray("links");
  if (links == nullptr) return out;
  for (std::size_t i = 0; i < links->size() && r.ok(); ++i) {
    FieldReader item((*links)[i], "links[" + std::to_string(i) + "].");
    DecisionLink l;
    l.kind = item.Enum("kind", kDecisionLinkKindNames);
    l.id = item.Str("id");
    l.version_id = item.StrOr("version_id");
    r.Adopt(item);
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<read::QuorumMember> ReadMembers(FieldReader& r) {
  std::vector<read::QuorumMember> out;
  const json* members = r.OptArray("members");
  if (members == nullptr) {
    if (r.ok()) r.Fail("members", "is required: the group's current members [{person_id, role}]");
    return out;
  }
  for (std::size_t i = 0; i < members->size() && r.ok(); ++i) {
    FieldReader item((*members)[i], "members[" + std::to_string(i) + "].");
    read::QuorumMember m;
    m.person_id = item.Str("person_id");
    m.role = item.Enum("role", kMemberRoleNames);
    r.Adopt(item);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

Result<MeetingAggregate::Command> MeetingAggregate::ParseCommand(std::string_view name,
                                                                 const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "schedule") {
    command = ScheduleMeeting{r.Str("group_id"), r.Str("title"), r.Str("scheduled_for"),
                              r.StrOr("location")};
  } else if (name == "open") {
    command = OpenMeeting{};
  } else if (name == "cancel") {
    command = CancelMeeting{r.Str("reason")};
  } else if (name == "record-attendance") {
    command = RecordAttendance{r.Str("person_id"), r.Enum("attendance", kAttendanceNames),
                               r.StrOr("organisation_id")};
  } else if (name == "record-decision") {
    RecordDecision c;
    c.text = r.Str("text");
    c.links = ReadLinks(r);
    command = c;
  } else if (name == "raise-action") {
    command = RaiseAction{r.Str("text"), r.Str("owner_person_id"), r.Date("due_date")};
  } else if (name == "update-action") {
    command = UpdateAction{r.Str("action_id"), r.OptStr("text"), r.OptStr("owner_person_id"),
                           r.OptDate("due_date"), r.StrOr("note")};
  } else if (name == "close-action") {
    command = CloseAction{r.Str("action_id"), r.Str("closure_evidence")};
  } else if (name == "close") {
    CloseMeeting c;
    auto rule = ReadQuorumRule(r, "quorum_rule");
    if (!rule && r.ok()) r.Fail("quorum_rule", "is required: the group's quorum rule");
    c.quorum_rule = rule.value_or(QuorumRule{});
    c.members = ReadMembers(r);
    command = c;
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

}  // namespace assure::domain
