#include "api/evidence/evidence_pack.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <memory>
#include <optional>
#include <future>
#include <unordered_map>

#include "api/auth/security_log.h"
#include "api/core/event_mapping.h"
#include "api/core/history.h"
#include "api/core/parallel.h"
#include "api/evidence/event_line.h"
#include "api/evidence/pack_content.h"
#include "api/evidence/pack_format.h"
#include "api/evidence/pack_html.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "domain/calendar.h"

namespace assure::api {

namespace {

using nlohmann::json;

// A bounded queue between two threads; Close() ends it for the reader once
// drained, Cancel() for both sides at once.
template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t capacity) : capacity_(capacity) {}
  bool Push(T v) {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return cancelled_ || items_.size() < capacity_; });
    if (cancelled_) return false;
    items_.push_back(std::move(v));
    cv_.notify_all();
    return true;
  }
  std::optional<T> Pop() {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return cancelled_ || closed_ || !items_.empty(); });
    if (cancelled_ || items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    cv_.notify_all();
    return v;
  }
  std::optional<T> TryPop() {
    std::lock_guard l(mu_);
    if (cancelled_ || items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    cv_.notify_all();
    return v;
  }
  void Close() {
    std::lock_guard l(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  void Cancel() {
    std::lock_guard l(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false, cancelled_ = false;
};

// A page of the log, read once and used by two threads (the folding and the
// rendering one); the second to finish hands it back to the reader, which
// reads the next page into it (its events' strings keep their capacity, so
// that once a few pages are warm reading allocates and frees nothing).
struct Page {
  storage::ReadAllPage read;
  std::atomic<int> users{0};
};

// The log up to the as-at position: the model, and what events.jsonl and the
// batch proof need of every event (its stream, leaf hash and rendered line;
// the events themselves are not kept).
struct AsAt {
  NetworkModel model;
  PackFold fold;  // and the deliverables' RAGB changes
  std::int64_t last_recorded_at_us = 0;
  std::vector<std::string> streams;          // interned stream ids
  std::vector<std::uint32_t> stream_of;      // stream_of[i]: position i + 1's, into streams
  std::vector<storage::Hash256> leaves;      // leaves[i]: position i + 1's Merkle leaf hash
  std::string lines;                         // every event's events.jsonl line, by position
  std::vector<std::uint64_t> line_end;       // line_end[i]: end of position i + 1's line (after '\n')
  std::vector<std::unique_ptr<Page>> pages;  // the pages read into (about 100,000 events)
};

// What is done to each page of the log: read it, fold it into the model,
// render its events' lines (with their leaf hashes). The same steps serve
// the three-thread pipeline and the one-thread run below.
class PageSteps {
 public:
  PageSteps(storage::EventStore& store, std::uint64_t position, AsAt& out)
      : store_(store), position_(position), out_(out) {}

  // Whether a page remains to be read.
  bool more() const { return !last_ && from_ <= position_; }
  // Reads the next page into `page`; false on a failure (kept).
  bool Read(Page& page) {
    if (auto s = store_.ReadAllInto(from_, 10000, page.read); !s.ok()) {
      read_failure_ = s.error();
      return false;
    }
    const auto& events = page.read.events;
    last_ = page.read.end_of_log || events.empty() || events.back().position >= position_;
    from_ = page.read.next_position;
    return true;
  }

  // Folds the page's events; false at a gap in the positions (kept).
  bool Fold(const Page& page) {
    for (const auto& e : page.read.events) {
      if (e.position > position_) break;
      if (e.position != out_.stream_of.size() + 1) {
        gap_ = MakeError(ErrorCode::kCorruption,
                         "the log has a gap at position " + std::to_string(out_.stream_of.size() + 1));
        return false;
      }
      out_.fold.Apply(out_.model, e);
      auto [it, added] = interned_.try_emplace(e.stream_id, static_cast<std::uint32_t>(out_.streams.size()));
      if (added) out_.streams.push_back(e.stream_id);
      out_.stream_of.push_back(it->second);
      out_.last_recorded_at_us = e.recorded_at_us;
    }
    return true;
  }
  bool folded_all() const { return !gap_ && out_.stream_of.size() == position_; }

  // Before the first page is rendered (`first`, or null when there is
  // none): reserves the lines and reads the leaf hashes; false on a failure
  // (kept).
  bool StartRendering(const Page* first) {
    // Straight into one buffer, reserved from the first page's sizes: an
    // upper bound per event times the events to come (the lines used to be
    // rendered in chunks and copied together: 300 MB more to touch).
    if (first != nullptr && !first->read.events.empty()) {
      const auto& events = first->read.events;
      std::size_t room = 0;
      for (const auto& e : events) room += e.data.size() + e.stream_id.size() + e.metadata.reason.size() + 420;
      out_.lines.reserve(room / events.size() * position_ + room);
    }
    // The leaf hashes as the store committed them with the events (its
    // Merkle tree's level 0, which the checkpoint's root covers): one scan,
    // instead of re-encoding and hashing every event. An event altered in
    // the store after it was committed then fails to match its leaf_hash
    // in events.jsonl, as it should.
    auto stored = store_.MerkleLeaves(position_);
    if (!stored.ok()) {
      leaves_failure_ = stored.error();
      return false;
    }
    out_.leaves = std::move(*stored);
    return true;
  }
  void Render(const Page& page) {
    for (const auto& e : page.read.events) {
      if (e.position > position_ || e.position == 0) break;
      // Position order is checked by the fold; a gap stops it.
      AppendEventLine(out_.lines, e, out_.leaves[e.position - 1]);
      out_.lines.push_back('\n');
      out_.line_end[e.position - 1] = out_.lines.size();
    }
  }

  // The first failure, in the order the steps meet them.
  std::optional<Error> failure() const {
    if (read_failure_) return read_failure_;
    if (leaves_failure_) return leaves_failure_;
    if (gap_) return gap_;
    if (out_.stream_of.size() != position_) {
      return MakeError(ErrorCode::kCorruption, "the log ends at position " + std::to_string(out_.stream_of.size()) +
                                                   ", before " + std::to_string(position_));
    }
    return std::nullopt;
  }

 private:
  storage::EventStore& store_;
  const std::uint64_t position_;
  AsAt& out_;
  std::uint64_t from_ = 1;
  bool last_ = false;
  std::unordered_map<std::string, std::uint32_t> interned_;
  std::optional<Error> read_failure_;    // the reader's
  std::optional<Error> leaves_failure_;  // the renderer's
  std::optional<Error> gap_;             // the fold's
};

// Three threads when the pool has two idle workers: one reads pages of the
// log, this one folds them, a third computes each event's leaf hash and
// renders its line (for a whole-network pack nearly every event is relied
// on; the rest are dropped afterwards). Otherwise this thread does each
// page's three steps in turn. `folded` runs on this thread once the model
// is complete (while the last lines may still be rendered); it may read
// `model`, `fold` and `last_recorded_at_us` only.
Result<AsAt> ReadUpTo(storage::EventStore& store, std::uint64_t position,
                      const std::function<void(const AsAt&)>& folded) {
  AsAt out;
  out.stream_of.reserve(position);
  out.line_end.resize(position);
  PageSteps steps(store, position, out);
  constexpr std::size_t kAhead = 4;
  Channel<Page*> to_fold(kAhead), to_render(kAhead);
  // Pages both threads are done with; never more than the pages made (at
  // most 2 x kAhead + 3 are in flight), so a push never waits.
  Channel<Page*> returned(1 << 20);
  auto done_with = [&](Page* page) {
    if (page->users.fetch_sub(1, std::memory_order_acq_rel) == 1) returned.Push(page);
  };
  std::vector<std::function<void()>> stages;
  stages.emplace_back([&] {  // the reader
    while (steps.more()) {
      Page* page = nullptr;
      if (auto back = returned.TryPop()) {
        page = *back;
      } else {
        out.pages.push_back(std::make_unique<Page>());  // only this thread touches `pages` until joined
        page = out.pages.back().get();
      }
      if (!steps.Read(*page)) break;
      page->users.store(2, std::memory_order_relaxed);
      if (!to_fold.Push(page) || !to_render.Push(page)) break;
    }
    to_fold.Close();
    to_render.Close();
  });
  stages.emplace_back([&] {  // the renderer
    auto page = to_render.Pop();
    if (!steps.StartRendering(page ? *page : nullptr)) {
      to_render.Cancel();
      to_fold.Cancel();
      return;
    }
    for (; page; page = to_render.Pop()) {
      steps.Render(**page);
      done_with(*page);
    }
  });
  for (auto& stage : stages) {
    // A stage that throws stops the others before its exception is carried
    // back (the fold would otherwise wait for a page that never comes).
    stage = [&to_fold, &to_render, work = std::move(stage)] {
      try {
        work();
      } catch (...) {
        to_fold.Cancel();
        to_render.Cancel();
        throw;
      }
    };
  }
  std::vector<Beside<void>> running = TryRunTogether(std::move(stages));
  if (running.empty()) {
    Page page;
    for (bool first = true; steps.more(); first = false) {
      if (!steps.Read(page)) break;
      if (first && !steps.StartRendering(&page)) break;
      if (!steps.Fold(page)) break;
      steps.Render(page);
    }
    if (position == 0) steps.StartRendering(nullptr);
    if (steps.folded_all() && folded) folded(out);
  } else {
    // On any way out (an exception too), the stages are stopped before
    // they are waited for.
    struct StopOnExit {
      Channel<Page*>& a;
      Channel<Page*>& b;
      std::vector<Beside<void>>& stages;
      ~StopOnExit() {
        a.Cancel();
        b.Cancel();
        for (auto& s : stages) {
          if (s.valid()) s.wait();
        }
      }
    } stop_on_exit{to_fold, to_render, running};
    while (auto page = to_fold.Pop()) {
      if (!steps.Fold(**page)) break;
      done_with(*page);
    }
    if (!steps.folded_all()) {
      to_fold.Cancel();
      to_render.Cancel();
    }
    // Once the fold is complete the reader has read its last page (a
    // failure stops it before), so its failure is not being written
    // meanwhile.
    if (steps.folded_all() && folded) folded(out);
    for (auto& s : running) s.get();  // rethrows what a stage threw
  }
  if (auto failure = steps.failure()) return *failure;
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
  // The as-at date (YYYY-MM-DD): of as_of when given, else of the last event
  // folded.
  auto date_of = [&](const AsAt& a) {
    return domain::FormatIsoDate(
        domain::UtcDateOf(request.as_of_us ? *request.as_of_us : a.last_recorded_at_us));
  };
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

  // 2. The network as at the position, and 3. the statements and what they
  // rely on, derived from it while the last of the log's lines are rendered.
  std::vector<std::string> codes;
  PackUses uses;
  json statements = json::array();
  json gaps = json::array();
  PackEntities entities;
  auto derive = [&](const AsAt& folded) {
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
  auto asat = ReadUpTo(store, position, derive);
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
  {
    std::vector<bool> used(asat->streams.size());
    for (std::size_t i = 0; i < used.size(); ++i) used[i] = uses.streams.count(asat->streams[i]) > 0;
    for (std::uint64_t p = 1; p <= position; ++p) {
      if (used[asat->stream_of[p - 1]]) positions.push_back(p);
    }
  }
  const std::uint64_t last = positions.empty() ? 0 : positions.back();
  std::vector<storage::Hash256>& leaves = asat->leaves;  // the batch proof needs every leaf up to `last`
  leaves.resize(last);
  // The relied-on lines, compacted in place: a run of consecutive positions
  // moves as one block (none at all when every event up to `last` is relied
  // on, as in a whole-network pack).
  std::string events_jsonl = std::move(asat->lines);
  {
    std::size_t write = 0;
    for (std::size_t i = 0; i < positions.size();) {
      std::size_t j = i;
      while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1) ++j;
      const std::uint64_t begin = positions[i] == 1 ? 0 : asat->line_end[positions[i] - 2];
      const std::uint64_t end = asat->line_end[positions[j] - 1];
      if (write != begin) std::memmove(events_jsonl.data() + write, events_jsonl.data() + begin, end - begin);
      write += end - begin;
      i = j + 1;
    }
    events_jsonl.resize(write);
  }
  pack.events_jsonl = std::move(events_jsonl);
  // Its SHA-256 for the manifest, on a second thread while the rest is built.
  auto events_sha256 = RunBeside([&] { return Sha256Hex(pack.events_jsonl); });
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
  files[kEventsFile] = pack.events_jsonl;
  const std::string manifest =
      BuildManifest(files, {{kEventsFile, events_sha256.get()}, {kPackFile, pack.identity}});
  files[kManifestFile] = manifest;
  clock.Mark("manifest");
  // The working state (the model, every event's line and leaf) is no
  // longer needed: freed before the zip's buffers are made.
  { AsAt gone = std::move(*asat); }
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
  statements = json();

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
