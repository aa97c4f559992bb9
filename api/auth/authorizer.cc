#include "api/auth/authorizer.h"

#include <utility>

#include "api/auth/token_codec.h"

namespace assure::auth {

Authorizer::Authorizer(const TokenIndex& index, std::shared_ptr<storage::Clock> clock)
    : index_(index), clock_(clock ? std::move(clock) : storage::SystemClock()) {}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithBearer(std::string_view s) {
  static constexpr std::string_view kBearer = "bearer ";
  if (s.size() < kBearer.size()) return false;
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kBearer[i]) return false;
  }
  return true;
}

}  // namespace

Result<Principal> Authorizer::Authenticate(std::string_view value) const {
  value = Trim(value);
  if (value.empty()) return MakeError(ErrorCode::kUnauthenticated, "a bearer token is required");
  if (StartsWithBearer(value)) {
    value = Trim(value.substr(7));
  } else if (value.find(' ') != std::string_view::npos) {
    return MakeError(ErrorCode::kUnauthenticated, "only the Bearer scheme is accepted");
  }
  if (value.empty() || value.size() > 256) {
    return MakeError(ErrorCode::kUnauthenticated, "the token is malformed");
  }
  auto rec = index_.FindBySecretHash(Sha256Hex(value));
  if (!rec) return MakeError(ErrorCode::kUnauthenticated, "the token is not recognised");
  if (rec->revoked) return MakeError(ErrorCode::kUnauthenticated, "the token has been revoked");
  if (rec->ExpiredAt(clock_->NowMicros())) {
    return MakeError(ErrorCode::kUnauthenticated, "the token has expired");
  }
  Principal p;
  p.token_id = rec->issued.token_id;
  p.name = rec->issued.name;
  p.role = rec->issued.role;
  p.group_scope = rec->issued.group_scope;
  p.expires_at_us = rec->issued.expires_at_us;
  if (rec->issued.person_id) {
    p.person_id = *rec->issued.person_id;
    p.actor_id = PersonActor(p.person_id);
  }
  return p;
}

Status Authorizer::Recheck(const Principal& principal) const {
  auto rec = index_.FindById(principal.token_id);
  if (!rec) return MakeError(ErrorCode::kUnauthenticated, "token unknown");
  if (rec->revoked) return MakeError(ErrorCode::kUnauthenticated, "token revoked");
  if (rec->ExpiredAt(clock_->NowMicros())) {
    return MakeError(ErrorCode::kUnauthenticated, "token expired");
  }
  if (rec->issued.role != principal.role || rec->issued.group_scope != principal.group_scope) {
    return MakeError(ErrorCode::kForbidden, "token role or scope changed");
  }
  if (!RoleAllows(rec->issued.role, Permission::kRead)) {
    return MakeError(ErrorCode::kForbidden, "token may no longer read");
  }
  return {};
}

Status Authorizer::Authorize(const Principal& principal, Permission permission,
                             const std::optional<std::string>& group_id) const {
  if (!RoleAllows(principal.role, permission)) {
    return MakeError(ErrorCode::kForbidden, "the " + std::string(RoleName(principal.role)) +
                                                " role may not " +
                                                std::string(PermissionName(permission)));
  }
  if (principal.group_scope && IsScopedPermission(permission)) {
    if (!group_id) {
      return MakeError(ErrorCode::kForbidden,
                       "this token is limited to group " + *principal.group_scope);
    }
    if (*group_id != *principal.group_scope) {
      return MakeError(ErrorCode::kForbidden,
                       "this token is limited to group " + *principal.group_scope);
    }
  }
  return {};
}

}  // namespace assure::auth
