// Token events and secrets.
//
// A token's lifecycle is the stream "token-<token_id>":
//   TokenIssued  {token_id, name, role, group_scope (string|null),
//                 expires_at (ISO 8601 UTC|null), secret_sha256 (64 hex),
//                 person_id (string|null; absent in tokens issued before
//                 tokens named their holder)}
// A token that names a person acts as that person: the events it causes
// record the actor "person-<person_id>" (Principal::actor). Its `name` is a
// label of the token itself (e.g. "laptop", "nightly import"), may then be
// empty, and is stored sealed under the token's own data key (an envelope,
// storage/FORMAT.md 7.5; plain text in tokens issued before 2026-12): its
// details can be put beyond use when they pass their retention.
//   TokenRevoked {reason}
//   TokenDetailsRemoved {retention_days}: the token's data key is destroyed
//                 (its label reads "" from then on); appended by the
//                 retention of tokens' details, then the key is destroyed.
// Expiry is evaluated at use time; there is no "expired" event. The secret
// itself is never stored, only SHA-256 of the whole token text. Event type
// names, field names and the stream prefix are on-disk: never renamed.
//
// Secrets are "ast_" followed by 64 lowercase hex digits (256 bits from
// OpenSSL RAND_bytes).
//
// Thread safety: pure functions (GenerateTokenSecret uses OpenSSL's
// thread-safe CSPRNG).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/role.h"
#include "domain/result.h"

namespace assure::auth {

inline constexpr std::string_view kTokenStreamPrefix = "token-";
inline constexpr std::string_view kTokenIssuedType = "TokenIssued";
inline constexpr std::string_view kTokenRevokedType = "TokenRevoked";
inline constexpr std::string_view kTokenDetailsRemovedType = "TokenDetailsRemoved";
inline constexpr std::string_view kTokenSecretPrefix = "ast_";

// An expiry as a person writes it (domain::ParseIsoInstant's forms): a date
// alone means "valid through that day", so the token expires at the first
// instant after it (midnight UTC starting the next day), which whole-second
// storage keeps exactly. Errors name `field`.
Result<std::int64_t> ParseExpiry(std::string_view text, std::string_view field = "expires_at");

struct TokenIssued {
  std::string token_id;
  std::string name;
  Role role = Role::kViewer;
  std::optional<std::string> group_scope;
  std::optional<std::int64_t> expires_at_us;  // whole seconds
  std::string secret_sha256;                  // lowercase hex
  std::optional<std::string> person_id;       // the holder, a registered person
};

struct TokenRevoked {
  std::string reason;
};

std::string EncodeTokenIssued(const TokenIssued& e);
Result<TokenIssued> DecodeTokenIssued(std::string_view json_text);
std::string EncodeTokenRevoked(const TokenRevoked& e);
Result<TokenRevoked> DecodeTokenRevoked(std::string_view json_text);

// A new secret. kInternal if the CSPRNG fails.
Result<std::string> GenerateTokenSecret();

// Lowercase hex SHA-256 of the bytes.
std::string Sha256Hex(std::string_view bytes);

}  // namespace assure::auth
