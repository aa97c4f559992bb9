// File names and the JSON shapes of an evidence pack shared by the builder
// and the offline verifier (storage/FORMAT.md section 6).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/audit/checkpoint.h"
#include "api/evidence/batch_proof.h"
#include "api/evidence/pack_zip.h"

namespace assure::api {

inline constexpr const char* kPackFormat = "assure-evidence-pack/v4";    // on-disk (v1-v3: FORMAT.md 6.7)
inline constexpr const char* kProofsFormat = "assure-evidence-proofs/v1";  // on-disk
inline constexpr const char* kIndexFile = "index.html";
inline constexpr const char* kPackFile = "pack.json";
inline constexpr const char* kEventsFile = "events.jsonl";
inline constexpr const char* kProofsFile = "proofs.json";
inline constexpr const char* kManifestFile = "MANIFEST.sha256";
inline constexpr const char* kDocumentsDir = "documents/";

// An earlier checkpoint and the proof that the pack's checkpoint extends it.
struct ConsistencyEvidence {
  Checkpoint earlier;
  std::vector<storage::Hash256> proof;
};

struct PackProofs {
  Checkpoint checkpoint;
  std::string public_key;  // raw 32 bytes
  BatchProof inclusion;
  std::vector<ConsistencyEvidence> consistency;
};

std::string ProofsToJson(const PackProofs& p);
// Field-named kInvalidArgument for a malformed proofs.json.
Result<PackProofs> ProofsFromJson(std::string_view text);

// "<sha256 hex>  <name>\n" for every entry, in name order (sha256sum -c
// reads it).
std::string BuildManifest(const ZipEntries& entries);
// The same for contents held elsewhere; `known` gives SHA-256 hex digests
// already computed, by file name.
std::string BuildManifest(const ZipViews& entries, const std::map<std::string, std::string>& known = {});
// The same from each file's SHA-256 hex, by name (MANIFEST.sha256 itself is
// left out).
std::string ManifestOf(const std::map<std::string, std::string>& sha256);
// name -> hex; kInvalidArgument naming the first malformed line.
Result<std::vector<std::pair<std::string, std::string>>> ParseManifest(std::string_view text);

std::string Sha256Hex(std::string_view bytes);

// Wall time per step: Mark(name) records the seconds since the last mark.
class PhaseClock {
 public:
  explicit PhaseClock(std::vector<std::pair<std::string, double>>* out) : out_(out) {}
  void Mark(std::string name) {
    const auto now = std::chrono::steady_clock::now();
    out_->emplace_back(std::move(name), std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::vector<std::pair<std::string, double>>* out_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};
Result<std::vector<storage::Hash256>> HashesFromJson(const nlohmann::json& j, const char* field);

}  // namespace assure::api
