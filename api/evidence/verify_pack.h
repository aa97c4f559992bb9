// Offline verification of an evidence pack (issue 6): no store, no server.
//
// Checks, all of them even after a failure (so the report lists everything
// that is wrong): the manifest; every events.jsonl line against its own
// canonical bytes; positions ascending, unique and recorded_at never
// decreasing; events.jsonl and proofs.json naming the same positions; the
// batch inclusion proof against the checkpoint root; the checkpoint's
// signature (with the given public key, else the key the pack embeds, and
// the report says which); every statement of pack.json re-derived from the
// events present (folded with the domain aggregates' Evolve) and compared;
// document contents against their content_sha256; and, given an earlier
// checkpoint, that the pack's checkpoint extends it (consistency proof from
// the caller, else from the pack); and the pack's signed statement
// (FORMAT.md 6.5): the files it binds, the as-at instant, completeness.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/audit/checkpoint.h"
#include "storage/types.h"

namespace assure::api {

struct VerifyPackOptions {
  // The signer's raw 32-byte Ed25519 public key, obtained independently
  // (assure key show, a board minute). Without it the embedded key is used,
  // which proves only that the pack is internally consistent.
  std::optional<std::string> public_key_raw;
  // An earlier checkpoint (e.g. one minuted by a board) and, optionally, the
  // consistency proof from its size to the pack's checkpoint (else the pack's
  // own proof for that size is used).
  std::optional<Checkpoint> earlier_checkpoint;
  std::optional<std::vector<storage::Hash256>> consistency_proof;
};

// One failed check. `check` is one of: manifest, format, event, order,
// coverage, inclusion, signature, statement (signature.json and the files it
// binds), report (index.html is not the one signed), checkpoint (not the one
// signed or named), as-of (the as-at disagrees with itself, the signature or
// an event's time), completeness (an event of a stream or an entity signed
// as mapped is missing), derivation, document, consistency.
struct VerifyFailure {
  std::string check;
  std::string file;            // the file at fault, e.g. events.jsonl
  std::uint64_t line = 0;      // 1-based line of that file, when known
  std::uint64_t position = 0;  // log position of the event, when known
  std::string statement;       // QSIN code, for derivation failures
  std::string message;
};

struct VerifyPackReport {
  bool valid = false;
  std::vector<VerifyFailure> failures;
  std::vector<std::string> passed;  // a line per check that passed
  std::string key_source;           // "given" or "embedded"
  std::string identity;             // SHA-256 of pack.json
  std::size_t events = 0;
  std::size_t statements = 0;
  std::size_t documents = 0;
  Checkpoint checkpoint;
  // Wall seconds of each check, in order (for benchmarks).
  std::vector<std::pair<std::string, double>> phase_seconds;
};

VerifyPackReport VerifyEvidencePack(std::string_view zip_bytes, const VerifyPackOptions& options = {});

// A readable verdict: "VALID ..." or "INVALID ..." and one line per failure.
std::string FormatVerifyReport(const VerifyPackReport& report);

}  // namespace assure::api
