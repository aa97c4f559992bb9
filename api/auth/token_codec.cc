#include "api/auth/token_codec.h"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "domain/calendar.h"
#include "domain/json_text.h"
#include "storage/codec.h"
#include "storage/types.h"

namespace assure::auth {

Result<std::int64_t> ParseExpiry(std::string_view text, std::string_view field) {
  auto t = domain::ParseIsoInstant(text, field);
  if (!t.ok()) return std::move(t).error();
  return t->date_only ? domain::EndOfDayUs(*t->date) + 1 : t->us;
}

namespace {

std::string Hex(const unsigned char* p, std::size_t n) { return storage::HexEncode(p, n); }

Error Corrupt(const char* what) {
  return MakeError(ErrorCode::kCorruption, std::string("token event: ") + what);
}

}  // namespace

std::string EncodeTokenIssued(const TokenIssued& e) {
  nlohmann::json j = nlohmann::json::object();
  j["token_id"] = e.token_id;
  j["name"] = e.name;
  j["role"] = std::string(RoleName(e.role));
  j["group_scope"] = e.group_scope ? nlohmann::json(*e.group_scope) : nlohmann::json(nullptr);
  j["expires_at"] =
      e.expires_at_us ? nlohmann::json(domain::FormatIsoSeconds(*e.expires_at_us)) : nlohmann::json(nullptr);
  j["secret_sha256"] = e.secret_sha256;
  j["person_id"] = e.person_id ? nlohmann::json(*e.person_id) : nlohmann::json(nullptr);
  return j.dump();
}

Result<TokenIssued> DecodeTokenIssued(std::string_view text) {
  auto j = domain::ParseJsonText(text);
  if (j.is_discarded() || !j.is_object()) return Corrupt("TokenIssued is not a JSON object");
  TokenIssued e;
  auto str = [&j](const char* k, std::string& out) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  std::string role;
  if (!str("token_id", e.token_id) || !str("name", e.name) || !str("role", role) ||
      !str("secret_sha256", e.secret_sha256)) {
    return Corrupt("TokenIssued lacks a field");
  }
  auto r = ParseRole(role);
  if (!r) return Corrupt("TokenIssued has an unknown role");
  e.role = *r;
  if (auto it = j.find("group_scope"); it != j.end() && it->is_string()) {
    e.group_scope = it->get<std::string>();
  }
  if (auto it = j.find("expires_at"); it != j.end() && it->is_string()) {
    auto t = domain::ParseIsoInstant(it->get<std::string>(), "expires_at");
    if (!t.ok()) return Corrupt("TokenIssued has a bad expires_at");
    e.expires_at_us = t->us;
  }
  if (auto it = j.find("person_id"); it != j.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return Corrupt("TokenIssued has a bad person_id");
    }
    e.person_id = it->get<std::string>();
  }
  return e;
}

std::string EncodeTokenRevoked(const TokenRevoked& e) {
  nlohmann::json j = nlohmann::json::object();
  j["reason"] = e.reason;
  return j.dump();
}

Result<TokenRevoked> DecodeTokenRevoked(std::string_view text) {
  auto j = domain::ParseJsonText(text);
  if (j.is_discarded() || !j.is_object()) return Corrupt("TokenRevoked is not a JSON object");
  TokenRevoked e;
  if (auto it = j.find("reason"); it != j.end() && it->is_string()) e.reason = it->get<std::string>();
  return e;
}

Result<std::string> GenerateTokenSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return MakeError(ErrorCode::kInternal, "the random number generator failed");
  }
  return std::string(kTokenSecretPrefix) + Hex(bytes, sizeof bytes);
}

std::string Sha256Hex(std::string_view bytes) {
  const storage::Hash256 digest = storage::Sha256(bytes);
  return Hex(digest.data(), digest.size());
}

}  // namespace assure::auth
