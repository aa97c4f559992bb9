#include "api/evidence/verify_pack.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "api/audit/signer.h"
#include "api/core/event_mapping.h"
#include "api/core/history.h"
#include "api/core/json_fast_parse.h"
#include "api/core/parallel.h"
#include "api/evidence/event_line.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "domain/deliverable.h"
#include "domain/json_text.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "domain/calendar.h"

namespace assure::api {

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

class Checker {
 public:
  Checker(std::string_view zip, const VerifyPackOptions& options) : zip_(zip), options_(options) {}

  VerifyPackReport Run() {
    // The pack is untrusted: a JSON value of an unexpected type makes
    // nlohmann::json throw; report it instead of failing the process.
    try {
      return RunChecks();
    } catch (const std::exception& e) {
      Fail("format", "", std::string("malformed pack: ") + e.what());
      return Finish();
    }
  }

 private:
  // Runs `check` beside this thread on the one pool (api/core/parallel.h),
  // its findings kept apart until Merge() puts them where the check would
  // have put them running alone.
  class Beside {
   public:
    Beside(Checker& c, void (Checker::*check)())
        : c_(c), failures_at_(c.report_.failures.size()), passed_at_(c.report_.passed.size()) {
      part_ = RunBeside([this, check] {
        // The pool may run it on the waiting thread: keep that one's list.
        VerifyPackReport* const outer = tl_out_;
        tl_out_ = &out_;
        try {
          (c_.*check)();
        } catch (const std::exception& e) {
          c_.Fail("format", "", std::string("malformed pack: ") + e.what());
        }
        tl_out_ = outer;
      });
    }
    ~Beside() { Merge(); }
    void Merge() {
      if (!part_.valid()) return;
      part_.get();
      auto& r = c_.report_;
      r.failures.insert(r.failures.begin() + static_cast<std::ptrdiff_t>(failures_at_),
                        std::make_move_iterator(out_.failures.begin()), std::make_move_iterator(out_.failures.end()));
      r.passed.insert(r.passed.begin() + static_cast<std::ptrdiff_t>(passed_at_),
                      std::make_move_iterator(out_.passed.begin()), std::make_move_iterator(out_.passed.end()));
    }

   private:
    Checker& c_;
    VerifyPackReport out_;
    const std::size_t failures_at_, passed_at_;
    api::Beside<void> part_;
  };

