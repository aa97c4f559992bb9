#include "api/evidence/pack_format.h"

#include "api/audit/signer.h"
#include "domain/json_text.h"
#include "storage/codec.h"

namespace assure::api {

using nlohmann::json;

std::string Sha256Hex(std::string_view bytes) { return storage::HexEncode(storage::Sha256(bytes)); }

Result<std::vector<storage::Hash256>> HashesFromJson(const json& j, const char* field) {
  if (!j.is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(field) + " must be an array", field);
  }
  std::vector<storage::Hash256> out;
  out.reserve(j.size());
  for (const auto& h : j) {
    auto d = h.is_string() ? storage::HexDecodeHash(h.get<std::string>())
                           : Result<storage::Hash256>(MakeError(ErrorCode::kInvalidArgument, ""));
    if (!d.ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(field) + " holds something that is not a 64-digit hash", field);
    }
    out.push_back(*d);
  }
  return out;
}

namespace {
Result<PackProofs> ProofsFromJsonOrThrow(std::string_view text);
}  // namespace

std::string ProofsToJson(const PackProofs& p) {
  json nodes = json::array();
  for (const auto& n : p.inclusion.nodes) {
    nodes.push_back(json::array({n.lo, n.hi, storage::HexEncode(n.hash)}));
  }
  json consistency = json::array();
  for (const auto& c : p.consistency) {
    json proof = json::array();
    for (const auto& h : c.proof) proof.push_back(storage::HexEncode(h));
    consistency.push_back({{"checkpoint", CheckpointToJson(c.earlier)}, {"proof", std::move(proof)}});
  }
  json j = {{"format", kProofsFormat},
            {"checkpoint", CheckpointToJson(p.checkpoint)},
            {"public_key", ToHex(p.public_key)},
            {"inclusion",
             {{"tree_size", p.inclusion.tree_size},
              {"positions", p.inclusion.positions},
              {"nodes", std::move(nodes)}}},
            {"consistency", std::move(consistency)}};
  return j.dump() + "\n";
}

Result<PackProofs> ProofsFromJson(std::string_view text) {
  try {
    return ProofsFromJsonOrThrow(text);
  } catch (const json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("proofs.json: ") + e.what());
  }
}

namespace {
Result<PackProofs> ProofsFromJsonOrThrow(std::string_view text) {
  auto j = domain::ParseJsonText(text);
  auto bad = [](const std::string& what, const char* field) {
    return MakeError(ErrorCode::kInvalidArgument, "proofs.json: " + what, field);
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object", "");
  if (j.value("format", "") != kProofsFormat) return bad("unknown format", "format");
  PackProofs p;
  auto c = CheckpointFromJson(j.contains("checkpoint") ? j["checkpoint"] : json());
  if (!c.ok()) return bad("checkpoint: " + c.error().message, "checkpoint");
  p.checkpoint = *c;
  auto key = FromHex(j.value("public_key", ""), "public_key");
  if (!key.ok() || key->size() != 32) return bad("public_key is not 64 hex digits", "public_key");
  p.public_key = *key;
  const json& inc = j.contains("inclusion") ? j["inclusion"] : json();
  if (!inc.is_object() || !inc.contains("tree_size") || !inc["tree_size"].is_number_unsigned() ||
      !inc.contains("positions") || !inc["positions"].is_array() || !inc.contains("nodes") ||
      !inc["nodes"].is_array()) {
    return bad("inclusion needs tree_size, positions and nodes", "inclusion");
  }
  p.inclusion.tree_size = inc["tree_size"].get<std::uint64_t>();
  p.inclusion.positions.reserve(inc["positions"].size());
  for (const auto& pos : inc["positions"]) {
    if (!pos.is_number_unsigned()) return bad("a position is not a whole number", "inclusion.positions");
    p.inclusion.positions.push_back(pos.get<std::uint64_t>());
  }
  for (const auto& n : inc["nodes"]) {
    if (!n.is_array() || n.size() != 3 || !n[0].is_number_unsigned() || !n[1].is_number_unsigned() ||
        !n[2].is_string()) {
      return bad("a node is not [lo, hi, hash]", "inclusion.nodes");
    }
    auto h = storage::HexDecodeHash(n[2].get<std::string>());
    if (!h.ok()) return bad("a node hash is not 64 hex digits", "inclusion.nodes");
    p.inclusion.nodes.push_back({n[0].get<std::uint64_t>(), n[1].get<std::uint64_t>(), *h});
  }
  if (j.contains("consistency")) {
    if (!j["consistency"].is_array()) return bad("consistency must be an array", "consistency");
    for (const auto& e : j["consistency"]) {
      if (!e.is_object() || !e.contains("checkpoint") || !e.contains("proof")) {
        return bad("a consistency entry needs checkpoint and proof", "consistency");
      }
      auto earlier = CheckpointFromJson(e["checkpoint"]);
      if (!earlier.ok()) return bad("consistency: " + earlier.error().message, "consistency");
      auto proof = HashesFromJson(e["proof"], "consistency.proof");
      if (!proof.ok()) return proof.error();
      p.consistency.push_back({*earlier, *proof});
    }
  }
  return p;
}

}  // namespace

std::string BuildManifest(const ZipEntries& entries) { return BuildManifest(ViewsOf(entries)); }

std::string BuildManifest(const ZipViews& entries, const std::map<std::string, std::string>& known) {
  std::map<std::string, std::string> sha256;
  for (const auto& [name, content] : entries) {
    auto it = known.find(name);
    sha256.emplace(name, it != known.end() ? it->second : Sha256Hex(content));
  }
  return ManifestOf(sha256);
}

std::string ManifestOf(const std::map<std::string, std::string>& sha256) {
  std::string out;
  for (const auto& [name, hex] : sha256) {
    if (name != kManifestFile) out += hex + "  " + name + "\n";
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseManifest(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty()) continue;
    if (line.size() < 67 || line.substr(64, 2) != "  " ||
        !storage::HexDecodeHash(line.substr(0, 64)).ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "MANIFEST.sha256 line " + std::to_string(line_no) + " is not '<sha256>  <file>'");
    }
    out.emplace_back(std::string(line.substr(66)), std::string(line.substr(0, 64)));
  }
  return out;
}

}  // namespace assure::api
