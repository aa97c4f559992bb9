// Authentication (token -> Principal) and authorisation (Principal x
// Permission x group -> allowed or kForbidden).
//
// Authenticate is in-memory (one SHA-256 and a map lookup): it is cheap
// enough for I/O threads. Expiry is evaluated at each call against the clock.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/principal.h"
#include "api/auth/token_index.h"
#include "storage/clock.h"

namespace assure::auth {

class Authorizer {
 public:
  Authorizer(const TokenIndex& index, std::shared_ptr<storage::Clock> clock);

  // Accepts an Authorization header value ("Bearer <token>", scheme
  // case-insensitive) or a bare token. kUnauthenticated when missing,
  // malformed, unknown, revoked or expired; the message says which but
  // never echoes the token.
  Result<Principal> Authenticate(std::string_view authorization_header_or_token) const;

  // Re-checks a principal authenticated earlier (an open live-feed
  // connection) against the token index now: kUnauthenticated "token
  // revoked" / "token expired" / "token unknown"; kForbidden "token role or
  // scope changed" when the token's role or group scope is no longer the
  // principal's, or "token may no longer read" when the role lost `read`.
  // Messages are short (they become WebSocket close reasons).
  Status Recheck(const Principal& principal) const;

  // kForbidden unless the role carries the permission and, for scoped
  // permissions with a group-scoped token, group_id equals the scope (a
  // scoped token may not make such edits where no group is given).
  Status Authorize(const Principal& principal, Permission permission,
                   const std::optional<std::string>& group_id) const;

  const TokenIndex& index() const { return index_; }

 private:
  const TokenIndex& index_;
  std::shared_ptr<storage::Clock> clock_;
};

}  // namespace assure::auth
