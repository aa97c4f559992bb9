#include "api/evidence/evidence_pack.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "api/auth/iso_time.h"
#include "api/auth/security_log.h"
#include "api/core/event_mapping.h"
#include "api/core/history.h"
#include "api/evidence/event_line.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_html.h"
#include "storage/codec.h"
#include "storage/merkle.h"

namespace assure::api {

namespace {

using nlohmann::json;

// The log up to the as-at position: the model, and every event kept (by
// position) for events.jsonl and the proof's leaf hashes.
struct AsAt {
  NetworkModel model;
  PackFold fold;  // and the deliverables' RAGB changes
  std::vector<storage::RecordedEvent> events;  // events[i] is position i + 1
};

// Reads pages of the log on a second thread while this one folds them.
Result<AsAt> ReadUpTo(storage::EventStore& store, std::uint64_t position) {
  AsAt out;
  out.events.reserve(position);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<storage::RecordedEvent>> pages;  // at most kAhead waiting
  constexpr std::size_t kAhead = 4;
  bool done = false, stop = false;
  std::optional<Error> failure;
  std::thread reader([&] {
    for (std::uint64_t from = 1; from <= position;) {
      auto page = store.ReadAll(from, 10000);
      std::unique_lock l(mu);
      if (!page.ok()) {
        failure = page.error();
        break;
      }
      const bool last = page->end_of_log || page->events.empty() ||
                        page->events.back().position >= position;
      from = page->next_position;
      cv.wait(l, [&] { return stop || pages.size() < kAhead; });
      if (stop) break;
      pages.push_back(std::move(page->events));
      cv.notify_all();
      if (last) break;
    }
    std::lock_guard l(mu);
    done = true;
    cv.notify_all();
  });
  auto finish = [&] {
    {
      std::lock_guard l(mu);
      stop = true;
    }
    cv.notify_all();
    reader.join();
  };
  for (;;) {
    std::vector<storage::RecordedEvent> page;
    {
      std::unique_lock l(mu);
      cv.wait(l, [&] { return done || !pages.empty(); });
      if (pages.empty()) break;
      page = std::move(pages.front());
      pages.pop_front();
      cv.notify_all();
    }
    for (auto& e : page) {
      if (e.position > position) break;
      if (e.position != out.events.size() + 1) {
        finish();
        return MakeError(ErrorCode::kCorruption, "the log has a gap at position " +
                                                     std::to_string(out.events.size() + 1));
      }
      out.fold.Apply(out.model, e);
      out.events.push_back(std::move(e));
    }
  }
  finish();
  if (failure) return *failure;
  return out;
}

std::string ScopeName(PackScope s) {
  switch (s) {
    case PackScope::kCodes: return "codes";
    case PackScope::kSection: return "section";
    case PackScope::kAll: return "all";
  }
  return "codes";
}

Result<Checkpoint> CheckpointCovering(CheckpointLog& log, std::uint64_t position,
                                      std::int64_t now_us) {
  auto latest = log.Latest();
  if (!latest.ok()) return latest.error();
  if (latest->has_value() && (*latest)->tree_size >= position) return **latest;
  return log.Publish(now_us, "evidence pack");
}

}  // namespace

Result<std::int64_t> ParseAsOf(std::string_view text) {
  auto t = auth::ParseIsoInstant(text);
  if (!t.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "as-of must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", "as_of");
  }
  // A bare date means the end of that UTC day, as everywhere in the API: the
  // state "as at 1 March" includes what was recorded on 1 March.
  if (text.size() == 10) return t->micros + 86'400'000'000LL - 1;
  return t->micros;
}

