#include "api/evidence/evidence_pack.h"

#include <algorithm>
#include <functional>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "api/auth/security_log.h"
#include "api/core/event_mapping.h"
#include "api/core/history.h"
#include "api/core/parallel.h"
#include "api/evidence/event_line.h"
#include "api/evidence/log_as_at.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_html.h"
#include "api/evidence/pack_statement.h"
#include "api/evidence/pack_zip.h"
#include "api/evidence/spill_file.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "domain/calendar.h"
#include "domain/mm_qsin_reference.h"

namespace assure::api {

namespace {

using nlohmann::json;

std::string ScopeName(PackScope s) {
  switch (s) {
    case PackScope::kCodes: return "codes";
    case PackScope::kSection: return "section";
    case PackScope::kAll: return "all";
  }
  return "codes";
}

Result<Checkpoint> CheckpointCovering(CheckpointLog& log, std::uint64_t position,
                                      const PackRequest& request) {
  if (request.checkpoint_size) {
    auto chosen = log.AtSize(*request.checkpoint_size);
    if (!chosen.ok()) return chosen.error();
    if (!chosen->has_value()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "no checkpoint of size " + std::to_string(*request.checkpoint_size) +
                           " was published (GET /api/v1/audit/checkpoints lists them)",
                       "checkpoint");
    }
    if ((*chosen)->tree_size < position) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the checkpoint of size " + std::to_string((*chosen)->tree_size) +
                           " does not cover the as-at position " + std::to_string(position),
                       "checkpoint");
    }
    return **chosen;
  }
  const std::int64_t now_us = request.now_us;
  auto latest = log.Latest();
  if (!latest.ok()) return latest.error();
  if (latest->has_value() && (*latest)->tree_size >= position) return **latest;
  return log.Publish(now_us, "evidence pack");
}

}  // namespace

