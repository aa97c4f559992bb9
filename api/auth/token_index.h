// The in-memory index of tokens, a fold of the "token-*" streams.
//
// Attach() subscribes to the store first and then reads every event with the
// stream prefix "token-", so no event committed in between is missed; each
// event's effect is idempotent and order-independent per token (issued sets
// the token's fields, revoked sets its revoked flag), so seeing one twice or
// a revoke before its issue is harmless.
//
// A token's label is opened (privacy::OpenTokenLabel) as it is applied, so
// the index holds it readable; "" once its details are removed.
//
// Thread safety: every method may be called from any thread. The store must
// outlive the index (the destructor unsubscribes).
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/auth/token_codec.h"
#include "storage/event_store.h"

namespace assure::auth {

struct TokenRecord {
  TokenIssued issued;            // token_id empty until the TokenIssued event is seen
  std::int64_t issued_at_us = 0;
  std::string issued_by;         // actor of the TokenIssued event
  bool revoked = false;
  std::string revoke_reason;
  std::int64_t revoked_at_us = 0;
  bool details_removed = false;  // TokenDetailsRemoved: the label is gone

  // When the token stopped working (revoked, or expired, whichever came
  // first); nullopt while it may still be used.
  std::optional<std::int64_t> EndedAt(std::int64_t now_us) const {
    std::optional<std::int64_t> end;
    if (revoked) end = revoked_at_us;
    if (ExpiredAt(now_us) && (!end || *issued.expires_at_us < *end)) end = *issued.expires_at_us;
    return end;
  }

  bool ExpiredAt(std::int64_t now_us) const {
    return issued.expires_at_us.has_value() && now_us >= *issued.expires_at_us;
  }
};

class TokenIndex {
 public:
  TokenIndex() = default;
  ~TokenIndex();
  TokenIndex(const TokenIndex&) = delete;
  TokenIndex& operator=(const TokenIndex&) = delete;

  // Subscribes to `store` and loads every token event. Call once.
  Status Attach(storage::EventStore& store);

  // Applies one event (others than token events are ignored).
  void Apply(const storage::RecordedEvent& event);

  std::optional<TokenRecord> FindBySecretHash(const std::string& sha256_hex) const;
  std::optional<TokenRecord> FindById(const std::string& token_id) const;
  // Every issued token, ordered by issue time.
  std::vector<TokenRecord> List() const;
  // Whether any admin token is neither revoked nor expired at now_us.
  bool HasUsableAdmin(std::int64_t now_us) const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, TokenRecord> by_id_;
  std::unordered_map<std::string, std::string> id_by_hash_;
  storage::EventStore* store_ = nullptr;
  std::uint64_t subscription_ = 0;
};

}  // namespace assure::auth
