// The server's Ed25519 signing key (OpenSSL).
//
// The key pair lives in the data directory as `signing-key.pem` (PKCS#8,
// file mode 0600, directory-only readable by the server's user); it is
// created on first start. The public key is published as 32 raw bytes in hex
// (and as PEM) so an assessor can check signatures without this software.
//
// Thread safety: Sign and the accessors may be called concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace assure::api {

class Signer {
 public:
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // Loads `dir`/signing-key.pem, creating it (mode 0600) if missing.
  // Refuses a key file readable by group or others.
  static Result<std::unique_ptr<Signer>> LoadOrCreate(const std::string& dir);
  // A throw-away key, for tests.
  static std::unique_ptr<Signer> Generate();

  std::string Sign(std::string_view message) const;  // 64-byte signature
  const std::string& public_key_raw() const { return public_raw_; }  // 32 bytes
  std::string PublicKeyHex() const;
  std::string PublicKeyPem() const;

 private:
  explicit Signer(void* pkey);
  void* pkey_;  // EVP_PKEY*
  std::string public_raw_;
};

// Verifies an Ed25519 signature with a raw 32-byte public key.
bool VerifyEd25519(std::string_view public_key_raw, std::string_view message,
                   std::string_view signature);

// A raw 32-byte Ed25519 public key read from text: 64 hex digits alone, a
// PEM "PUBLIC KEY" block, or both as `assure key show` prints them (a hex
// line then the PEM; they must agree). kInvalidArgument saying what was
// expected otherwise.
Result<std::string> PublicKeyFromText(std::string_view text);

// Hex helpers for keys and signatures.
std::string ToHex(std::string_view bytes);
Result<std::string> FromHex(std::string_view hex, std::string_view field);

}  // namespace assure::api
