// An evidence pack's signed statement (storage/FORMAT.md 6.5): what the
// server vouches the pack holds, signed with its checkpoint key under a text
// of its own ("assure-pack-statement/v1\n" before the statement's canonical
// JSON, so no statement is ever a valid checkpoint message or the reverse).
// It binds the as-at instant and position, the checkpoint, the statements
// asked for, each statement's entities, each stream the pack draws on with
// its head version at the as-at position, and the SHA-256 of every other
// file (index.html included). A holder without the key can change none of
// them, nor leave an event or an entity out.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace assure::api {

inline constexpr const char* kStatementFormat = "assure-pack-statement/v1";  // on-disk
inline constexpr const char* kSignatureFile = "signature.json";              // on-disk

struct SignedPackStatement {
  nlohmann::json statement;  // {as_of, checkpoint, files, format, identity, scope, statements, streams}
  std::string signature;     // 64 raw bytes
  std::string public_key;    // 32 raw bytes
};

// The bytes signed: kStatementFormat, "\n", the statement's canonical JSON.
std::string PackStatementMessage(const nlohmann::json& statement);
// signature.json: {algorithm: "Ed25519", public_key, signature, statement}
// in canonical form and a newline.
std::string SignatureJson(const SignedPackStatement& s);
// Field-named kInvalidArgument for a malformed signature.json.
Result<SignedPackStatement> SignatureFromJson(std::string_view text);

// The statement -> entity index of pack.json's statements: {code:
// {deliverables: [id], documents: [id], groups: [id], meetings: [id]}}.
nlohmann::json StatementIndex(const nlohmann::json& statements);

}  // namespace assure::api
