// LogStore's write path: opening, the append queue, group commit (leader,
// committer and answerer threads), listeners and the suspension after a failed
// commit. The readers are in log_store_read.cc.
#include "storage/log_store.h"

#include <pthread.h>

#include <algorithm>
#include <unordered_map>

#include "storage/codec.h"

namespace assure::storage {

// One stream's share of a queued append.
struct LogStore::Part {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<PreparedEvent> events;
};

struct LogStore::Writer {
  std::vector<Part> parts;  // one for Append, one per stream for AppendMany
  std::size_t bytes = 0;
  std::optional<Result<std::vector<AppendResult>>> result;
  bool done = false;
  std::condition_variable cv;  // a synchronous writer waits on it
  AppendManyCallback callback; // set: an asynchronous writer (heap, owned by the queue)
};

// The state of one group commit: committed state plus what earlier appends
// of the same group have decided.
struct LogStore::Group {
  LogHead start;  // committed head when the group began
  std::uint64_t next_position = 0;
  Hash256 prev_hash{};
  std::int64_t last_recorded_at = 0;
  std::unordered_map<std::string, StreamHead> heads;
  std::unordered_map<Uuid, IdEntry, UuidHash> ids;
  std::vector<RecordedEvent> events;  // decided, in position order
  MerkleFrontier frontier;            // grows with the group's events
  CommitBatch batch;
};

LogStore::LogStore(std::unique_ptr<Backend> backend, StoreOptions options, LogHead head,
                   MerkleFrontier frontier)
    : backend_(std::move(backend)),
      options_(std::move(options)),
      head_(head),
      frontier_(std::move(frontier)) {
  if (!options_.clock) options_.clock = SystemClock();
  if (!options_.ids) options_.ids = RandomIds();
}

Result<std::unique_ptr<LogStore>> LogStore::Open(std::unique_ptr<Backend> backend,
                                                 StoreOptions options) {
  auto head = backend->LoadHead();
  if (!head.ok()) return head.error();
  if (head->position > 0) {
    auto last = backend->GetEvent(head->position);
    if (!last.ok()) return last.error();
    Hash256 stored{};
    if (!last->has_value() || !CanonicalPart(**last, &stored).ok() || stored != head->hash) {
      return MakeError(ErrorCode::kCorruption,
                       "the log head record (position " + std::to_string(head->position) +
                           ") does not match the stored events; run 'assure verify'");
    }
  }
  auto next = backend->GetEvent(head->position + 1);
  if (!next.ok()) return next.error();
  if (next->has_value()) {
    return MakeError(ErrorCode::kCorruption, "events are stored past the log head (position " +
                                                 std::to_string(head->position) + ")");
  }
  Backend* raw = backend.get();
  auto frontier = MerkleFrontier::Load(
      head->position, [raw](std::uint8_t level, std::uint64_t index) -> Result<Hash256> {
        auto n = raw->GetMerkleNode(level, index);
        if (!n.ok()) return n.error();
        if (!n->has_value()) {
          return MakeError(ErrorCode::kCorruption, "a Merkle tree node of the log head is missing");
        }
        return **n;
      });
  if (!frontier.ok()) return frontier.error();
  std::unique_ptr<LogStore> store(
      new LogStore(std::move(backend), std::move(options), *head, std::move(frontier).value()));
  ASSURE_TRY(store->LoadUpperNodes());
  return store;
}

Status LogStore::LoadUpperNodes() {
  std::unique_lock l(upper_mu_);
  upper_.clear();
  for (std::uint8_t level = kUpperLevel; level < 64; ++level) {
    const std::uint64_t complete = head_.position >> level;  // nodes this level has
    if (complete == 0) break;
    auto nodes = ScanLevel(*backend_, level, complete);
    if (!nodes.ok()) return nodes.error();
    upper_.push_back(std::move(*nodes));
  }
  return {};
}

Status LogStore::PrepareWriter(Writer& w, std::vector<StreamAppend> parts) {
  if (parts.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an append needs at least one stream", "parts");
  }
  const bool many = parts.size() > 1;
  std::size_t total = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto named = [&](Error e) {
      if (many) {
        e.message = "parts[" + std::to_string(i) + "]: " + e.message;
        if (!e.field.empty()) e.field = "parts[" + std::to_string(i) + "]." + e.field;
      }
      return e;
    };
    for (std::size_t j = 0; j < i; ++j) {
      if (w.parts[j].stream == parts[i].stream_id) {
        return named(MakeError(ErrorCode::kInvalidArgument,
                               "stream '" + parts[i].stream_id + "' is named by two parts",
                               "stream_id"));
      }
    }
    total += parts[i].events.size();
    auto prepared = PrepareAppend(options_, parts[i].stream_id, std::move(parts[i].events), *options_.ids);
    if (!prepared.ok()) return named(prepared.error());
    Part part{std::move(parts[i].stream_id), parts[i].expected, std::move(prepared).value()};
    for (const auto& e : part.events) w.bytes += e.data.size() + 128;
    w.parts.push_back(std::move(part));
  }
  if (total > options_.max_events_per_append) {
    return MakeError(ErrorCode::kTooLarge,
                     "an append may hold at most " + std::to_string(options_.max_events_per_append) +
                         " events, not " + std::to_string(total),
                     "events");
  }
  return {};
}

