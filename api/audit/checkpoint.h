// Signed tree heads ("checkpoints") of the log.
//
// A checkpoint commits to the first `tree_size` events: their Merkle root
// (storage/merkle.h) signed with the server's Ed25519 key. The signed message
// is ASCII text (FORMAT.md section 5):
//
//   assure-checkpoint/v1\n
//   size <tree size, decimal>\n
//   root <Merkle root, 64 lowercase hex digits>\n
//   time <UTC microseconds since 1970, decimal>\n
//
// Published checkpoints are kept in the store's state area under
// "audit/checkpoint/<u64 big-endian tree size>", so they survive restarts and
// can be listed; a board can minute one's root hash in a meeting decision.
//
// Thread safety: CheckpointLog methods are thread-safe.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "api/audit/signer.h"
#include "storage/event_store.h"

namespace assure::api {

struct Checkpoint {
  std::uint64_t tree_size = 0;
  storage::Hash256 root{};
  std::int64_t timestamp_us = 0;
  std::string signature;   // 64 raw bytes
  std::string public_key;  // 32 raw bytes of the key that signed it
  std::string reason;      // "on demand", "meeting closed", "periodic" (not signed)
};

std::string CheckpointMessage(const Checkpoint& c);
nlohmann::json CheckpointToJson(const Checkpoint& c);
// Parses the JSON form; field-named kInvalidArgument errors.
Result<Checkpoint> CheckpointFromJson(const nlohmann::json& j);
// True when the signature verifies under `public_key` (raw 32 bytes), or
// under the checkpoint's own key when `public_key` is empty.
bool VerifyCheckpointSignature(const Checkpoint& c, std::string_view public_key = {});

// Every published checkpoint of `store`, smallest tree first.
Result<std::vector<Checkpoint>> ListCheckpoints(storage::EventStore& store);
// Keeps `c`, a checkpoint an earlier store of the same log published (an
// archive's): its signature must verify under its own key and its root be
// this store's Merkle root at its size, else kCorruption and nothing kept.
Status KeepCheckpoint(storage::EventStore& store, const Checkpoint& c);

class CheckpointLog {
 public:
  CheckpointLog(storage::EventStore& store, const Signer& signer);
  // Signs the current head. If the newest checkpoint already has this tree
  // size, returns it instead of signing again.
  Result<Checkpoint> Publish(std::int64_t now_us, std::string reason);
  Result<std::optional<Checkpoint>> Latest();
  // The checkpoint for exactly this tree size, if one was published.
  Result<std::optional<Checkpoint>> AtSize(std::uint64_t tree_size);
  Result<std::vector<Checkpoint>> List();
  // The key checkpoints are signed with; evidence packs sign their
  // statement with it too (under a message of their own, FORMAT.md 6.5).
  const Signer& signer() const { return signer_; }

 private:
  storage::EventStore& store_;
  const Signer& signer_;
  std::mutex mu_;  // one publication at a time
};

}  // namespace assure::api
