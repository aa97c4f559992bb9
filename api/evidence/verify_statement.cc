// The verifier's checks of what the server signed (FORMAT.md 6.5): the
// signed statement and the files it binds, the as-at instant, and that no
// event of a stream the pack draws on and no entity mapped to a statement
// is missing.
#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/audit/signer.h"
#include "api/evidence/verify_checker.h"
#include "domain/calendar.h"
#include "domain/json_read.h"
#include "storage/codec.h"

namespace assure::api::verify_detail {

namespace {

using nlohmann::json;

std::string Plural(std::uint64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

void Checker::Statement() {
  auto it = files_.find(kSignatureFile);
  if (it == files_.end()) {
    Fail("statement", kSignatureFile,
         "the pack has no signature.json: nothing signed binds its files, its as-at and what it must hold");
    return;
  }
  auto s = SignatureFromJson(it->second);
  if (!s.ok()) {
    Fail("statement", kSignatureFile, s.error().message);
    return;
  }
  const std::size_t before = report_.failures.size();
  if (s->public_key != proofs_.checkpoint.public_key) {
    Fail("statement", kSignatureFile, "signed by " + ToHex(s->public_key) + ", not by the checkpoint's key " +
                                          ToHex(proofs_.checkpoint.public_key));
  }
  if (!VerifyEd25519(key_, PackStatementMessage(s->statement), s->signature)) {
    Fail("statement", kSignatureFile,
         "the pack's statement is not signed by " + ToHex(key_) +
             (options_.public_key_raw ? " (the public key given)" : " (the checkpoint's key)") +
             ": its as-at, checkpoint, streams, entities or file hashes were changed, or another key signed it");
    return;
  }
  signed_ = std::move(*s);
  const json& statement = signed_->statement;
  // The checkpoint it was signed for.
  const json& cp = domain::GetMember(statement, "checkpoint");
  const Checkpoint& c = proofs_.checkpoint;
  if (!cp.is_object() || domain::GetMember(cp, "tree_size") != json(c.tree_size) ||
      domain::GetStr(cp, "root_hash") != storage::HexEncode(c.root)) {
    Fail("checkpoint", kProofsFile,
         "the pack is proved against the checkpoint of size " + std::to_string(c.tree_size) + " (root " +
             storage::HexEncode(c.root) + "), but the server signed it for the checkpoint " + cp.dump());
  }
  if (report_.failures.size() == before) {
    Pass("statement: signed by " + ToHex(key_) + " for the checkpoint of size " + std::to_string(c.tree_size));
  }
}

void Checker::StatementFiles() {
  if (!signed_) return;
  const std::size_t before = report_.failures.size();
  // The files it binds: every file but itself and the manifest.
  const json& hashes = domain::GetMember(signed_->statement, "files");
  std::set<std::string> bound;
  if (hashes.is_object()) {
    for (auto h = hashes.begin(); h != hashes.end(); ++h) {
      bound.insert(h.key());
      auto f = file_sha256_.find(h.key());
      const std::string check = h.key() == kIndexFile ? "report" : "statement";
      if (f == file_sha256_.end()) {
        Fail(check, h.key(), "signed in signature.json but not in the pack (removed?)");
      } else if (!h.value().is_string() || f->second != h.value().get<std::string>()) {
        Fail(check, h.key(),
             std::string(h.key() == kIndexFile ? "the report is not the one the server signed"
                                               : "not the file the server signed") +
                 ": its SHA-256 is " + f->second + ", signature.json says " +
                 (h.value().is_string() ? h.value().get<std::string>() : std::string("?")) + " (edited?)");
      }
    }
  }
  for (const auto& [name, content] : files_) {
    if (name != kSignatureFile && name != kManifestFile && !bound.count(name)) {
      Fail("statement", name, "in the pack but not in the statement the server signed (added?)");
    }
  }
  if (report_.failures.size() == before) {
    Pass("files: " + Plural(bound.size(), "file") + " (index.html among them) are the ones the server signed");
  }
}

void Checker::AsOf(const json& pack) {
  const std::size_t before = report_.failures.size();
  const json& as_of = pack["as_of"];
  const json& ts = domain::GetMember(as_of, "timestamp_us");
  const std::uint64_t position = as_of.value("position", std::uint64_t{0});
  if (signed_) {
    const json& st = signed_->statement;
    if (domain::GetMember(st, "as_of") != as_of) {
      Fail("as-of", kPackFile, "as_of " + as_of.dump() + " is not the as-at the server signed: " +
                                   domain::GetMember(st, "as_of").dump());
    }
    if (domain::GetMember(st, "scope") != pack["scope"]) {
      Fail("as-of", kPackFile, "scope " + pack["scope"].dump() + " is not the scope the server signed: " +
                                   domain::GetMember(st, "scope").dump());
    }
  }
  if (!ts.is_number_integer()) {
    Fail("as-of", kPackFile, "as_of.timestamp_us is not an integer");
    return;
  }
  const std::int64_t t = ts.get<std::int64_t>();
  const std::string date = as_of.value("date", "");
  const std::string timestamp = as_of.value("timestamp", "");
  if (date != domain::FormatIsoDate(domain::UtcDateOf(t))) {
    Fail("as-of", kPackFile, "as_of.date " + date + " is not the UTC date of as_of.timestamp_us (" +
                                 domain::FormatTimestampUs(t) + ")");
  }
  if (timestamp != domain::FormatTimestampUs(t)) {
    Fail("as-of", kPackFile, "as_of.timestamp " + timestamp + " does not say as_of.timestamp_us (" +
                                 domain::FormatTimestampUs(t) + ")");
  }
  if (position > proofs_.checkpoint.tree_size) {
    Fail("as-of", kPackFile, "the as-at position " + std::to_string(position) + " is past the checkpoint's tree size " +
                                 std::to_string(proofs_.checkpoint.tree_size));
  }
  // Every event was recorded at or before the as-at instant.
  std::size_t later = 0;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].recorded_at_us <= t) continue;
    if (++later <= 3) {
      Fail("as-of", kEventsFile,
           "recorded " + domain::FormatTimestampUs(events_[i].recorded_at_us) + ", after the pack's as-at instant " +
               domain::FormatTimestampUs(t) + " (back-dated pack?)",
           lines_[i], events_[i].position);
    }
  }
  if (later > 3) {
    Fail("as-of", kEventsFile, Plural(later - 3, "more event") + " recorded after the as-at instant");
  }
  if (report_.failures.size() == before) {
    Pass("as-of: " + domain::FormatTimestampUs(t) + " (" + date + "), position " + std::to_string(position) +
         ", within the checkpoint; every event recorded at or before it");
  }
}

