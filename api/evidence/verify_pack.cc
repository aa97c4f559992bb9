#include "api/evidence/verify_checker.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "api/audit/signer.h"
#include "api/evidence/event_line.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "domain/calendar.h"

namespace assure::api {

namespace verify_detail {

using nlohmann::json;

thread_local VerifyPackReport* Checker::tl_out_ = nullptr;

VerifyPackReport Checker::Run() {
  // The pack is untrusted: a JSON value of an unexpected type makes
  // nlohmann::json throw; report it instead of failing the process.
  try {
    return RunChecks();
  } catch (const std::exception& e) {
    Fail("format", "", std::string("malformed pack: ") + e.what());
    return Finish();
  }
}

VerifyPackReport Checker::RunChecks() {
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
  Statement();
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
  StatementFiles();
  Consistency();
  return Finish();
}

bool Checker::Require(const char* name) {
  if (files_.count(name)) return true;
  Fail("format", name, "the pack has no " + std::string(name));
  return false;
}

VerifyPackReport Checker::Finish() {
  report_.valid = report_.failures.empty();
  return std::move(report_);
}

void Checker::Manifest() {
  // Every file's SHA-256, once: the statement's file bindings use them too.
  for (const auto& [name, content] : files_) file_sha256_[name] = Sha256Hex(content);
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
    } else if (file_sha256_.at(name) != hex) {
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

void Checker::Signature() {
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

void Checker::Events() {
  // Split into lines, then read them on two threads (each line stands alone).
  std::string_view text = files_.find(kEventsFile)->second;
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  // Read straight into events_ and leaves_ (a line that is empty or not
  // read leaves a gap, closed below): no second copy of 500,000 events. The
  // first half of the pages on this thread, the second beside it; each
  // thread notes the lines it could not read, in line order.
  events_.Reset(lines.size());
  leaves_.resize(lines.size());
  struct Unread {
    std::size_t index;
    Error error;
  };
  auto read_pages = [&](std::size_t first, std::size_t end, std::vector<Unread>& unread) {
    for (std::size_t p = first; p < end; ++p) {
      events_.MakePage(p);
      const std::size_t last = std::min(lines.size(), (p + 1) * EventPages::kPage);
      for (std::size_t i = p * EventPages::kPage; i < last; ++i) {
        if (lines[i].empty()) continue;
        if (auto s = ReadEventLine(lines[i], events_[i], leaves_[i]); !s.ok()) unread.push_back({i, s.error()});
      }
    }
  };
  std::vector<Unread> unread, unread_beside;
  const std::size_t half = events_.pages() / 2;
  auto second = RunBeside([&] { read_pages(half, events_.pages(), unread_beside); });
  read_pages(0, half, unread);
  second.get();
  unread.insert(unread.end(), std::make_move_iterator(unread_beside.begin()),
                std::make_move_iterator(unread_beside.end()));

  std::size_t before = report_.failures.size();
  lines_.reserve(lines.size());
  std::size_t kept = 0;
  auto next_unread = unread.begin();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::uint64_t line_no = i + 1;
    if (next_unread != unread.end() && next_unread->index == i) {
      // kCorruption: the fields were read but do not hash to the line's
      // leaf_hash; the claimed leaf goes to the proof, so the failure
      // stays pinned to this line.
      const Error& error = (next_unread++)->error;
      const bool decoded = error.code == ErrorCode::kCorruption;
      Fail("event", kEventsFile, error.message, line_no, decoded ? events_[i].position : 0);
      if (!decoded) continue;
    }
    lines_.push_back(line_no);
    if (kept != i) {
      events_[kept] = std::move(events_[i]);
      leaves_[kept] = leaves_[i];
    }
    ++kept;
  }
  events_.Truncate(kept);
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

void Checker::Coverage() {
  // Sorted copies, searched: a pack proves hundreds of thousands of events.
  std::vector<std::uint64_t> proven(proofs_.inclusion.positions.begin(), proofs_.inclusion.positions.end());
  std::sort(proven.begin(), proven.end());
  std::vector<std::uint64_t> present;
  present.reserve(events_.size());
  for (std::size_t i = 0; i < events_.size(); ++i) present.push_back(events_[i].position);
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

void Checker::Inclusion() {
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

}  // namespace verify_detail

VerifyPackReport VerifyEvidencePack(std::string_view zip_bytes, const VerifyPackOptions& options) {
  return verify_detail::Checker(zip_bytes, options).Run();
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
