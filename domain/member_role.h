// Roles a person can hold in a group.
#pragma once

#include <cstdint>

#include "domain/wire_enum.h"

namespace assure::domain {

enum class MemberRole : std::uint8_t {
  kChair,
  kViceChair,
  kMember,
  kObserver,
  kPatientRepresentative,
  kSecretary,
};

// On-disk wire names: never renamed.
inline constexpr WireName<MemberRole> kMemberRoleNames[] = {
    {MemberRole::kChair, "chair"},
    {MemberRole::kViceChair, "vice-chair"},
    {MemberRole::kMember, "member"},
    {MemberRole::kObserver, "observer"},
    {MemberRole::kPatientRepresentative, "patient-representative"},
    {MemberRole::kSecretary, "secretary"},
};

// Observers and secretaries attend but do not count towards quorum.
constexpr bool CountsTowardsQuorum(MemberRole role) {
  return role != MemberRole::kObserver && role != MemberRole::kSecretary;
}

}  // namespace assure::domain