void Checker::Completeness(const PackUses& uses, const std::vector<std::pair<std::string, json>>& derived) {
  if (!signed_) {
    Fail("completeness", kSignatureFile, "not checked: no signed statement says what the pack must hold");
    return;
  }
  const std::size_t before = report_.failures.size();
  const json& st = signed_->statement;
  // 1. Every stream drawn on runs from version 0 to its signed head.
  // stream -> (next version, index of its last event); the ids are events_'s.
  std::unordered_map<std::string_view, std::pair<std::uint64_t, std::size_t>> seen;
  seen.reserve(1024);
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const auto& e = events_[i];
    auto [it, fresh] = seen.try_emplace(e.stream_id, 0, i);
    if (e.stream_version != it->second.first) {
      Fail("completeness", kEventsFile,
           "stream " + e.stream_id + ": version " + std::to_string(e.stream_version) + " follows version " +
               (fresh ? std::string("(none)") : std::to_string(it->second.first - 1)) + ": " +
               (e.stream_version > it->second.first
                    ? Plural(e.stream_version - it->second.first, "event") + " missing (omitted?)"
                    : "versions repeat or go back"),
           lines_[i], e.position);
    }
    it->second = {e.stream_version + 1, i};
  }
  const json& heads = domain::GetMember(st, "streams");
  if (!heads.is_object()) {
    Fail("completeness", kSignatureFile, "the signed statement lists no streams");
    return;
  }
  for (auto h = heads.begin(); h != heads.end(); ++h) {
    const std::uint64_t head = h.value().is_number_unsigned() ? h.value().get<std::uint64_t>() : 0;
    auto it = seen.find(std::string_view(h.key()));
    if (it == seen.end()) {
      Fail("completeness", kEventsFile,
           "stream " + h.key() + " (head version " + std::to_string(head) +
               " at the as-at position, signed) has no events in events.jsonl (omitted?)");
    } else if (it->second.first != head + 1) {
      const std::uint64_t last = it->second.first - 1;
      Fail("completeness", kEventsFile,
           "stream " + h.key() + ": the events run to version " + std::to_string(last) +
               ", the signed head at the as-at position is version " + std::to_string(head) +
               (head > last ? ": the last " + Plural(head - last, "event") + " missing (omitted?)" : " (added?)"),
           lines_[it->second.second], events_[it->second.second].position);
    }
  }
  std::vector<std::string> unsigned_streams;
  for (const auto& [stream, next] : seen) {
    if (!heads.contains(stream)) unsigned_streams.emplace_back(stream);
  }
  std::sort(unsigned_streams.begin(), unsigned_streams.end());
  for (const auto& stream : unsigned_streams) {
    Fail("completeness", kEventsFile, "stream " + stream + " is not one the server signed (added?)");
  }
  for (const auto& stream : uses.streams) {
    if (!heads.contains(stream)) {
      Fail("completeness", kPackFile, "the statements draw on stream " + stream + ", which the server did not sign");
    }
  }
  // 2. Every entity mapped to each statement.
  const json& index = domain::GetMember(st, "statements");
  std::set<std::string> codes;
  for (const auto& [code, section] : derived) {
    codes.insert(code);
    const json& mapped = domain::GetMember(index, code);
    if (!mapped.is_object()) {
      Fail("completeness", kPackFile, "statement " + code + " is not one the server signed", 0, 0, code);
      continue;
    }
    for (const char* kind : {"deliverables", "documents", "groups", "meetings", "risks"}) {
      std::set<std::string> have;
      for (const auto& ref : section[kind]) {
        const json& id = ref.is_object() ? ref["id"] : ref;
        if (id.is_string()) have.insert(id.get<std::string>());
      }
      std::string singular(kind);
      singular.pop_back();
      const json& signed_ids = domain::GetMember(mapped, kind);
      std::set<std::string> want;
      if (signed_ids.is_array()) {
        for (const auto& id : signed_ids) {
          if (id.is_string()) want.insert(id.get<std::string>());
        }
      }
      for (const auto& id : want) {
        if (!have.count(id)) {
          Fail("completeness", kPackFile,
               "statement " + code + ": the server signed " + singular + " " + id +
                   " as mapped to it, and the events in events.jsonl do not show it (omitted?)",
               0, 0, code);
        }
      }
      for (const auto& id : have) {
        if (!want.count(id)) {
          Fail("completeness", kPackFile,
               "statement " + code + ": shows " + singular + " " + id + ", which the server did not sign as mapped to it",
               0, 0, code);
        }
      }
    }
  }
  if (index.is_object()) {
    for (auto it = index.begin(); it != index.end(); ++it) {
      if (!codes.count(it.key())) {
        Fail("completeness", kPackFile, "statement " + it.key() + " is signed but not in the pack's scope", 0, 0,
             it.key());
      }
    }
  }
  if (report_.failures.size() == before) {
    Pass("completeness: " + Plural(heads.size(), "stream") +
         " run from version 0 to the head signed for the as-at position, and every entity signed as mapped to the " +
         Plural(derived.size(), "statement") + " is shown");
  }
}

}  // namespace assure::api::verify_detail