Result<std::vector<AppendResult>> LogStore::AppendMany(std::vector<StreamAppend> parts) {
  Writer w;
  ASSURE_TRY(PrepareWriter(w, std::move(parts)));
  ASSURE_TRY(RefuseWhileSuspended());

  std::unique_lock lock(queue_mu_);
  writers_.push_back(&w);
  // Wakes answered, or at the front to lead (a writer of a group being
  // answered is no longer queued: the queue may be empty).
  w.cv.wait(lock, [&] {
    return w.done || (!leading_ && !writers_.empty() && writers_.front() == &w);
  });
  if (!w.done) {
    LeadGroup(lock);  // this writer leads; it is answered like the others
    w.cv.wait(lock, [&] { return w.done; });
  }
  return std::move(*w.result);
}

Result<AppendResult> LogStore::Append(std::string_view stream_id, ExpectedVersion expected,
                                      std::vector<ProposedEvent> events) {
  std::vector<StreamAppend> parts(1);
  parts[0].stream_id = std::string(stream_id);
  parts[0].expected = expected;
  parts[0].events = std::move(events);
  auto r = AppendMany(std::move(parts));
  if (!r.ok()) return r.error();
  return r->front();
}

void LogStore::AppendManyAsync(std::vector<StreamAppend> parts, AppendManyCallback done) {
  auto w = std::make_unique<Writer>();
  Status s = PrepareWriter(*w, std::move(parts));
  if (s.ok()) s = RefuseWhileSuspended();
  if (!s.ok()) {
    done(s.error());
    return;
  }
  w->callback = std::move(done);

  std::unique_lock lock(queue_mu_);
  if (stopping_) {
    lock.unlock();
    w->callback(MakeError(ErrorCode::kUnavailable, "the event store is closing"));
    return;
  }
  if (!committer_.joinable()) committer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-commit");
    CommitterLoop();
  });
  ++async_pending_;
  writers_.push_back(w.release());
  if (!leading_ && writers_.size() == 1) committer_cv_.notify_one();
}

void LogStore::AppendAsync(std::string_view stream_id, ExpectedVersion expected,
                           std::vector<ProposedEvent> events, AppendCallback done) {
  std::vector<StreamAppend> parts(1);
  parts[0].stream_id = std::string(stream_id);
  parts[0].expected = expected;
  parts[0].events = std::move(events);
  AppendManyAsync(std::move(parts), [done = std::move(done)](Result<std::vector<AppendResult>> r) {
    if (!r.ok()) return done(r.error());
    done(r->front());
  });
}

void LogStore::LeadGroup(std::unique_lock<std::mutex>& lock) {
  leading_ = true;
  std::vector<Writer*> group;
  std::size_t bytes = 0;
  for (Writer* x : writers_) {
    if (!group.empty() && bytes + x->bytes > options_.max_group_bytes) break;
    group.push_back(x);
    bytes += x->bytes;
  }
  lock.unlock();

  std::vector<RecordedEvent> events = CommitGroup(group);

  lock.lock();
  for (std::size_t i = 0; i < group.size(); ++i) writers_.pop_front();
  // The listeners and the answers run on the answering thread, in commit
  // order, while the next group commits.
  if (!answerer_.joinable()) answerer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-answer");
    AnswererLoop();
  });
  answers_.push_back({std::move(events), std::move(group)});
  answerer_cv_.notify_one();
  leading_ = false;
  // Leadership passes to the writer now at the front: a synchronous one
  // leads on its own thread, an asynchronous one on the committer's.
  if (!writers_.empty()) {
    if (writers_.front()->callback) {
      committer_cv_.notify_one();
    } else {
      writers_.front()->cv.notify_one();
    }
  } else if (stopping_) {
    committer_cv_.notify_one();
  }
}

