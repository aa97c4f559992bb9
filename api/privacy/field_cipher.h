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

// The associated data of each use (FORMAT.md 7): they bind a ciphertext to
// the person and the field it was written for.
std::string FieldAad(std::string_view person_id, std::string_view field);
std::string WrappedKeyAad(std::string_view person_id);
inline constexpr std::string_view kMasterCheckAad = "assure-master-key-check/v1";

// The envelope of a field value, and its sealed bytes back (nullopt: not
// an envelope, or not hex).
Result<std::string> SealField(const Key256& key, std::string_view person_id, std::string_view field,
                              std::string_view value);
std::optional<std::string> EnvelopeBytes(std::string_view value);

// Lowercase hex, and back (nullopt for odd length or a non-hex digit).
std::string Hex(std::string_view bytes);
std::optional<std::string> Unhex(std::string_view hex);

}  // namespace assure::api::privacy
