// A meeting's quorum as it stands, and who attended without being a member
// (pure). The meeting records quorum only when it closes (MeetingClosed);
// until then readers compute it from the attendance recorded so far and the
// group's memberships held on the meeting's date (business dates).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/group.h"
#include "domain/meeting.h"
#include "domain/read/quorum.h"

namespace assure::domain::read {

// The group's members on `date` (YYYY-MM-DD), with their roles on it.
std::vector<QuorumMember> MembersOn(const GroupState& group, std::string_view date);

// The meeting's date: the date part of scheduled_for.
std::string MeetingDate(const MeetingState& meeting);

// Adds to `out` (MeetingAggregate::ToJson of `meeting`):
//   "quorum_so_far": ComputeQuorum of the group's rule, its members on the
//     meeting's date and the attendees recorded present so far (the same
//     shape as "quorum"); null when the group is unknown;
//   each attendance row's "member_on_date": whether that person held a
//     membership of the group on the meeting's date (a guest did not);
//   "non_member_attendees": the person ids recorded present who were not.
// `group` may be null (the group is not in the model).
void AddQuorumSoFar(const MeetingState& meeting, const GroupState* group, nlohmann::json& out);

}  // namespace assure::domain::read
