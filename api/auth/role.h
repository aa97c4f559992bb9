// Roles and permissions: who may do what.
//
// | role      | permissions                                                        |
// |-----------|--------------------------------------------------------------------|
// | admin     | everything                                                         |
// | editor    | read, edit_programme_content, edit_group, manage_documents         |
// | secretary | read, run_meeting                                                  |
// | viewer    | read                                                               |
// | assessor  | read, build_evidence_pack (assessor tokens always expire)          |
//
// Role and permission names are on-disk (TokenIssued events) and on-wire:
// never renamed.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace assure::auth {

enum class Role : std::uint8_t { kAdmin, kEditor, kSecretary, kViewer, kAssessor };

enum class Permission : std::uint8_t {
  kRead,                  // read anything but the security log
  kEditProgrammeContent,  // work programmes and deliverables
  kEditGroup,             // groups, memberships, terms of reference
  kRunMeeting,            // meetings: attendance, decisions, actions
  kManageDocuments,       // controlled documents and their versions
  kManageTokens,          // issue, list and revoke tokens
  kBuildEvidencePack,     // build and download evidence packs
  kAdminRead,             // the security access log
};

inline constexpr Role kAllRoles[] = {Role::kAdmin, Role::kEditor, Role::kSecretary,
                                     Role::kViewer, Role::kAssessor};
inline constexpr Permission kAllPermissions[] = {
    Permission::kRead,           Permission::kEditProgrammeContent, Permission::kEditGroup,
    Permission::kRunMeeting,     Permission::kManageDocuments,      Permission::kManageTokens,
    Permission::kBuildEvidencePack, Permission::kAdminRead};




// Names (on-disk / on-wire), RoleAllows (whether the role carries the
// permission, ignoring any group scope) and IsScopedPermission (whether a
// token's group scope restricts this permission: the editing permissions;
// reads are never restricted by scope).

inline std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kEditor: return "editor";
    case Role::kSecretary: return "secretary";
    case Role::kViewer: return "viewer";
    case Role::kAssessor: return "assessor";
  }
  return "viewer";
}

inline std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

inline std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kRead: return "read";
    case Permission::kEditProgrammeContent: return "edit_programme_content";
    case Permission::kEditGroup: return "edit_group";
    case Permission::kRunMeeting: return "run_meeting";
    case Permission::kManageDocuments: return "manage_documents";
    case Permission::kManageTokens: return "manage_tokens";
    case Permission::kBuildEvidencePack: return "build_evidence_pack";
    case Permission::kAdminRead: return "admin_read";
  }
  return "read";
}

inline bool RoleAllows(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kEditor:
      return permission == Permission::kRead ||
             permission == Permission::kEditProgrammeContent ||
             permission == Permission::kEditGroup || permission == Permission::kManageDocuments;
    case Role::kSecretary:
      return permission == Permission::kRead || permission == Permission::kRunMeeting;
    case Role::kViewer:
      return permission == Permission::kRead;
    case Role::kAssessor:
      return permission == Permission::kRead || permission == Permission::kBuildEvidencePack;
  }
  return false;
}

inline bool IsScopedPermission(Permission permission) {
  return permission == Permission::kEditProgrammeContent ||
         permission == Permission::kEditGroup || permission == Permission::kRunMeeting ||
         permission == Permission::kManageDocuments;
}

}  // namespace assure::auth