Result<Pack> BuildEvidencePack(storage::EventStore& store, CheckpointLog& checkpoints,
                               const PackRequest& request, auth::SecurityLog* security_log,
                               const PackOutput& out) {
  if (request.as_of_us.has_value() == request.as_of_position.has_value()) {
    return MakeError(ErrorCode::kInvalidArgument, "give exactly one of as_of and position", "as_of");
  }
  if (request.scope == PackScope::kCodes && request.codes.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "name at least one statement", "statements");
  }
  // A QSIN code is "IN-" and three digits ("hello" is a mistake, not a gap);
  // a well-formed one no statement or evidence has as at the date is a gap.
  for (const auto& code : request.codes) {
    if (!domain::IsQsinCode(code)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown statement '" + code + "': a QSIN statement code is IN- and three digits, e.g. IN-601",
                       "statements");
    }
  }
  if (request.scope == PackScope::kSection &&
      (request.section.empty() || request.section.size() > 2 ||
       !std::all_of(request.section.begin(), request.section.end(), ::isdigit))) {
    return MakeError(ErrorCode::kInvalidArgument, "a section is a number, e.g. 6", "section");
  }
  Pack pack;
  PhaseClock clock(&pack.phase_seconds);
  // The as-at date (YYYY-MM-DD): of as_of when given, else of the last event
  // folded.
  auto date_of = [&](const LogAsAt& a) {
    return domain::FormatIsoDate(
        domain::UtcDateOf(request.as_of_us ? *request.as_of_us : a.last_recorded_at_us));
  };
  // 1. The as-at position and the checkpoint that covers it.
  std::uint64_t position = 0;
  if (request.as_of_us) {
    if (*request.as_of_us > request.now_us) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "as_of " + domain::FormatTimestampUs(*request.as_of_us) + " is in the future (now " +
                           domain::FormatTimestampUs(request.now_us) + ")",
                       "as_of");
    }
    auto p = store.PositionAt(*request.as_of_us);
    if (!p.ok()) return p.error();
    position = *p;
  } else {
    const std::uint64_t head = store.Head().position;
    if (*request.as_of_position < 1 || *request.as_of_position > head) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "at_position " + std::to_string(*request.as_of_position) + " is not a position of the log (1.." +
                           std::to_string(head) + ")",
                       "at_position");
    }
    position = *request.as_of_position;
  }
  auto checkpoint = CheckpointCovering(checkpoints, position, request);
  if (!checkpoint.ok()) return checkpoint.error();
  if (checkpoint->public_key != checkpoints.signer().public_key_raw()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the checkpoint was signed by " + ToHex(checkpoint->public_key) +
                         ", not by this store's signing key: the pack's statement could not be checked against it",
                     "checkpoint");
  }

  // 2. The network as at the position, and 3. the statements and what they
  // rely on, derived from it while the last of the log's lines are rendered.
  std::vector<std::string> codes;
  PackUses uses;
  json statements = json::array();
  json gaps = json::array();
  PackEntities entities;
  auto derive = [&](const LogAsAt& folded) {
    clock.Mark("read and fold the log");
    if (request.scope == PackScope::kCodes) {
      std::set<std::string> unique(request.codes.begin(), request.codes.end());
      codes.assign(unique.begin(), unique.end());
    } else {
      codes = CodesInScope(folded.model, request.scope == PackScope::kSection ? request.section : "");
    }
    for (const auto& code : codes) {
      json st = DeriveStatement(folded.model, code, date_of(folded), &uses, &entities);
      if (!st["has_evidence"].get<bool>()) {
        gaps.push_back(code);
        pack.gaps.push_back(code);
      }
      statements.push_back(std::move(st));
    }
    clock.Mark("derive statements (beside the rendering)");
  };
  // The lines go to a temporary file beside the pack's (or in the system's
  // temporary directory when the pack is built in memory).
  const std::string spill_dir =
      out.path.empty() ? std::filesystem::temp_directory_path().string()
                       : std::filesystem::absolute(std::filesystem::path(out.path)).parent_path().string();
  auto asat = ReadLogUpTo(store, position, spill_dir, derive);
  if (!asat.ok()) return asat.error();
  // The read pages are freed before the buffers of the zip are made.
  asat->pages.clear();
  clock.Mark("render the log's lines (the rest)");
  const std::int64_t as_of_us = request.as_of_us ? *request.as_of_us : asat->last_recorded_at_us;
  const std::string timestamp = domain::FormatTimestampUs(as_of_us);
  const std::string date = date_of(*asat);

  // 4. events.jsonl: every event of every stream relied on, by position (the
  // lines were rendered while the log was folded).
  std::vector<std::uint64_t> positions;
  json stream_heads = json::object();  // stream -> its head version at the position
  {
    std::vector<bool> used(asat->streams.size());
    std::vector<std::uint64_t> count(asat->streams.size());
    for (std::size_t i = 0; i < used.size(); ++i) used[i] = uses.streams.count(asat->streams[i]) > 0;
    for (std::uint64_t p = 1; p <= position; ++p) {
      const std::uint32_t s = asat->stream_of[p - 1];
      if (used[s]) {
        positions.push_back(p);
        ++count[s];
      }
    }
    // Versions run from 0 without gaps (the store assigns them so).
    for (std::size_t i = 0; i < used.size(); ++i) {
      if (count[i] > 0) stream_heads[asat->streams[i]] = count[i] - 1;
    }
  }
  const std::uint64_t last = positions.empty() ? 0 : positions.back();
  std::vector<storage::Hash256>& leaves = asat->leaves;  // the batch proof needs every leaf up to `last`
  leaves.resize(last);
  // The relied-on lines: a run of consecutive positions is one range of the
  // spill file (one range in all when every event up to `last` is relied
  // on, as in a whole-network pack).
  ZipRanged ranged;
  {
    std::vector<ByteRange>& ranges = ranged[kEventsFile].ranges;
    ranged[kEventsFile].file = &*asat->lines;
    for (std::size_t i = 0; i < positions.size();) {
      std::size_t j = i;
      while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1) ++j;
      const std::uint64_t begin = positions[i] == 1 ? 0 : asat->line_end[positions[i] - 2];
      ranges.push_back({begin, asat->line_end[positions[j] - 1]});
      i = j + 1;
    }
  }
  // Its SHA-256 for the manifest, on a second thread while the rest is built.
  auto events_sha256 = RunBeside([&] { return Sha256HexOf(*asat->lines, ranged[kEventsFile].ranges); });
  clock.Mark("events.jsonl of the streams relied on");

  // 5. The proofs against the one checkpoint: proofs.json, built on a
  // second thread while the documents, pack.json and the report are.
  auto prover = RunBeside([&]() -> Result<std::string> {
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
    auto inclusion = BuildBatchProof(checkpoint->tree_size, positions, leaf, right_path, checkpoint->root);
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
    return ProofsToJson(proofs);
  });

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
        {"timestamp", domain::FormatTimestampUs(checkpoint->timestamp_us)},
        {"public_key", ToHex(checkpoint->public_key)}}},
      {"gaps", std::move(gaps)},
      {"documents", std::move(documents)},
      {"event_count", positions.size()}};
  // index.html is rendered beside pack.json, its identity (pack.json's
  // SHA-256) filled in afterwards.
  auto reporter = RunBeside([&] {
    return RenderPackHtml(ReportModel(header, statements, asat->model, entities, asat->fold,
                                      uses.deliverables, kHtmlMeetings, kHtmlRagbRows),
                          kPendingIdentity);
  });
  pack.pack_json =
      RenderPackJson(header, statements, asat->model, entities, asat->fold, uses.deliverables,
                     // A generous guess: a whole-network pack's is about 110 bytes
                     // per event relied on.
                     std::size_t{160} * positions.size() + (1 << 20));
  pack.identity = Sha256Hex(pack.pack_json);
  clock.Mark("documents, pack.json");
  std::string html = reporter.get();
  if (!FillPackHtmlIdentity(html, pack.identity)) {
    return MakeError(ErrorCode::kInternal, "index.html has no place for the pack's identity");
  }
  owned[kIndexFile] = std::move(html);
  clock.Mark("index.html (beside pack.json)");
  Result<std::string> proofs_json = prover.get();
  if (!proofs_json.ok()) return proofs_json.error();
  owned[kProofsFile] = std::move(*proofs_json);
  clock.Mark("proofs (beside the above)");
  ZipViews files = ViewsOf(owned);
  files[kPackFile] = pack.pack_json;
  // 8. The signed statement: what the pack holds, bound to every file.
  Result<std::string> events_hash = events_sha256.get();
  if (!events_hash.ok()) return events_hash.error();
  std::map<std::string, std::string> sha256 = {{kEventsFile, *events_hash}, {kPackFile, pack.identity}};
  for (const auto& [name, content] : files) {
    if (!sha256.count(name)) sha256.emplace(name, Sha256Hex(content));
  }
  json file_hashes = json::object();
  for (const auto& [name, hex] : sha256) file_hashes[name] = hex;
  SignedPackStatement signed_statement;
  signed_statement.statement = {{"format", kStatementFormat},
                                {"identity", pack.identity},
                                {"scope", header["scope"]},
                                {"as_of", header["as_of"]},
                                {"checkpoint",
                                 {{"tree_size", checkpoint->tree_size},
                                  {"root_hash", storage::HexEncode(checkpoint->root)}}},
                                {"statements", StatementIndex(statements)},
                                {"streams", std::move(stream_heads)},
                                {"files", std::move(file_hashes)}};
  signed_statement.public_key = checkpoints.signer().public_key_raw();
  signed_statement.signature = checkpoints.signer().Sign(PackStatementMessage(signed_statement.statement));
  const std::string signature_json = SignatureJson(signed_statement);
  files[kSignatureFile] = signature_json;
  sha256[kSignatureFile] = Sha256Hex(signature_json);
  clock.Mark("signed statement");
  const std::string manifest = ManifestOf(sha256);
  files[kManifestFile] = manifest;
  clock.Mark("manifest");
  pack.position = position;
  pack.as_of_date = date;
  pack.checkpoint = *checkpoint;
  pack.codes = codes;
  pack.event_count = positions.size();
  pack.document_count = uses.document_sha256.size();
  statements = json();

  // The working state (the model, every event's leaf) is no longer needed:
  // freed before the zip is written (the lines' file is kept until then).
  SpillFile lines = std::move(*asat->lines);
  ranged[kEventsFile].file = &lines;
  { LogAsAt gone = std::move(*asat); }
  std::optional<PendingZipFile> pending;  // out.path's, put in place last
  if (out.fd >= 0) {
    auto written = WriteZipTo(files, out.fd, ranged);
    if (!written.ok()) return written.error();
    pack.zip_bytes = *written;
  } else if (!out.path.empty()) {
    auto written = WriteZipBeside(files, out.path, ranged, out.mode);
    if (!written.ok()) return written.error();
    pack.zip_bytes = written->size();
    pending.emplace(std::move(*written));
  } else {
    auto zip = WriteZip(files, ranged);
    if (!zip.ok()) return zip.error();
    pack.zip = std::move(*zip);
    pack.zip_bytes = pack.zip.size();
  }
  clock.Mark("zip");

  // Recorded once the zip is written and before it is put in place: a
  // failure to write it records nothing, a failure to record leaves
  // nothing at out.path.
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
  if (pending) ASSURE_TRY(pending->Commit());
  return pack;
}

}  // namespace assure::api
