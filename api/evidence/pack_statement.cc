#include "api/evidence/pack_statement.h"

#include "api/audit/signer.h"
#include "api/evidence/canonical_json.h"
#include "domain/json_read.h"
#include "domain/json_text.h"

namespace assure::api {

using nlohmann::json;

std::string PackStatementMessage(const json& statement) {
  std::string out = std::string(kStatementFormat) + "\n";
  AppendCanonicalJson(out, statement);
  return out;
}

std::string SignatureJson(const SignedPackStatement& s) {
  const json j = {{"algorithm", "Ed25519"},
                  {"public_key", ToHex(s.public_key)},
                  {"signature", ToHex(s.signature)},
                  {"statement", s.statement}};
  return CanonicalJson(j) + "\n";
}

Result<SignedPackStatement> SignatureFromJson(std::string_view text) {
  const json j = domain::ParseJsonText(text);
  if (!j.is_object()) return MakeError(ErrorCode::kInvalidArgument, "signature.json is not a JSON object", "signature.json");
  auto hex = [&](const char* field, std::size_t bytes) -> Result<std::string> {
    const json& v = domain::GetMember(j, field);
    if (!v.is_string()) return MakeError(ErrorCode::kInvalidArgument, std::string("no ") + field, field);
    auto raw = FromHex(v.get<std::string>(), field);
    if (!raw.ok() || raw->size() != bytes) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(field) + " is not " + std::to_string(bytes * 2) +
                                                        " hex digits", field);
    }
    return raw;
  };
  SignedPackStatement s;
  auto key = hex("public_key", 32);
  if (!key.ok()) return key.error();
  auto signature = hex("signature", 64);
  if (!signature.ok()) return signature.error();
  s.public_key = std::move(*key);
  s.signature = std::move(*signature);
  if (domain::GetStr(j, "algorithm") != "Ed25519") {
    return MakeError(ErrorCode::kInvalidArgument, "algorithm is not Ed25519", "algorithm");
  }
  s.statement = domain::GetMember(j, "statement");
  if (!s.statement.is_object() || domain::GetStr(s.statement, "format") != kStatementFormat) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("statement is not an ") + kStatementFormat,
                     "statement");
  }
  return s;
}

json StatementIndex(const json& statements) {
  json index = json::object();
  for (const auto& st : statements) {
    json entry = json::object();
    for (const char* kind : {"deliverables", "documents", "groups", "risks"}) entry[kind] = st[kind];
    json meetings = json::array();
    for (const auto& m : st["meetings"]) meetings.push_back(m["id"]);
    entry["meetings"] = std::move(meetings);
    index[st["code"].get<std::string>()] = std::move(entry);
  }
  return index;
}

}  // namespace assure::api