Result<Pack> BuildEvidencePack(storage::EventStore& store, CheckpointLog& checkpoints,
                               const PackRequest& request, auth::SecurityLog* security_log) {
  if (request.as_of_us.has_value() == request.as_of_position.has_value()) {
    return MakeError(ErrorCode::kInvalidArgument, "give exactly one of as_of and position", "as_of");
  }
  if (request.scope == PackScope::kCodes && request.codes.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "name at least one statement", "statements");
  }
  if (request.scope == PackScope::kSection &&
      (request.section.empty() || request.section.size() > 2 ||
       !std::all_of(request.section.begin(), request.section.end(), ::isdigit))) {
    return MakeError(ErrorCode::kInvalidArgument, "a section is a number, e.g. 6", "section");
  }
  Pack pack;
  PhaseClock clock(&pack.phase_seconds);
  // 1. The as-at position and the checkpoint that covers it.
  std::uint64_t position = 0;
  if (request.as_of_us) {
    auto p = store.PositionAt(*request.as_of_us);
    if (!p.ok()) return p.error();
    position = *p;
  } else {
    position = std::min(*request.as_of_position, store.Head().position);
  }
  auto checkpoint = CheckpointCovering(checkpoints, position, request.now_us);
  if (!checkpoint.ok()) return checkpoint.error();

  // 2. The network as at the position.
  auto asat = ReadUpTo(store, position);
  if (!asat.ok()) return asat.error();
  clock.Mark("read and fold the log");
  const std::int64_t as_of_us =
      request.as_of_us ? *request.as_of_us
                       : (position ? asat->events[position - 1].recorded_at_us : 0);
  const std::string timestamp = FormatTimestamp(as_of_us);
  const std::string date = timestamp.substr(0, 10);

  // 3. The statements, and what they rely on.
  std::vector<std::string> codes;
  if (request.scope == PackScope::kCodes) {
    std::set<std::string> unique(request.codes.begin(), request.codes.end());
    codes.assign(unique.begin(), unique.end());
  } else {
    codes = CodesInScope(asat->model, request.scope == PackScope::kSection ? request.section : "");
  }
  PackUses uses;
  json statements = json::array();
  json gaps = json::array();
  PackEntities entities;
  for (const auto& code : codes) {
    json st = DeriveStatement(asat->model, code, date, &uses, &entities);
    if (!st["has_evidence"].get<bool>()) {
      gaps.push_back(code);
      pack.gaps.push_back(code);
    }
    statements.push_back(std::move(st));
  }
  clock.Mark("derive statements");

  // 4. events.jsonl: every event of every stream relied on, by position.
  std::vector<std::uint64_t> positions;
  {
    const std::unordered_set<std::string> streams(uses.streams.begin(), uses.streams.end());
    for (const auto& e : asat->events) {
      if (streams.count(e.stream_id)) positions.push_back(e.position);
    }
  }
  // Leaf hashes of every event up to the last one relied on (the batch proof
  // needs the leaves between them too), on two threads.
  const std::uint64_t last = positions.empty() ? 0 : positions.back();
  std::vector<storage::Hash256> leaves(last);
  {
    const auto& events = asat->events;
    auto hash_range = [&](std::uint64_t lo, std::uint64_t hi) {
      for (std::uint64_t i = lo; i < hi; ++i) leaves[i] = storage::MerkleLeafHash(storage::CanonicalBytes(events[i]));
    };
    std::thread second(hash_range, last / 2, last);
    hash_range(0, last / 2);
    second.join();
  }
  clock.Mark("leaf hashes");
  // Rendered in two halves on two threads, then joined (the first half's
  // buffer has room for both).
  std::string events_jsonl, second_half;
  {
    auto room = [&](std::size_t lo, std::size_t hi) {
      std::size_t bytes = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const auto& e = asat->events[positions[i] - 1];
        bytes += e.data.size() + e.stream_id.size() + e.type.size() + e.metadata.reason.size() +
                 e.metadata.actor.size() + e.metadata.correlation_id.size() +
                 e.metadata.causation_id.size() + e.metadata.source.size() + 400;
      }
      return bytes;
    };
    auto render = [&](std::size_t lo, std::size_t hi, std::string& out) {
      for (std::size_t i = lo; i < hi; ++i) {
        const std::uint64_t p = positions[i];
        AppendEventLine(out, asat->events[p - 1], leaves[p - 1]);
        out.push_back('\n');
      }
    };
    const std::size_t mid = positions.size() / 2;
    std::thread second([&] {
      second_half.reserve(room(mid, positions.size()));
      render(mid, positions.size(), second_half);
    });
    events_jsonl.reserve(room(0, positions.size()));
    render(0, mid, events_jsonl);
    second.join();
    events_jsonl += second_half;
    second_half = std::string();
  }
  pack.events_jsonl = std::move(events_jsonl);
  // Its SHA-256 for the manifest, on a second thread while the rest is built.
  std::string events_sha256;
  std::thread events_hasher([&] { events_sha256 = Sha256Hex(pack.events_jsonl); });
  struct JoinHasher {
    std::thread& t;
    ~JoinHasher() {
      if (t.joinable()) t.join();
    }
  } join_hasher{events_hasher};
  clock.Mark("render events.jsonl");

  // 5. The proofs against the one checkpoint.
  PackProofs proofs;
  proofs.checkpoint = *checkpoint;
  proofs.public_key = checkpoint->public_key;
  std::vector<storage::Hash256> right_path;
  if (!positions.empty()) {
    auto path = store.InclusionProof(positions.back(), checkpoint->tree_size);
    if (!path.ok()) return path.error();
    right_path = std::move(*path);
  }
  auto leaf = [&leaves](std::uint64_t index) { return leaves[index]; };
  auto inclusion = BuildBatchProof(checkpoint->tree_size, positions, leaf, right_path,
                                   checkpoint->root);
  if (!inclusion.ok()) return inclusion.error();
  proofs.inclusion = std::move(*inclusion);
  auto all = checkpoints.List();
  if (!all.ok()) return all.error();
  for (const auto& earlier : *all) {
    if (earlier.tree_size == 0 || earlier.tree_size >= checkpoint->tree_size) continue;
    auto proof = store.ConsistencyProof(earlier.tree_size, checkpoint->tree_size);
    if (!proof.ok()) return proof.error();
    proofs.consistency.push_back({earlier, std::move(*proof)});
  }
  clock.Mark("proofs");

  // 6. Document contents.
  ZipEntries owned;  // what the zip holds besides pack.json and events.jsonl
  json documents = json::array();
  for (const auto& sha : uses.document_sha256) {
    auto h = storage::HexDecodeHash(sha);
    std::optional<std::string> blob;
    if (h.ok()) {
      auto got = store.GetBlob(*h);
      if (!got.ok()) return got.error();
      blob = std::move(*got);
    }
    documents.push_back({{"sha256", sha}, {"included", blob.has_value()}});
    if (blob) owned[kDocumentsDir + sha] = std::move(*blob);
  }

  // 7. pack.json, the report, the manifest, the zip.
  const json header = {
      {"format", kPackFormat},
      {"scope", {{"kind", ScopeName(request.scope)}, {"section", request.section}, {"codes", codes}}},
      {"as_of",
       {{"position", position}, {"timestamp_us", as_of_us}, {"timestamp", timestamp}, {"date", date}}},
      {"checkpoint",
       {{"tree_size", checkpoint->tree_size},
        {"root_hash", storage::HexEncode(checkpoint->root)},
        {"timestamp", FormatTimestamp(checkpoint->timestamp_us)},
        {"public_key", ToHex(checkpoint->public_key)}}},
      {"gaps", std::move(gaps)},
      {"documents", std::move(documents)},
      {"event_count", positions.size()}};
  pack.pack_json =
      RenderPackJson(header, statements, asat->model, entities, asat->fold, uses.deliverables);
  pack.identity = Sha256Hex(pack.pack_json);
  clock.Mark("documents, pack.json");
  owned[kIndexFile] = RenderPackHtml(ReportModel(header, statements, asat->model, entities, asat->fold,
                                                 uses.deliverables, kHtmlMeetings, kHtmlRagbRows),
                                     pack.identity);
  clock.Mark("index.html");
  owned[kProofsFile] = ProofsToJson(proofs);
  ZipViews files = ViewsOf(owned);
  files[kPackFile] = pack.pack_json;
  files[kEventsFile] = pack.events_jsonl;
  events_hasher.join();
  const std::string manifest = BuildManifest(files, {{kEventsFile, events_sha256}});
  files[kManifestFile] = manifest;
  clock.Mark("manifest");
  auto zip = WriteZip(files);
  if (!zip.ok()) return zip.error();
  clock.Mark("zip");

  pack.zip = std::move(*zip);
  pack.position = position;
  pack.as_of_date = date;
  pack.checkpoint = *checkpoint;
  pack.codes = codes;
  pack.event_count = positions.size();
  pack.document_count = uses.document_sha256.size();
  // The working state is large (every event up to the position, the
  // model): freeing it is timed too.
  { AsAt drop = std::move(*asat); }
  statements = json();
  clock.Mark("free the folded log");

  if (security_log) {
    auth::SecurityEvent ev;
    ev.kind = auth::security_kind::kEvidencePackDownload;
    ev.token_id = request.actor;
    ev.role = request.role;
    ev.client_ip = request.client_ip;
    ev.method = request.transport;
    ev.path = "evidence-pack";
    ev.status = 200;
    std::string list;
    for (const auto& c : codes) list += (list.empty() ? "" : ",") + c;
    ev.detail = "generated evidence pack " + pack.identity + " scope=" + ScopeName(request.scope) +
                " statements=" + list + " as_of=" + timestamp + " position=" +
                std::to_string(position) + " checkpoint=" + std::to_string(checkpoint->tree_size);
    ev.correlation_id = request.correlation_id;
    ASSURE_TRY(security_log->Record(std::move(ev)));
  }
  return pack;
}

}  // namespace assure::api