  // Packs made before a deliverable held only its newest notes list every
  // note of a deliverable's state and no progress_note_count: read them as
  // the state now reads (the count, the newest kRecentProgressNotes), so
  // that they verify as they did.
  static void ReadOlderNotes(json& full) {
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

  VerifyPackReport RunChecks() {
    PhaseClock clock(&report_.phase_seconds);
    ZipReadLimits read;
    read.skip_stored_crc = true;  // every file's SHA-256 is checked against MANIFEST.sha256
    auto files = ReadZipViews(zip_, inflated_, read);
    if (!files.ok()) {
      Fail("format", "", files.error().message);
      return Finish();
    }
    files_ = std::move(*files);
    clock.Mark("unzip");
    // The manifest is checked beside everything up to the derivation (the
    // files are only read from here on).
    Beside manifest(*this, &Checker::Manifest);
    auto finish = [&] {
      manifest.Merge();
      return Finish();
    };
    if (!Require(kPackFile) || !Require(kEventsFile) || !Require(kProofsFile)) return finish();
    auto proofs = ProofsFromJson(files_.find(kProofsFile)->second);
    if (!proofs.ok()) {
      Fail("format", kProofsFile, proofs.error().message);
      return finish();
    }
    proofs_ = std::move(*proofs);
    report_.checkpoint = proofs_.checkpoint;
    clock.Mark("proofs.json");
    Signature();
    Events();
    clock.Mark("events.jsonl lines");
    Coverage();
    clock.Mark("coverage");
    {
      // The batch proof is checked beside the re-fold.
      Beside inclusion(*this, &Checker::Inclusion);
      Derivation(clock);
      clock.Mark("compare");
      inclusion.Merge();
    }
    clock.Mark("inclusion (beside the re-fold), manifest (beside the rest)");
    manifest.Merge();
    Consistency();
    return Finish();
  }

  // Where findings go: a check running Beside has its own list.
  static thread_local VerifyPackReport* tl_out_;
  VerifyPackReport& Out() { return tl_out_ ? *tl_out_ : report_; }

  void Fail(std::string check, std::string file, std::string message, std::uint64_t line = 0,
            std::uint64_t position = 0, std::string statement = {}) {
    Out().failures.push_back({std::move(check), std::move(file), line, position,
                              std::move(statement), std::move(message)});
  }
  void Pass(std::string what) { Out().passed.push_back(std::move(what)); }

  bool Require(const char* name) {
    if (files_.count(name)) return true;
    Fail("format", name, "the pack has no " + std::string(name));
    return false;
  }

  VerifyPackReport Finish() {
    report_.valid = report_.failures.empty();
    return std::move(report_);
  }

  void Manifest() {
    auto it = files_.find(kManifestFile);
    if (it == files_.end()) {
      Fail("manifest", kManifestFile, "the pack has no MANIFEST.sha256");
      return;
    }
    auto entries = ParseManifest(it->second);
    if (!entries.ok()) {
      Fail("manifest", kManifestFile, entries.error().message);
      return;
    }
    std::set<std::string> listed;
    std::size_t before = Out().failures.size();
    for (const auto& [name, hex] : *entries) {
      listed.insert(name);
      auto f = files_.find(name);
      if (f == files_.end()) {
        Fail("manifest", name, "listed in MANIFEST.sha256 but not in the pack");
      } else if (Sha256Hex(f->second) != hex) {
        Fail("manifest", name, "content does not match its SHA-256 in MANIFEST.sha256");
      }
    }
    for (const auto& [name, content] : files_) {
      if (name != kManifestFile && !listed.count(name)) {
        Fail("manifest", name, "in the pack but not listed in MANIFEST.sha256");
      }
    }
    if (Out().failures.size() == before) {
      Pass("manifest: " + std::to_string(listed.size()) + " files match MANIFEST.sha256");
    }
  }

  void Signature() {
    const Checkpoint& c = proofs_.checkpoint;
    const bool given = options_.public_key_raw.has_value();
    key_ = given ? *options_.public_key_raw : c.public_key;
    report_.key_source = given ? "given" : "embedded";
    if (proofs_.public_key != c.public_key) {
      Fail("signature", kProofsFile, "public_key differs from the checkpoint's public_key");
    }
    if (!VerifyCheckpointSignature(c, key_)) {
      std::string msg = given ? "the checkpoint's signature does not verify under the given public key " +
                                    ToHex(key_)
                              : "the checkpoint's signature does not verify under the key the pack embeds";
      if (given && c.public_key != key_) {
        msg += " (the pack says it was signed by " + ToHex(c.public_key) + ", another key)";
      }
      Fail("signature", kProofsFile, msg + "; checkpoint size " + std::to_string(c.tree_size) +
                                         ", root " + storage::HexEncode(c.root));
      return;
    }
    Pass("signature: checkpoint (size " + std::to_string(c.tree_size) + ", root " +
         storage::HexEncode(c.root) + ") signed by " + ToHex(key_) +
         (given ? " (the public key given)"
                : " (the key embedded in the pack: give --public-key to check it is the network's)"));
  }

  void Events() {
    // Split into lines, then read them on two threads (each line stands alone).
    std::string_view text = files_.find(kEventsFile)->second;
    std::vector<std::string_view> lines;
    while (!text.empty()) {
      auto nl = text.find('\n');
      lines.push_back(text.substr(0, nl));
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    }
    // Read straight into events_ and leaves_ (a line that is empty or not
    // read leaves a gap, closed below): no second copy of 500,000 events.
    events_.resize(lines.size());
    leaves_.resize(lines.size());
    std::vector<Status> status(lines.size());
    auto read_range = [&](std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) {
        if (lines[i].empty()) continue;
        status[i] = ReadEventLine(lines[i], events_[i], leaves_[i]);
      }
    };
    auto second = RunBeside([&] { read_range(lines.size() / 2, lines.size()); });
    read_range(0, lines.size() / 2);
    second.get();

    std::size_t before = report_.failures.size();
    lines_.reserve(lines.size());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty()) continue;
      const std::uint64_t line_no = i + 1;
      if (!status[i].ok()) {
        // kCorruption: the fields were read but do not hash to the line's
        // leaf_hash; the claimed leaf goes to the proof, so the failure
        // stays pinned to this line.
        const bool decoded = status[i].error().code == ErrorCode::kCorruption;
        Fail("event", kEventsFile, status[i].error().message, line_no, decoded ? events_[i].position : 0);
        if (!decoded) continue;
      }
      lines_.push_back(line_no);
      if (kept != i) {
        events_[kept] = std::move(events_[i]);
        leaves_[kept] = leaves_[i];
      }
      ++kept;
    }
    events_.resize(kept);
    leaves_.resize(kept);
    // Order, uniqueness, time.
    for (std::size_t i = 1; i < events_.size(); ++i) {
      const auto& a = events_[i - 1];
      const auto& b = events_[i];
      if (b.position == a.position) {
        Fail("order", kEventsFile, "position " + std::to_string(b.position) + " appears twice (lines " +
                                       std::to_string(lines_[i - 1]) + " and " +
                                       std::to_string(lines_[i]) + ")",
             lines_[i], b.position);
      } else if (b.position < a.position) {
        Fail("order", kEventsFile, "positions are not ascending", lines_[i], b.position);
      } else if (b.recorded_at_us < a.recorded_at_us) {
        Fail("order", kEventsFile,
             "recorded " + domain::FormatTimestampUs(b.recorded_at_us) + ", before position " +
                 std::to_string(a.position) + " (" + domain::FormatTimestampUs(a.recorded_at_us) +
                 "): the log's time never goes back (back-dated?)",
             lines_[i], b.position);
      }
    }
    for (std::size_t i = 1; i < events_.size(); ++i) {
      order_ok_ = order_ok_ && events_[i].position > events_[i - 1].position;
    }
    report_.events = events_.size();
    if (report_.failures.size() == before) {
      Pass("events: " + std::to_string(events_.size()) +
           " lines hash to their leaf hashes, in position order");
    }
  }

  void Coverage() {
    // Sorted copies, searched: a pack proves hundreds of thousands of events.
    std::vector<std::uint64_t> proven(proofs_.inclusion.positions.begin(), proofs_.inclusion.positions.end());
    std::sort(proven.begin(), proven.end());
    std::vector<std::uint64_t> present;
    present.reserve(events_.size());
    for (const auto& e : events_) present.push_back(e.position);
    std::sort(present.begin(), present.end());
    auto has = [](const std::vector<std::uint64_t>& v, std::uint64_t p) {
      return std::binary_search(v.begin(), v.end(), p);
    };
    std::size_t before = report_.failures.size();
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (!has(proven, events_[i].position)) {
        Fail("coverage", kEventsFile,
             "position " + std::to_string(events_[i].position) + " (" + events_[i].stream_id + " v" +
                 std::to_string(events_[i].stream_version) + ", " + events_[i].type +
                 ") has no inclusion proof in proofs.json (inserted?)",
             lines_[i], events_[i].position);
      }
    }
    for (auto p : proofs_.inclusion.positions) {
      if (!has(present, p)) {
        Fail("coverage", kEventsFile,
             "position " + std::to_string(p) +
                 " is proven in proofs.json but missing from events.jsonl (removed?)",
             0, p);
      }
    }
    coverage_ok_ = report_.failures.size() == before;
  }

  void Inclusion() {
    const Checkpoint& c = proofs_.checkpoint;
    if (proofs_.inclusion.tree_size != c.tree_size) {
      Fail("inclusion", kProofsFile, "the inclusion proof is for tree size " +
                                         std::to_string(proofs_.inclusion.tree_size) +
                                         ", the checkpoint's is " + std::to_string(c.tree_size));
      return;
    }
    if (!coverage_ok_ || !order_ok_) {
      Fail("inclusion", kProofsFile,
           "not checked: events.jsonl and proofs.json name different positions, or events.jsonl repeats or reorders them");
      return;
    }
    // Coverage held, so events_ (ascending, unique) are the proven positions.
    const std::vector<storage::Hash256>& leaves = leaves_;
    auto ok = VerifyBatchProof(proofs_.inclusion, leaves, c.root);
    if (!ok.ok()) {
      Fail("inclusion", kProofsFile, "the events are not proven in the signed log: " + ok.error().message);
      return;
    }
    Pass("inclusion: all " + std::to_string(leaves.size()) +
         " events are in the log of the checkpoint (tree size " + std::to_string(c.tree_size) + ")");
  }

  void Derivation(PhaseClock& clock);
  void Documents(const PackUses& uses, const json& pack);
  void Consistency();

  std::string_view zip_;
  const VerifyPackOptions& options_;
  VerifyPackReport report_;
  ZipEntries inflated_;  // the deflated entries; the stored ones are viewed in zip_
  ZipViews files_;
  PackProofs proofs_;
  std::string key_;
  std::vector<storage::RecordedEvent> events_;
  std::vector<std::uint64_t> lines_;
  std::vector<storage::Hash256> leaves_;  // leaf hash of events_[i]'s canonical bytes
  bool coverage_ok_ = false;
  bool order_ok_ = true;
};

