// Issuing and revoking tokens: appends the token events (token_codec.h) and
// applies them to the index at once (read-your-writes), so a token can be used
// as soon as Issue returns.
//
// Thread safety: every method may be called from any thread; Issue and Revoke
// block on a synced append (call them off I/O threads).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/auth/token_index.h"
#include "storage/clock.h"
#include "storage/event_store.h"

namespace assure::auth {

struct IssueTokenRequest {
  // A label of the token: 1..200 bytes, no control characters; may be empty
  // when person_id is given. Kept in the log in plain text (not erasable):
  // not the place for a person's name.
  std::string name;
  Role role = Role::kViewer;
  std::optional<std::string> group_scope;     // 1..200 bytes
  std::optional<std::int64_t> expires_at_us;  // must be in the future; required for assessors
  // The holder, a registered person whose data is not erased: the token acts
  // as them (Principal::actor). Without one, the token acts as itself (its
  // id is the actor), as tokens issued before did.
  std::optional<std::string> person_id;
};

struct IssuedToken {
  TokenRecord record;
  std::string secret;  // shown once; never stored
};

class TokenService {
 public:
  TokenService(storage::EventStore& store, TokenIndex& index,
               std::shared_ptr<storage::Clock> clock, std::shared_ptr<storage::IdSource> ids);

  // How a person_id is checked: kInvalidArgument naming person_id unless it
  // is a registered person whose data is not erased. Unset: no token may
  // name a person (kInvalidArgument). The server sets it from its read model.
  using PersonCheck = std::function<Status(const std::string& person_id)>;
  void SetPersonCheck(PersonCheck check) { check_person_ = std::move(check); }

  // Errors: kInvalidArgument with the field (name, role, group_scope,
  // expires_at), or the store's error.
  Result<IssuedToken> Issue(const IssueTokenRequest& request, const std::string& actor,
                            const std::string& source);

  // Errors: kNotFound (no such token), kRuleViolation (already revoked),
  // kInvalidArgument (reason longer than 1000 bytes), or the store's error.
  Result<TokenRecord> Revoke(const std::string& token_id, const std::string& reason,
                             const std::string& actor, const std::string& source);

  std::int64_t NowMicros() const { return clock_->NowMicros(); }
  const TokenIndex& index() const { return index_; }

 private:
  storage::EventStore& store_;
  TokenIndex& index_;
  std::shared_ptr<storage::Clock> clock_;
  std::shared_ptr<storage::IdSource> ids_;
  PersonCheck check_person_;
};

// The JSON shape of a token in the API and CLI (never the secret or hash):
// token_id, name, role, group_scope, expires_at, issued_at, issued_by,
// status ("active" | "revoked" | "expired"), revoked_at, revoke_reason.
std::string TokenStatus(const TokenRecord& record, std::int64_t now_us);

}  // namespace assure::auth
