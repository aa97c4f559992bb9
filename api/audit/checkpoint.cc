#include "api/audit/checkpoint.h"

#include "api/core/history.h"
#include "domain/json_text.h"
#include "storage/codec.h"
#include "domain/calendar.h"

namespace assure::api {

namespace {
constexpr const char* kPrefix = "audit/checkpoint/";
std::string Key(std::uint64_t size) { return kPrefix + storage::U64Key(size); }

Result<Checkpoint> Decode(const std::string& text) {
  auto j = domain::ParseJsonText(text);
  if (j.is_discarded()) return MakeError(ErrorCode::kCorruption, "stored checkpoint is not JSON");
  return CheckpointFromJson(j);
}
}  // namespace

std::string CheckpointMessage(const Checkpoint& c) {
  return "assure-checkpoint/v1\nsize " + std::to_string(c.tree_size) + "\nroot " +
         storage::HexEncode(c.root) + "\ntime " + std::to_string(c.timestamp_us) + "\n";
}

nlohmann::json CheckpointToJson(const Checkpoint& c) {
  return {{"tree_size", c.tree_size},
          {"root_hash", storage::HexEncode(c.root)},
          {"timestamp_us", c.timestamp_us},
          {"timestamp", domain::FormatTimestampUs(c.timestamp_us)},
          {"signature", ToHex(c.signature)},
          {"public_key", ToHex(c.public_key)},
          {"algorithm", "Ed25519"},
          {"reason", c.reason},
          {"signed_message", CheckpointMessage(c)}};
}

Result<Checkpoint> CheckpointFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return MakeError(ErrorCode::kInvalidArgument, "a checkpoint is a JSON object");
  Checkpoint c;
  auto size = j.find("tree_size");
  if (size == j.end() || !size->is_number_unsigned()) {
    return MakeError(ErrorCode::kInvalidArgument, "tree_size must be a whole number", "tree_size");
  }
  c.tree_size = size->get<std::uint64_t>();
  auto ts = j.find("timestamp_us");
  if (ts == j.end() || !ts->is_number_integer()) {
    return MakeError(ErrorCode::kInvalidArgument, "timestamp_us must be a whole number",
                     "timestamp_us");
  }
  c.timestamp_us = ts->get<std::int64_t>();
  auto text = [&](const char* field) -> Result<std::string> {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(field) + " must be a string", field);
    }
    return it->get<std::string>();
  };
  auto root = text("root_hash");
  if (!root.ok()) return root.error();
  auto h = storage::HexDecodeHash(*root);
  if (!h.ok()) return MakeError(ErrorCode::kInvalidArgument, h.error().message, "root_hash");
  c.root = *h;
  for (auto [field, out, size_wanted] :
       {std::tuple{"signature", &c.signature, 64u}, std::tuple{"public_key", &c.public_key, 32u}}) {
    auto t = text(field);
    if (!t.ok()) return t.error();
    auto raw = FromHex(*t, field);
    if (!raw.ok()) return raw.error();
    if (raw->size() != size_wanted) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(field) + " has the wrong length",
                       field);
    }
    *out = *raw;
  }
  if (auto r = j.find("reason"); r != j.end() && r->is_string()) c.reason = r->get<std::string>();
  return c;
}

bool VerifyCheckpointSignature(const Checkpoint& c, std::string_view public_key) {
  return VerifyEd25519(public_key.empty() ? std::string_view(c.public_key) : public_key,
                       CheckpointMessage(c), c.signature);
}

CheckpointLog::CheckpointLog(storage::EventStore& store, const Signer& signer)
    : store_(store), signer_(signer) {}

Result<Checkpoint> CheckpointLog::Publish(std::int64_t now_us, std::string reason) {
  std::lock_guard l(mu_);
  const std::uint64_t size = store_.Head().position;
  auto existing = AtSize(size);
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) return **existing;
  auto root = store_.MerkleRoot(size);
  if (!root.ok()) return root.error();
  Checkpoint c;
  c.tree_size = size;
  c.root = *root;
  c.timestamp_us = now_us;
  c.public_key = signer_.public_key_raw();
  c.reason = std::move(reason);
  c.signature = signer_.Sign(CheckpointMessage(c));
  ASSURE_TRY(store_.PutState({{Key(size), CheckpointToJson(c).dump()}}));
  return c;
}

Result<std::optional<Checkpoint>> CheckpointLog::AtSize(std::uint64_t tree_size) {
  auto v = store_.GetState(Key(tree_size));
  if (!v.ok()) return v.error();
  if (!v->has_value()) return std::optional<Checkpoint>{};
  auto c = Decode(**v);
  if (!c.ok()) return c.error();
  return std::optional<Checkpoint>{*c};
}

Result<std::vector<Checkpoint>> CheckpointLog::List() { return ListCheckpoints(store_); }

Status KeepCheckpoint(storage::EventStore& store, const Checkpoint& c) {
  const std::string at = "the checkpoint of tree size " + std::to_string(c.tree_size);
  if (!VerifyCheckpointSignature(c)) return MakeError(ErrorCode::kCorruption, at + " is not signed by its key");
  if (c.tree_size == 0 || c.tree_size > store.Head().position) {
    return MakeError(ErrorCode::kCorruption, at + " is beyond the log");
  }
  auto root = store.MerkleRoot(c.tree_size);
  if (!root.ok()) return root.error();
  if (*root != c.root) return MakeError(ErrorCode::kCorruption, at + " signs another root than this log's");
  return store.PutState({{Key(c.tree_size), CheckpointToJson(c).dump()}});
}

Result<std::vector<Checkpoint>> ListCheckpoints(storage::EventStore& store) {
  auto all = store.ScanState(kPrefix);
  if (!all.ok()) return all.error();
  std::vector<Checkpoint> out;
  for (const auto& kv : *all) {
    auto c = Decode(kv.value);
    if (!c.ok()) return c.error();
    out.push_back(*c);
  }
  return out;
}

Result<std::optional<Checkpoint>> CheckpointLog::Latest() {
  // Keys sort by tree size (U64Key), so the last is the newest: one read,
  // whatever the number of checkpoints.
  auto last = store_.LastState(kPrefix);
  if (!last.ok()) return last.error();
  if (!last->has_value()) return std::optional<Checkpoint>{};
  auto c = Decode((*last)->value);
  if (!c.ok()) return c.error();
  return std::optional<Checkpoint>{*c};
}

}  // namespace assure::api