// A person who is erased, or whose name is sealed under a key this verifier
// does not hold (FORMAT.md section 7), folds to the placeholder: their name
// in the pack cannot be checked against the events, and is taken as the
// pack gives it (packs made before 2026-12 said "(erased)"). Everything else
// about them (ids, memberships, roles) is checked as before.
void AcceptUncheckableNames(NetworkModel& model, std::string_view pack_text) {
  std::set<std::string> unknown;
  model.people.ForEachRow([&](const std::string& id, const auto& row) {
    if (row.state.name == domain::kErasedPersonName) unknown.insert(id);
  });
  if (unknown.empty()) return;
  const json pack = domain::ParseJsonText(pack_text);
  if (!pack.is_object() || !pack.contains("entities") || !pack["entities"].is_object()) return;
  const json& groups = pack["entities"].contains("groups") ? pack["entities"]["groups"] : json();
  if (!groups.is_object()) return;
  for (const auto& [gid, g] : groups.items()) {
    if (!g.is_object() || !g.contains("members_on_date") || !g["members_on_date"].is_array()) continue;
    for (const auto& m : g["members_on_date"]) {
      if (!m.is_object() || !m.contains("person_id") || !m["person_id"].is_string() || !m.contains("name") ||
          !m["name"].is_string() || !unknown.contains(m["person_id"].get<std::string>())) {
        continue;
      }
      if (auto* row = model.people.MutableRow(m["person_id"].get<std::string>())) {
        row->state.name = m["name"].get<std::string>();
      }
    }
  }
}

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
           "an assure-evidence-pack/v1 pack (written before 2026-11-27); this verifier reads v2: "
           "verify it with the assure release that wrote it");
      return;
    }
    Fail("format", kPackFile, std::string("not an ") + kPackFormat + " pack.json");
    return;
  }
  const Checkpoint& c = proofs_.checkpoint;
  const json& cp = pack["checkpoint"];
  if (!cp.is_object() || cp.value("tree_size", std::uint64_t{0}) != c.tree_size ||
      cp.value("root_hash", "") != storage::HexEncode(c.root)) {
    Fail("derivation", kPackFile, "the checkpoint named in pack.json is not the one in proofs.json");
  }
  const std::uint64_t position = pack["as_of"].value("position", std::uint64_t{0});
  const std::string date = pack["as_of"].value("date", "");
  if (position > c.tree_size) {
    Fail("derivation", kPackFile, "the as-at position " + std::to_string(position) +
                                      " is past the checkpoint's tree size");
  }
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

