// AES-256-GCM through OpenSSL's EVP, and the byte strings it is used with
// (storage/FORMAT.md section 7): the envelope of one personal field, the
// wrapping of a person's data key, the check of the master key.
//
// Thread safety: pure functions (OpenSSL's CSPRNG for keys and nonces).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace assure::api::privacy {

using Key256 = std::array<std::uint8_t, 32>;

// On-disk: a field's value "enc1:" + lowercase hex of nonce || ciphertext || tag.
inline constexpr std::string_view kEnvelopePrefix = "enc1:";
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

// 32 random bytes (RAND_bytes); kInternal if the CSPRNG fails.
Result<Key256> NewKey();

// nonce (12 random bytes) || AES-256-GCM(key, nonce, aad, plaintext) || tag (16 bytes).
Result<std::string> Seal(const Key256& key, std::string_view aad, std::string_view plaintext);
// The plaintext, or nullopt when `sealed` is too short or does not
// authenticate (another key, another aad, altered bytes).
std::optional<std::string> Open(const Key256& key, std::string_view aad, std::string_view sealed);

// Whose data key seals a field: a person's (their name, email and job
// title, FORMAT.md 7) or a token's (its label, FORMAT.md 7.5). Each has its
// own labels in the associated data, so a ciphertext or a wrapped key of
// one never opens as the other's.
struct Sealing {
  std::string_view field_label;  // of a field's envelope
  std::string_view key_label;    // of a wrapped data key
};
inline constexpr Sealing kPersonSealing{"assure-personal-field/v1", "assure-person-key/v1"};
inline constexpr Sealing kTokenSealing{"assure-token-field/v1", "assure-token-key/v1"};

// The associated data of each use (FORMAT.md 7): they bind a ciphertext to
// the person (or token) and the field it was written for.
std::string FieldAad(std::string_view holder_id, std::string_view field,
                     const Sealing& sealing = kPersonSealing);
std::string WrappedKeyAad(std::string_view holder_id, const Sealing& sealing = kPersonSealing);
inline constexpr std::string_view kMasterCheckAad = "assure-master-key-check/v1";

// The envelope of a field value, and its sealed bytes back (nullopt: not
// an envelope, or not hex).
Result<std::string> SealField(const Key256& key, std::string_view holder_id, std::string_view field,
                              std::string_view value, const Sealing& sealing = kPersonSealing);
std::optional<std::string> EnvelopeBytes(std::string_view value);

// Lowercase hex, and back (nullopt for odd length or a non-hex digit).
std::string Hex(std::string_view bytes);
std::optional<std::string> Unhex(std::string_view hex);

}  // namespace assure::api::privacy
