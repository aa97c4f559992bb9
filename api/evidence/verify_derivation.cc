#include "api/evidence/verify_checker.h"

#include <map>
#include <optional>
#include <set>

#include "api/audit/signer.h"
#include "api/core/history.h"
#include "api/core/json_fast_parse.h"
#include "domain/deliverable.h"
#include "domain/json_text.h"
#include "domain/person.h"
#include "storage/codec.h"
#include "storage/merkle.h"

namespace assure::api::verify_detail {

namespace {

using nlohmann::json;

// Parses pack.json but for the members named in `skip` at its top level,
// which become empty placeholders of the same JSON type (so their types can
// still be checked). The verifier reads the large members only when the
// re-derived pack.json differs from the file, to name the difference.
class HeaderSax : public nlohmann::json_sax<json> {
 public:
  HeaderSax(json& root, std::set<std::string> skip) : root_(root), skip_(std::move(skip)) {}

  bool null() override { return Value(json(nullptr)); }
  bool boolean(bool v) override { return Value(json(v)); }
  bool number_integer(number_integer_t v) override { return Value(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Value(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Value(json(v)); }
  bool string(string_t& v) override { return Value(json(std::move(v))); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return Open(json::object()); }
  bool start_array(std::size_t) override { return Open(json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    if (skipping_ > 0) return true;
    key_ = k;
    skip_next_ = stack_.size() == 1 && skip_.count(k) > 0;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  json* Place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }
  bool Value(json v) {
    if (skipping_ > 0) return true;
    skip_next_ = false;
    Place(std::move(v));
    return true;
  }
  bool Open(json empty) {
    if (skipping_ > 0) {
      ++skipping_;
      return true;
    }
    json* placed = Place(std::move(empty));
    if (skip_next_) {
      skip_next_ = false;
      skipping_ = 1;
      return true;
    }
    stack_.push_back(placed);
    return true;
  }
  bool Close() {
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    stack_.pop_back();
    return true;
  }

  json& root_;
  std::set<std::string> skip_;
  std::vector<json*> stack_;
  std::string key_;
  bool skip_next_ = false;
  int skipping_ = 0;  // depth inside a skipped member
};

}  // namespace

// Packs made before a deliverable held only its newest notes list every
// note of a deliverable's state and no progress_note_count: read them as
// the state now reads (the count, the newest kRecentProgressNotes), so
// that they verify as they did.
void Checker::ReadOlderNotes(json& full) {
  if (!full.contains("entities") || !full["entities"].is_object()) return;
  json& deliverables = full["entities"]["deliverables"];
  if (!deliverables.is_object()) return;
  for (auto& [id, entity] : deliverables.items()) {
    if (!entity.is_object() || !entity.contains("state") || !entity["state"].is_object()) continue;
    json& state = entity["state"];
    if (state.contains("progress_note_count") || !state.contains("progress_notes") ||
        !state["progress_notes"].is_array()) {
      continue;
    }
    json& notes = state["progress_notes"];
    state["progress_note_count"] = notes.size();
    if (notes.size() > domain::kRecentProgressNotes) {
      notes.erase(notes.begin(), notes.end() - static_cast<std::ptrdiff_t>(domain::kRecentProgressNotes));
    }
  }
}

namespace {

// A person who is erased, or whose name is sealed under a key this verifier
// does not hold (FORMAT.md section 7), folds to the placeholder: their name
// in the pack (a group member's name, a deliverable's owner_name) cannot be
// checked against the events, and is taken as the pack gives it (packs made
// before 2026-12 said "(erased)"). Everything else about them (ids,
// memberships, roles, which deliverables they own) is checked as before.
void AcceptUncheckableNames(NetworkModel& model, std::string_view pack_text) {
  std::set<std::string> unknown;
  model.people.ForEachRow([&](const std::string& id, const auto& row) {
    if (row.state.name == domain::kErasedPersonName) unknown.insert(id);
  });
  if (unknown.empty()) return;
  const json pack = domain::ParseJsonText(pack_text);
  if (!pack.is_object() || !pack.contains("entities") || !pack["entities"].is_object()) return;
  auto take = [&](const json& id, const json& name) {
    if (!id.is_string() || !name.is_string() || !unknown.contains(id.get<std::string>())) return;
    if (auto* row = model.people.MutableRow(id.get<std::string>())) row->state.name = name.get<std::string>();
  };
  const json& deliverables =
      pack["entities"].contains("deliverables") ? pack["entities"]["deliverables"] : json();
  if (deliverables.is_object()) {
    for (const auto& [did, d] : deliverables.items()) {
      if (!d.is_object() || !d.contains("owner_name") || !d.contains("state") || !d["state"].is_object() ||
          !d["state"].contains("owner_person_id")) {
        continue;
      }
      take(d["state"]["owner_person_id"], d["owner_name"]);
    }
  }
  const json& groups = pack["entities"].contains("groups") ? pack["entities"]["groups"] : json();
  if (!groups.is_object()) return;
  for (const auto& [gid, g] : groups.items()) {
    if (!g.is_object() || !g.contains("members_on_date") || !g["members_on_date"].is_array()) continue;
    for (const auto& m : g["members_on_date"]) {
      if (m.is_object() && m.contains("person_id") && m.contains("name")) take(m["person_id"], m["name"]);
    }
  }
}

}  // namespace

void Checker::Derivation(PhaseClock& clock) {
  const std::string_view text = files_.find(kPackFile)->second;
  report_.identity = Sha256Hex(text);
  // The header first; statements, entities and RAGB histories are re-derived
  // and compared as bytes (packs are reproducible), and read only to name a
  // difference.
  json pack;
  {
    const std::set<std::string> large = {"statements", "entities", "ragb_histories"};
    const std::optional<std::string> header = CutTopLevelMembers(text, large);
    HeaderSax sax(pack, large);
    if (!json::sax_parse(header ? std::string_view(*header) : text, &sax)) pack = json();
  }
  if (!pack.is_object() || pack.value("format", "") != kPackFormat || !pack.contains("as_of") ||
      !pack["as_of"].is_object() || !pack.contains("scope") || !pack["scope"].is_object() ||
      !pack.contains("statements") || !pack["statements"].is_array() || !pack["scope"].contains("codes") ||
      !pack["scope"]["codes"].is_array()) {
    if (pack.is_object() && pack.value("format", "") == "assure-evidence-pack/v1") {
      Fail("format", kPackFile,
           "an assure-evidence-pack/v1 pack (written before 2026-11-27); this verifier reads v3: "
           "verify it with the assure release that wrote it");
      return;
    }
    if (pack.is_object() && pack.value("format", "") == "assure-evidence-pack/v2") {
      Fail("format", kPackFile,
           "an assure-evidence-pack/v2 pack (written before 2026-12-03): it has no signed statement, so "
           "nothing proves it complete or binds its report; this verifier reads v3 (the release that wrote "
           "it checks the rest)");
      return;
    }
    Fail("format", kPackFile, std::string("not an ") + kPackFormat + " pack.json");
    return;
  }
  const Checkpoint& c = proofs_.checkpoint;
  const json& cp = pack["checkpoint"];
  if (!cp.is_object() || cp.value("tree_size", std::uint64_t{0}) != c.tree_size ||
      cp.value("root_hash", "") != storage::HexEncode(c.root)) {
    Fail("checkpoint", kPackFile, "the checkpoint named in pack.json is not the one in proofs.json");
  }
  const std::uint64_t position = pack["as_of"].value("position", std::uint64_t{0});
  const std::string date = pack["as_of"].value("date", "");
  AsOf(pack);
  NetworkModel model;
  PackFold fold;
  std::size_t before = report_.failures.size();
  std::vector<const storage::RecordedEvent*> folded;
  folded.reserve(events_.size());
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const auto& e = events_[i];
    if (e.position > position) {
      Fail("order", kEventsFile, "after the pack's as-at position " + std::to_string(position),
           lines_[i], e.position);
      continue;
    }
    folded.push_back(&e);
  }
  fold.ApplyAll(model, folded);
  AcceptUncheckableNames(model, text);
  clock.Mark("re-fold");
  // Derive everything the statements say.
  PackUses uses;
  PackEntities derived_entities;
  json gaps = json::array();
  std::vector<std::pair<std::string, json>> derived;  // code -> section, in scope order
  for (const auto& code_json : pack["scope"]["codes"]) {
    const std::string code = code_json.is_string() ? code_json.get<std::string>() : "";
    json st = DeriveStatement(model, code, date, &uses, &derived_entities);
    if (!st["has_evidence"].get<bool>()) gaps.push_back(code);
    derived.emplace_back(code, std::move(st));
  }
  report_.statements = derived.size();
  clock.Mark("derive");
  Completeness(uses, derived);

  // Fast path: the pack.json these derivations give, byte for byte.
  {
    json header = pack;
    header["gaps"] = gaps;
    json statements = json::array();
    for (const auto& [code, st] : derived) statements.push_back(st);
    if (RenderPackJson(header, statements, model, derived_entities, fold, uses.deliverables, text.size() + 1) ==
        text) {
      if (report_.failures.size() == before) {
        Pass("derivation: all " + std::to_string(report_.statements) +
             " statement sections, the entities, RAGB histories and the gap list follow from the events "
             "(re-folded to position " + std::to_string(position) + ")");
      }
      Documents(uses, pack);
      return;
    }
  }

  const json entities = EntitiesJson(model, derived_entities);
  const json histories = RagbHistories(fold, uses.deliverables);
  // Slow path: read the whole file and say what differs.
  json full = domain::ParseJsonText(text);
  if (full.is_discarded() || !full.is_object()) {
    Fail("format", kPackFile, "pack.json is not JSON");
    return;
  }
  ReadOlderNotes(full);
  std::map<std::string, const json*> claimed;
  for (const auto& st : full["statements"]) {
    if (st.is_object() && st.contains("code") && st["code"].is_string()) {
      claimed[st["code"].get<std::string>()] = &st;
    }
  }
  for (const auto& [code, st] : derived) {
    auto it = claimed.find(code);
    if (it == claimed.end()) {
      Fail("derivation", kPackFile, "statement " + code + " is in scope but has no section", 0, 0, code);
      continue;
    }
    if (*it->second != st) {
      auto diffs = DiffJson(*it->second, st);
      std::string where;
      for (std::size_t i = 0; i < diffs.size() && i < 3; ++i) {
        where += (i ? ", " : "") + diffs[i].field;
      }
      Fail("derivation", kPackFile,
           "statement " + code + " does not follow from the events in events.jsonl (differs at: " +
               where + ")",
           0, 0, code);
    }
    claimed.erase(it);
  }
  for (const auto& [code, st] : claimed) {
    Fail("derivation", kPackFile, "statement " + code + " is not in the pack's scope", 0, 0, code);
  }
  // The entities the statements show, once each: a difference is reported
  // against every statement showing that entity.
  static const json kNull;
  const json& claimed_entities = full.contains("entities") ? full["entities"] : kNull;  // never a copy
  if (claimed_entities != entities) {
    std::map<std::string, std::string> differs;  // statement -> where
    for (const char* kind : {"deliverables", "documents", "meetings", "groups"}) {
      const json& mine = entities[kind];
      const json& theirs = claimed_entities.is_object() && claimed_entities.contains(kind) ? claimed_entities[kind]
                                                                                          : json::object();
      std::set<std::string> ids;
      for (auto it = mine.begin(); it != mine.end(); ++it) ids.insert(it.key());
      if (theirs.is_object()) {
        for (auto it = theirs.begin(); it != theirs.end(); ++it) ids.insert(it.key());
      }
      for (const auto& id : ids) {
        const json a = theirs.is_object() && theirs.contains(id) ? theirs[id] : json();
        const json b = mine.contains(id) ? mine[id] : json();
        if (a == b) continue;
        auto diffs = DiffJson(a, b);
        std::string where = std::string(kind) + "." + id + (diffs.empty() ? "" : "." + diffs[0].field);
        bool named = false;
        for (const auto& st : full["statements"]) {
          if (!st.is_object() || !st.contains(kind) || !st[kind].is_array()) continue;
          for (const auto& ref : st[kind]) {
            const json ref_id = ref.is_object() ? ref.value("id", json()) : ref;
            if (ref_id == id) {
              differs[st.value("code", "")] += (differs[st.value("code", "")].empty() ? "" : ", ") + where;
              named = true;
            }
          }
        }
        if (!named) differs[""] += (differs[""].empty() ? "" : ", ") + where;
      }
    }
    for (const auto& [code, where] : differs) {
      if (code.empty()) {
        Fail("derivation", kPackFile, "entities do not follow from the events in events.jsonl (differs at: " +
                                          where + ")");
      } else {
        Fail("derivation", kPackFile,
             "statement " + code + " does not follow from the events in events.jsonl (differs at: " + where + ")",
             0, 0, code);
      }
    }
  }
  // The RAGB histories of the deliverables shown, once each.
  const json& claimed_histories = full.contains("ragb_histories") ? full["ragb_histories"] : kNull;
  if (claimed_histories != histories) {
    std::string which;
    std::size_t n = 0;
    for (auto it = histories.begin(); it != histories.end(); ++it) {
      if (!claimed_histories.is_object() || !claimed_histories.contains(it.key()) ||
          claimed_histories[it.key()] != it.value()) {
        if (n++ < 3) which += (which.empty() ? "" : ", ") + it.key();
      }
    }
    if (claimed_histories.is_object()) {
      for (auto it = claimed_histories.begin(); it != claimed_histories.end(); ++it) {
        if (!histories.contains(it.key()) && n++ < 3) which += (which.empty() ? "" : ", ") + it.key();
      }
    }
    Fail("derivation", kPackFile,
         "ragb_histories do not follow from the events in events.jsonl (deliverable(s) " + which + ")");
  }
  if (full["gaps"] != gaps) {
    Fail("derivation", kPackFile, "the gap list is not the statements without evidence: " + gaps.dump());
  }
  report_.statements = full["statements"].size();
  // The same content serialised differently (not as the builder writes it)
  // still follows from the events.
  if (report_.failures.size() == before) {
    Pass("derivation: all " + std::to_string(report_.statements) +
         " statement sections and the gap list follow from the events (re-folded to position " +
         std::to_string(position) + ")");
  }
  Documents(uses, pack);
}

void Checker::Documents(const PackUses& uses, const json& pack) {
  std::size_t before = report_.failures.size();
  std::set<std::string> listed, included;
  if (pack.contains("documents") && pack["documents"].is_array()) {
    for (const auto& d : pack["documents"]) {
      const std::string sha = d.value("sha256", "");
      listed.insert(sha);
      if (d.value("included", false)) included.insert(sha);
    }
  }
  for (const auto& sha : uses.document_sha256) {
    if (!listed.count(sha)) {
      Fail("document", kPackFile, "the events name content " + sha + " but pack.json does not list it");
    }
  }
  for (const auto& [name, content] : files_) {
    if (name.rfind(kDocumentsDir, 0) != 0) continue;
    const std::string sha = name.substr(std::string(kDocumentsDir).size());
    ++report_.documents;
    const std::string actual = Sha256Hex(content);
    if (actual != sha) {
      Fail("document", name, "content hashes to " + actual + ", not the content_sha256 " + sha +
                                 " its events record");
    } else if (!uses.document_sha256.count(sha)) {
      Fail("document", name, "no document version in the events has this content");
    }
    included.erase(sha);
  }
  for (const auto& sha : included) {
    Fail("document", std::string(kDocumentsDir) + sha, "listed as included but missing from the pack");
  }
  if (report_.failures.size() == before) {
    Pass("documents: " + std::to_string(report_.documents) +
         " document contents match the content_sha256 their events record");
  }
}

void Checker::Consistency() {
  const Checkpoint& c = proofs_.checkpoint;
  auto check = [&](const Checkpoint& earlier, const std::vector<storage::Hash256>* proof,
                   const std::string& file) {
    if (!VerifyCheckpointSignature(earlier, key_)) {
      Fail("consistency", file, "the earlier checkpoint (size " + std::to_string(earlier.tree_size) +
                                    ") is not signed by " + ToHex(key_));
      return;
    }
    if (earlier.tree_size > c.tree_size) {
      Fail("consistency", file, "the earlier checkpoint (size " + std::to_string(earlier.tree_size) +
                                    ") is larger than the pack's (" + std::to_string(c.tree_size) + ")");
      return;
    }
    const bool ok = earlier.tree_size == c.tree_size
                        ? earlier.root == c.root
                        : proof && storage::VerifyMerkleConsistency(earlier.tree_size, c.tree_size,
                                                                    earlier.root, c.root, *proof);
    if (!ok) {
      Fail("consistency", file,
           proof || earlier.tree_size == c.tree_size
               ? "the pack's checkpoint does not extend the earlier checkpoint of size " +
                     std::to_string(earlier.tree_size) + " (root " + storage::HexEncode(earlier.root) +
                     "): the log was rewritten or the proof is wrong"
               : "no consistency proof from size " + std::to_string(earlier.tree_size) +
                     " (give one with the earlier checkpoint)");
      return;
    }
    Pass("consistency: the pack's checkpoint extends the checkpoint of size " +
         std::to_string(earlier.tree_size) + " (root " + storage::HexEncode(earlier.root) + ")");
  };
  for (const auto& ce : proofs_.consistency) check(ce.earlier, &ce.proof, kProofsFile);
  if (!options_.earlier_checkpoint) return;
  const Checkpoint& earlier = *options_.earlier_checkpoint;
  const std::vector<storage::Hash256>* proof = nullptr;
  if (options_.consistency_proof) {
    proof = &*options_.consistency_proof;
  } else {
    for (const auto& ce : proofs_.consistency) {
      if (ce.earlier.tree_size == earlier.tree_size && ce.earlier.root == earlier.root) proof = &ce.proof;
    }
  }
  check(earlier, proof, "earlier checkpoint");
}

}  // namespace assure::api::verify_detail