thread_local VerifyPackReport* Checker::tl_out_ = nullptr;

}  // namespace

VerifyPackReport VerifyEvidencePack(std::string_view zip_bytes, const VerifyPackOptions& options) {
  return Checker(zip_bytes, options).Run();
}

std::string FormatVerifyReport(const VerifyPackReport& r) {
  std::string out = r.valid ? "VALID" : "INVALID";
  out += ": evidence pack " + (r.identity.empty() ? std::string("?") : r.identity) + ", " +
         std::to_string(r.statements) + " statement(s), " + std::to_string(r.events) + " event(s), " +
         std::to_string(r.documents) + " document(s); checkpoint size " +
         std::to_string(r.checkpoint.tree_size) + ", key " +
         (r.key_source.empty() ? std::string("?") : r.key_source) + "\n";
  for (const auto& p : r.passed) out += "  ok    " + p + "\n";
  for (const auto& f : r.failures) {
    out += "  FAIL  [" + f.check + "]";
    if (!f.file.empty()) out += " " + f.file;
    if (f.line) out += " line " + std::to_string(f.line);
    if (f.position) out += " position " + std::to_string(f.position);
    if (!f.statement.empty()) out += " statement " + f.statement;
    out += ": " + f.message + "\n";
  }
  return out;
}

}  // namespace assure::api
