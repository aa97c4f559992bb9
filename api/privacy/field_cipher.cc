#include "api/privacy/field_cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "domain/hex.h"

namespace assure::api::privacy {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

Result<Key256> NewKey() {
  Key256 k{};
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) {
    return MakeError(ErrorCode::kInternal, "the random number generator failed");
  }
  return k;
}

Result<std::string> Seal(const Key256& key, std::string_view aad, std::string_view plaintext) {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  if (RAND_bytes(Bytes(out), static_cast<int>(kNonceBytes)) != 1) {
    return MakeError(ErrorCode::kInternal, "the random number generator failed");
  }
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(out)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), Bytes(out) + kNonceBytes, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), Bytes(out) + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          Bytes(out) + kNonceBytes + plaintext.size()) == 1;
  if (!ok) return MakeError(ErrorCode::kInternal, "AES-256-GCM encryption failed");
  return out;
}

std::optional<std::string> Open(const Key256& key, std::string_view aad, std::string_view sealed) {
  if (sealed.size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::size_t n = sealed.size() - kNonceBytes - kTagBytes;
  std::string out(n, '\0');
  std::string tag(sealed.substr(kNonceBytes + n));
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(sealed)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), Bytes(out), &len, Bytes(sealed) + kNonceBytes, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), Bytes(out) + len, &len) == 1;
  if (!ok) return std::nullopt;
  return out;
}

std::string FieldAad(std::string_view holder_id, std::string_view field, const Sealing& sealing) {
  std::string aad(sealing.field_label);
  aad.push_back('\0');
  aad += holder_id;
  aad.push_back('\0');
  aad += field;
  return aad;
}

std::string WrappedKeyAad(std::string_view holder_id, const Sealing& sealing) {
  std::string aad(sealing.key_label);
  aad.push_back('\0');
  aad += holder_id;
  return aad;
}

Result<std::string> SealField(const Key256& key, std::string_view holder_id, std::string_view field,
                              std::string_view value, const Sealing& sealing) {
  auto sealed = Seal(key, FieldAad(holder_id, field, sealing), value);
  if (!sealed.ok()) return sealed.error();
  return std::string(kEnvelopePrefix) + Hex(*sealed);
}

std::optional<std::string> EnvelopeBytes(std::string_view value) {
  if (!value.starts_with(kEnvelopePrefix)) return std::nullopt;
  return Unhex(value.substr(kEnvelopePrefix.size()));
}

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  domain::AppendHex(out, bytes);
  return out;
}

std::optional<std::string> Unhex(std::string_view hex) { return domain::UnhexBytes(hex); }

}  // namespace assure::api::privacy
