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
  // when person_id is given. Sealed under the token's own data key (while a
  // vault is installed) and removed with the token's details when they pass
  // their retention (RemoveDetailsPastRetention).
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
  // How an actor is named in words (api/core/actor_names.h), for GET
  // /api/v1/session. Set before serving; unset: NameOfActor is empty.
  using ActorNamer = std::function<std::string(std::string_view actor)>;
  void SetActorNamer(ActorNamer namer) { name_actor_ = std::move(namer); }
  std::string NameOfActor(std::string_view actor) const { return name_actor_ ? name_actor_(actor) : std::string(); }

  // Errors: kInvalidArgument with the field (name, role, group_scope,
  // expires_at), or the store's error.
  Result<IssuedToken> Issue(const IssueTokenRequest& request, const std::string& actor,
                            const std::string& source);

  // Errors: kNotFound (no such token), kRuleViolation (already revoked),
  // kInvalidArgument (reason longer than 1000 bytes), or the store's error.
  Result<TokenRecord> Revoke(const std::string& token_id, const std::string& reason,
                             const std::string& actor, const std::string& source);

  // Retention of tokens' details: for every token that stopped working
  // (revoked or expired) at least `retention_days` days before now and whose
  // data key is still held, appends TokenDetailsRemoved (unless its stream
  // already ends with it) and destroys the key, so its label is beyond use.
  // Needs an installed vault (none: nothing to do). Returns how many tokens'
  // keys were destroyed.
  Result<std::size_t> RemoveDetailsPastRetention(long retention_days, const std::string& actor);

  std::int64_t NowMicros() const { return clock_->NowMicros(); }
  const TokenIndex& index() const { return index_; }

 private:
  storage::EventStore& store_;
  TokenIndex& index_;
  std::shared_ptr<storage::Clock> clock_;
  std::shared_ptr<storage::IdSource> ids_;
  PersonCheck check_person_;
  ActorNamer name_actor_;
};

// The JSON shape of a token in the API and CLI (never the secret or hash):
// token_id, name, role, group_scope, expires_at, issued_at, issued_by,
// status ("active" | "revoked" | "expired"), revoked_at, revoke_reason.
std::string TokenStatus(const TokenRecord& record, std::int64_t now_us);

}  // namespace assure::auth
