#include "domain/read/meeting_quorum.h"

#include <algorithm>

#include "domain/read/membership_at.h"

namespace assure::domain::read {

std::vector<QuorumMember> MembersOn(const GroupState& group, std::string_view date) {
  std::vector<QuorumMember> members;
  for (const auto& ms : group.memberships) {
    if (!HeldOn(ms.start_date, ms.end_date, date)) continue;
    members.push_back({ms.person_id, ms.role});
  }
  return members;
}

std::string MeetingDate(const MeetingState& meeting) { return meeting.scheduled_for.substr(0, 10); }

void AddQuorumSoFar(const MeetingState& meeting, const GroupState* group, nlohmann::json& out) {
  if (group == nullptr) {
    out["quorum_so_far"] = nullptr;
    return;
  }
  const std::vector<QuorumMember> members = MembersOn(*group, MeetingDate(meeting));
  auto is_member = [&](const std::string& person) {
    return std::any_of(members.begin(), members.end(),
                       [&](const QuorumMember& m) { return m.person_id == person; });
  };
  std::vector<std::string> present;
  nlohmann::json guests = nlohmann::json::array();
  for (const auto& [person, record] : meeting.attendance) {
    if (record.attendance != Attendance::kPresent) continue;
    present.push_back(person);
    if (!is_member(person)) guests.push_back(person);
  }
  if (out.contains("attendance") && out["attendance"].is_array()) {
    for (auto& row : out["attendance"]) row["member_on_date"] = is_member(row.value("person_id", ""));
  }
  out["quorum_so_far"] = QuorumOutcomeToJson(ComputeQuorum(group->quorum_rule, members, present));
  out["non_member_attendees"] = std::move(guests);
}

}  // namespace assure::domain::read