void LogStore::AnswererLoop() {
  std::unique_lock lock(queue_mu_);
  for (;;) {
    answerer_cv_.wait(lock, [&] { return !answers_.empty() || answerer_stop_; });
    if (answers_.empty()) return;  // stopping, and every group answered
    Answer a = std::move(answers_.front());
    answers_.pop_front();
    lock.unlock();
    if (!a.events.empty()) Notify(a.events);
    std::vector<std::unique_ptr<Writer>> async;
    for (Writer* x : a.writers) {
      if (x->callback) async.emplace_back(x);
    }
    lock.lock();
    for (Writer* x : a.writers) {
      if (x->callback) continue;
      x->done = true;  // a synchronous writer returns (and its Writer goes) from here
      x->cv.notify_one();
    }
    if (async.empty()) continue;
    lock.unlock();
    for (auto& x : async) {
      try {
        x->callback(std::move(*x->result));
      } catch (...) {
        listener_failures_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    lock.lock();
    async_pending_ -= async.size();
    if (async_pending_ == 0) async_idle_cv_.notify_all();
  }
}

void LogStore::CommitterLoop() {
  std::unique_lock lock(queue_mu_);
  for (;;) {
    committer_cv_.wait(lock, [&] {
      return (!leading_ && !writers_.empty() && writers_.front()->callback) ||
             (stopping_ && writers_.empty());
    });
    if (writers_.empty()) return;  // stopping, and every append answered
    LeadGroup(lock);
  }
}

void LogStore::WaitForAsyncAppends() {
  std::unique_lock lock(queue_mu_);
  async_idle_cv_.wait(lock, [&] { return async_pending_ == 0; });
}

LogStore::~LogStore() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  committer_cv_.notify_one();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard lock(queue_mu_);
    answerer_stop_ = true;
  }
  answerer_cv_.notify_one();
  if (answerer_.joinable()) answerer_.join();
}

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
  Status s = backend_->Commit(g.batch, options_.sync);
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
  if (heads_.size() + heads.size() > kCachedHeads) heads_.clear();
  for (const auto& [stream, head] : heads) heads_.insert_or_assign(stream, head);
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

void LogStore::Notify(const std::vector<RecordedEvent>& events) {
  std::lock_guard n(notify_mu_);
  std::vector<std::shared_ptr<Listener>> copy;
  {
    std::lock_guard l(listeners_mu_);
    for (auto& [id, fn] : listeners_) copy.push_back(fn);
  }
  for (auto& fn : copy) {
    try {
      (*fn)(events);
    } catch (...) {
      // A listener's failure is its own (it must catch and record what it
      // could not apply); it must not stop the others or the store's thread.
      listener_failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::uint64_t LogStore::Subscribe(Listener listener) {
  std::lock_guard l(listeners_mu_);
  std::uint64_t id = next_listener_++;
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void LogStore::Unsubscribe(std::uint64_t id) {
  std::lock_guard n(notify_mu_);
  std::lock_guard l(listeners_mu_);
  listeners_.erase(id);
}

Error LogStore::SuspendWrites(const Error& cause) {
  std::lock_guard l(suspend_mu_);
  if (!suspended_) {
    suspended_ = cause;
    last_resume_attempt_ = std::chrono::steady_clock::now();
  }
  return MakeError(ErrorCode::kWritesSuspended,
                   "the store could not write (" + cause.message +
                       "); nothing of this request was written. Writes are suspended until the "
                       "disk can be written again; reads go on");
}

Status LogStore::RefuseWhileSuspended() {
  std::lock_guard l(suspend_mu_);
  if (!suspended_) return {};
  const auto now = std::chrono::steady_clock::now();
  if (now - last_resume_attempt_ >= options_.resume_interval) {
    last_resume_attempt_ = now;
    if (backend_->Resume().ok()) {
      suspended_.reset();
      return {};
    }
  }
  return MakeError(ErrorCode::kWritesSuspended,
                   "writes are suspended: the store could not write (" + suspended_->message +
                       "); nothing was written. Reads go on; writes resume when the disk can be "
                       "written again");
}

std::optional<Error> LogStore::WriteFailure() const {
  std::lock_guard l(suspend_mu_);
  return suspended_;
}

Status LogStore::TryResumeWrites() {
  std::lock_guard l(suspend_mu_);
  if (!suspended_) return {};
  last_resume_attempt_ = std::chrono::steady_clock::now();
  ASSURE_TRY(backend_->Resume());
  suspended_.reset();
  return {};
}

std::uint64_t LogStore::ListenerFailures() const {
  return listener_failures_.load(std::memory_order_relaxed);
}

std::unique_ptr<EventStore> NewMemoryStore(StoreOptions options) {
  auto store = LogStore::Open(NewMemoryBackend(), std::move(options));
  return std::move(store).value();  // an empty memory backend always opens
}

}  // namespace assure::storage
