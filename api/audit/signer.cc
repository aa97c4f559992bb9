#include "api/audit/signer.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <optional>
#include <filesystem>

#include "domain/hex.h"
#include "storage/types.h"

namespace assure::api {

namespace {

EVP_PKEY* Key(void* p) { return static_cast<EVP_PKEY*>(p); }

std::string RawPublic(EVP_PKEY* k) {
  std::string raw(32, '\0');
  std::size_t len = raw.size();
  EVP_PKEY_get_raw_public_key(k, reinterpret_cast<unsigned char*>(raw.data()), &len);
  raw.resize(len);
  return raw;
}

EVP_PKEY* NewKey() {
  EVP_PKEY* k = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (ctx && EVP_PKEY_keygen_init(ctx) == 1) EVP_PKEY_keygen(ctx, &k);
  EVP_PKEY_CTX_free(ctx);
  return k;
}

}  // namespace

Signer::Signer(void* pkey) : pkey_(pkey), public_raw_(RawPublic(Key(pkey))) {}

Signer::~Signer() { EVP_PKEY_free(Key(pkey_)); }

std::unique_ptr<Signer> Signer::Generate() { return std::unique_ptr<Signer>(new Signer(NewKey())); }

Result<std::unique_ptr<Signer>> Signer::LoadOrCreate(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string path = (fs::path(dir) / "signing-key.pem").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    EVP_PKEY* k = NewKey();
    if (!k) return MakeError(ErrorCode::kInternal, "cannot generate an Ed25519 key");
    std::unique_ptr<Signer> signer(new Signer(k));
    // Create with 0600 from the start: never a moment when others can read it.
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return MakeError(ErrorCode::kIoError, "cannot create " + tmp);
    FILE* f = ::fdopen(fd, "w");
    bool ok = f && PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    ok = f && std::fflush(f) == 0 && ::fsync(fd) == 0 && ok;
    if (f) std::fclose(f);
    if (!ok) return MakeError(ErrorCode::kIoError, "cannot write " + tmp);
    fs::rename(tmp, path, ec);
    if (ec) return MakeError(ErrorCode::kIoError, "cannot create " + path + ": " + ec.message());
    return signer;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return MakeError(ErrorCode::kIoError, "cannot stat " + path);
  if (st.st_mode & 077) {
    return MakeError(ErrorCode::kForbidden,
                     path + " is readable by others; run: chmod 600 " + path);
  }
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return MakeError(ErrorCode::kIoError, "cannot read " + path);
  EVP_PKEY* k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!k || EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return MakeError(ErrorCode::kCorruption, path + " is not an Ed25519 private key");
  }
  return std::unique_ptr<Signer>(new Signer(k));
}

std::string Signer::Sign(std::string_view message) const {
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, Key(pkey_));
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

std::string Signer::PublicKeyHex() const { return ToHex(public_raw_); }

std::string Signer::PublicKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, Key(pkey_));
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return pem;
}

Result<std::string> PublicKeyFromText(std::string_view text) {
  std::optional<std::string> from_hex, from_pem;
  // A line of 64 hex digits.
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(at, nl - at);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (line.size() == 64) {
      auto raw = FromHex(line, "public_key");
      if (raw.ok()) from_hex = *raw;
    }
    at = nl + 1;
  }
  if (text.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos) {
    BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    EVP_PKEY* k = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (!k || EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
      EVP_PKEY_free(k);
      return MakeError(ErrorCode::kInvalidArgument, "the PEM block is not an Ed25519 public key", "public_key");
    }
    from_pem = RawPublic(k);
    EVP_PKEY_free(k);
  }
  if (from_hex && from_pem && *from_hex != *from_pem) {
    return MakeError(ErrorCode::kInvalidArgument, "the hex key and the PEM key differ", "public_key");
  }
  if (from_hex) return *from_hex;
  if (from_pem) return *from_pem;
  return MakeError(ErrorCode::kInvalidArgument,
                   "no public key: expected 64 hex digits, a PEM public key, or the output of assure key show",
                   "public_key");
}

bool VerifyEd25519(std::string_view public_key_raw, std::string_view message,
                   std::string_view signature) {
  if (public_key_raw.size() != 32 || signature.size() != 64) return false;
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key_raw.data()),
      public_key_raw.size());
  if (!k) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, k) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(k);
  return ok;
}

std::string ToHex(std::string_view bytes) {
  return storage::HexEncode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

Result<std::string> FromHex(std::string_view hex, std::string_view field) {
  if (hex.size() % 2) {
    return MakeError(ErrorCode::kInvalidArgument, "hex text has an odd length", std::string(field));
  }
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = domain::HexDigitValue(hex[i]), lo = domain::HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "not hex", std::string(field));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace assure::api
