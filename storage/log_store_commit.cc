// LogStore's group commit: each append of a group is decided against the
// committed state and what the group's earlier appends decided (expected
// versions, idempotent retries by event id), its events given positions,
// chained hashes and Merkle nodes, and the whole group written as one synced
// batch.
#include <algorithm>
#include <chrono>

#include "storage/codec.h"
#include "storage/log_store.h"
#include "storage/log_store_internal.h"

namespace assure::storage {

std::vector<RecordedEvent> LogStore::CommitGroup(std::vector<Writer*>& group) {
  Group g;
  {
    std::lock_guard l(head_mu_);
    g.start = head_;
    g.frontier = frontier_;
  }
  g.next_position = g.start.position + 1;
  g.prev_hash = g.start.hash;
  g.last_recorded_at = g.start.recorded_at_us;

  if (Status s = RefuseWhileSuspended(); !s.ok()) {
    for (Writer* w : group) w->result = s.error();
    return {};
  }
  for (Writer* w : group) w->result = Decide(*w, g);
  if (g.events.empty()) return {};

  for (auto& [stream, head] : g.heads) g.batch.heads.emplace_back(stream, head);
  g.batch.head = {g.events.back().position, g.prev_hash, g.last_recorded_at};
  const auto write_started = std::chrono::steady_clock::now();
  Status s = backend_->Commit(g.batch, options_.sync);
  const auto wrote = std::chrono::steady_clock::now() - write_started;
  if (!s.ok()) {
    // Every answer of the group was decided against the group's uncommitted
    // events (a write, a replay of an earlier writer's ids, a refusal
    // because of an earlier writer's version): none of them holds.
    Error failed = SuspendWrites(s.error());
    for (Writer* w : group) w->result = failed;
    return {};
  }
  CacheHeads(g.batch.heads);
  {
    std::unique_lock u(upper_mu_);
    for (const auto& n : g.batch.merkle_nodes) {
      if (n.level < kUpperLevel) continue;
      const std::size_t at = n.level - kUpperLevel;
      if (upper_.size() <= at) upper_.resize(at + 1);
      // Nodes complete in index order; anything else is left to the backend.
      if (upper_[at].size() == n.index) upper_[at].push_back(n.hash);
    }
  }
  {
    std::lock_guard l(head_mu_);
    head_ = g.batch.head;
    frontier_ = std::move(g.frontier);
  }
  if (options_.on_commit) {
    CommitSample sample;
    sample.appends = group.size();
    sample.events = g.events.size();
    for (const auto& e : g.batch.events) sample.bytes += e.value.size();
    sample.write = wrote;
    options_.on_commit(sample);
  }
  return std::move(g.events);
}

Result<std::optional<StreamHead>> LogStore::HeadOf(Group& g, const std::string& stream) {
  auto it = g.heads.find(stream);
  if (it != g.heads.end()) return std::optional<StreamHead>{it->second};
  if (auto cached = CachedHead(stream)) return cached;
  auto stored = backend_->GetStreamHead(stream);
  // No commit runs while this thread leads: what it read is current.
  if (stored.ok() && stored->has_value()) CacheHeads({{stream, **stored}});
  return stored;
}

std::optional<StreamHead> LogStore::CachedHead(std::string_view stream) const {
  std::shared_lock l(heads_mu_);
  auto it = heads_.find(stream);
  if (it == heads_.end()) return std::nullopt;
  return it->second;
}

void LogStore::CacheHeads(const std::vector<std::pair<std::string, StreamHead>>& heads) {
  std::unique_lock l(heads_mu_);
  std::size_t adding = 0;
  for (const auto& h : heads) adding += h.first.size() + kHeadEntryBytes;
  if (heads_bytes_ + adding > options_.stream_heads_bytes) {
    heads_.clear();
    heads_bytes_ = 0;
  }
  for (const auto& [stream, head] : heads) {
    auto [it, inserted] = heads_.insert_or_assign(stream, head);
    if (inserted) heads_bytes_ += stream.size() + kHeadEntryBytes;
  }
}

std::size_t LogStore::CachedHeadBytes() const {
  std::shared_lock l(heads_mu_);
  return heads_bytes_;
}

Result<RecordedEvent> LogStore::EventAt(Group& g, std::uint64_t position) {
  if (position >= g.start.position + 1) {
    std::size_t i = position - g.start.position - 1;
    if (i < g.events.size()) return g.events[i];
  }
  return ReadEvent(position);
}

Result<std::vector<AppendResult>> LogStore::Decide(Writer& w, Group& g) {
  const bool many = w.parts.size() > 1;
  auto named = [&](std::size_t i, Error e) {
    if (many) e.message = "parts[" + std::to_string(i) + "]: " + e.message;
    return e;
  };
  // Idempotency: are any of these event ids stored already?
  std::vector<std::size_t> stored(w.parts.size(), 0);
  std::vector<std::optional<IdEntry>> first(w.parts.size());
  std::size_t stored_total = 0;
  for (std::size_t i = 0; i < w.parts.size(); ++i) {
    for (const auto& e : w.parts[i].events) {
      if (!e.client_supplied_id) continue;
      std::optional<IdEntry> entry;
      if (auto it = g.ids.find(e.id); it != g.ids.end()) {
        entry = it->second;
      } else {
        auto r = backend_->GetIdEntry(e.id);
        if (!r.ok()) return r.error();
        entry = *r;
      }
      if (entry) {
        ++stored[i];
        if (!first[i]) first[i] = entry;
      }
    }
    stored_total += stored[i];
  }
  if (stored_total > 0) {
    std::vector<AppendResult> results;
    for (std::size_t i = 0; i < w.parts.size(); ++i) {
      if (stored[i] == 0) {
        return named(i, MakeError(ErrorCode::kIdempotencyConflict,
                                  "event ids of this append are already stored, but this "
                                  "stream's events are not (a retry must repeat the original "
                                  "append exactly)",
                                  "event_id"));
      }
      auto r = CheckRetry(w.parts[i], g, stored[i], *first[i]);
      if (!r.ok()) return named(i, r.error());
      results.push_back(*r);
    }
    return results;
  }

  // Every part's expected version, before anything is decided.
  std::vector<std::optional<StreamHead>> heads(w.parts.size());
  for (std::size_t i = 0; i < w.parts.size(); ++i) {
    const Part& p = w.parts[i];
    auto head = HeadOf(g, p.stream);
    if (!head.ok()) return head.error();
    const std::optional<StreamHead>& h = *head;
    bool match = true;
    switch (p.expected.kind()) {
      case ExpectedVersion::Kind::kAny: break;
      case ExpectedVersion::Kind::kNoStream: match = !h.has_value(); break;
      case ExpectedVersion::Kind::kStreamExists: match = h.has_value(); break;
      case ExpectedVersion::Kind::kExact: match = h && h->version == p.expected.version(); break;
    }
    if (!match) {
      Error e = named(i, MakeError(ErrorCode::kWrongExpectedVersion,
                                   "stream '" + p.stream + "' was expected at " + p.expected.ToString() +
                                       " but is at " +
                                       (h ? std::to_string(h->version) : std::string("no-stream"))));
      e.actual_version = h ? static_cast<std::int64_t>(h->version) : -1;
      return e;
    }
    heads[i] = h;
  }

  // One time for every event of the append.
  const std::int64_t now = std::max(options_.clock->NowMicros(), g.last_recorded_at);
  std::vector<AppendResult> results;
  results.reserve(w.parts.size());
  for (std::size_t i = 0; i < w.parts.size(); ++i) {
    Part& p = w.parts[i];
    const std::optional<StreamHead>& h = heads[i];
    StreamHead next = h.value_or(StreamHead{0, 0, now, now});
    std::uint64_t version = h ? h->version + 1 : 0;
    AppendResult result;
    result.first_position = g.next_position;
    for (auto& pe : p.events) {
      RecordedEvent r;
      r.position = g.next_position++;
      r.stream_id = p.stream;
      r.stream_version = version++;
      r.event_id = pe.id;
      r.type = std::move(pe.type);
      r.schema_version = pe.schema_version;
      r.data = std::move(pe.data);
      r.metadata = std::move(pe.metadata);
      r.recorded_at_us = now;
      std::string value = CanonicalBytes(r);
      r.hash = ChainHash(g.prev_hash, value);
      g.frontier.Append(MerkleLeafHash(value), &g.batch.merkle_nodes);
      value.append(reinterpret_cast<const char*>(r.hash.data()), r.hash.size());
      g.prev_hash = r.hash;
      IdEntry entry{r.position, p.expected.Encode()};
      g.ids[r.event_id] = entry;
      g.batch.ids.emplace_back(r.event_id, entry);
      g.batch.stream_index.push_back({p.stream, r.stream_version, r.position});
      g.batch.events.push_back({r.position, std::move(value)});
      next.version = r.stream_version;
      next.last_position = r.position;
      g.events.push_back(std::move(r));
    }
    next.last_recorded_at_us = now;
    g.heads[p.stream] = next;
    result.last_position = g.next_position - 1;
    result.stream_version = next.version;
    result.recorded_at_us = now;
    results.push_back(result);
    for (auto& blob : p.blobs) g.batch.blobs.push_back(std::move(blob));
  }
  g.last_recorded_at = now;
  return results;
}

Result<AppendResult> LogStore::CheckRetry(Part& w, Group& g, std::size_t already_stored,
                                          const IdEntry& first) {
  auto conflict = [&](const std::string& why) {
    return MakeError(ErrorCode::kIdempotencyConflict,
                     "event ids of this append are already stored, but " + why, "event_id");
  };
  if (already_stored != w.events.size()) {
    return conflict(std::to_string(already_stored) + " of its " +
                    std::to_string(w.events.size()) +
                    " events are stored and the others are not (a retry must repeat the "
                    "original append exactly)");
  }
  if (first.expected_version != w.expected.Encode()) {
    return conflict("with expected version " + ExpectedVersion::Decode(first.expected_version).ToString() +
                    ", not " + w.expected.ToString());
  }
  AppendResult result;
  result.idempotent_replay = true;
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    auto stored = EventAt(g, first.position + i);
    if (!stored.ok()) return stored.error();
    const PreparedEvent& pe = w.events[i];
    if (stored->event_id != pe.id || stored->stream_id != w.stream) {
      return conflict("event " + pe.id.ToString() + " was stored in another append or stream");
    }
    if (stored->type != pe.type || stored->schema_version != pe.schema_version ||
        stored->data != pe.data || stored->metadata != pe.metadata) {
      return conflict("event " + pe.id.ToString() + " was stored with different content");
    }
    if (i == 0) result.first_position = stored->position;
    result.last_position = stored->position;
    result.stream_version = stored->stream_version;
  }
  return result;
}

}  // namespace assure::storage
