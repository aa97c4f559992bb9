#include "api/core/entity_writer.h"

#include <pthread.h>

#include <algorithm>
#include <future>
#include <utility>

#include "api/core/append_boundary.h"

namespace assure::api {

struct EntityWriter::Job {
  std::vector<WritePart> parts;
  RequestContext rc;
  Done done;
  std::vector<std::string> streams;  // the parts' streams, sorted, each once
  std::vector<DecidedPart> decided;  // by part
  std::vector<std::size_t> written;  // indexes of the parts that had events
  std::vector<std::size_t> counts;   // events of each written part
  std::vector<std::uint64_t> epochs;  // each stream's lane epoch when decided
  bool decided_again = false;
  bool Many() const { return streams.size() > 1; }
};

EntityWriter::EntityWriter(std::shared_ptr<storage::EventStore> store, std::size_t cache_bytes)
    : store_(std::move(store)), cache_bytes_(cache_bytes) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-decide");
    Loop();
  });
}

void EntityWriter::WaitIdle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return in_flight_ == 0; });
}

EntityWriter::~EntityWriter() {
  WaitIdle();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EntityWriter::Post(std::function<void()> item) {
  // Notified under the lock: Post runs on the store's answering thread, and
  // once the item is taken the writer may release the last job and be
  // destroyed (a writer per command, tests' Execute); a notify after the
  // unlock could then touch a destroyed condition variable (TSan, in
  // SnapshotCopyTest's 8,000 commands).
  std::lock_guard lock(mu_);
  inbox_.push_back(std::move(item));
  cv_.notify_all();
}

void EntityWriter::Loop() {
  for (;;) {
    std::function<void()> item;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !inbox_.empty(); });
      if (inbox_.empty()) return;
      item = std::move(inbox_.front());
      inbox_.pop_front();
    }
    item();
  }
}

void EntityWriter::Submit(std::vector<WritePart> parts, RequestContext rc, Done done) {
  auto job = std::make_shared<Job>();
  for (const auto& p : parts) job->streams.push_back(p.stream);
  std::sort(job->streams.begin(), job->streams.end());
  job->streams.erase(std::unique(job->streams.begin(), job->streams.end()), job->streams.end());
  if (parts.empty() || job->streams.size() != parts.size()) {
    done(MakeError(ErrorCode::kInternal, "a write names no stream, or one stream twice"));
    return;
  }
  job->parts = std::move(parts);
  job->rc = std::move(rc);
  job->done = std::move(done);
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  Post([this, job] { Admit(job, nullptr); });
}

namespace {
// Set while a write's answer runs on the store's answering thread (Start):
// a Run there would wait for an answer only that thread can give.
thread_local bool answering_early = false;
}  // namespace

Result<WriteResult> EntityWriter::Run(std::vector<WritePart> parts, RequestContext rc) {
  if (std::this_thread::get_id() == thread_.get_id() || answering_early) {
    return MakeError(ErrorCode::kInternal, "EntityWriter::Run called from the writer's thread or a write's answer");
  }
  std::promise<Result<WriteResult>> promise;
  auto answer = promise.get_future();
  Submit(std::move(parts), std::move(rc),
         [&promise](Result<WriteResult> r) { promise.set_value(std::move(r)); });
  return answer.get();
}

Result<WriteResult> ExecuteParts(EntityWriter& writer, std::string_view id, std::vector<WritePart> parts,
                                 const RequestContext& rc) {
  if (!rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(*writer.store(), rc, id);
    if (!first.ok()) return first.error();
    if (first->has_value()) return **first;
  }
  return writer.Run(std::move(parts), rc);
}

EntityWriter::Lane* EntityWriter::LaneOf(std::string_view stream) {
  auto it = lanes_.find(std::string(stream));
  return it == lanes_.end() ? nullptr : &it->second;
}

// A new job starts when every stream it names is free to decide on: not held
// by a job across several streams, not waiting for its commits to drain, and
// with no earlier job waiting. A job across several streams also needs every
// stream without commits in flight. Otherwise it waits behind the first
// stream that is not free (at the front of the queue it came from, `from`).
void EntityWriter::Admit(const std::shared_ptr<Job>& job, const std::string* from) {
  for (const auto& s : job->streams) {
    Lane& lane = lanes_[s];
    const bool came_from_here = from != nullptr && *from == s;
    if (lane.Blocked() || (!came_from_here && !lane.waiting.empty()) ||
        (job->Many() && lane.in_flight > 0)) {
      if (job->Many() && !lane.Blocked() && lane.in_flight > 0) lane.barrier = true;
      if (came_from_here) {
        lane.waiting.push_front(job);
      } else {
        lane.waiting.push_back(job);
      }
      return;
    }
  }
  Start(job);
}

// The job's decision depends on commits still in flight (a refusal, a no-op,
// or a write across several streams): it waits at the front of its first
// such stream until they are answered, and is then decided again.
void EntityWriter::Defer(const std::shared_ptr<Job>& job) {
  for (const auto& s : job->streams) {
    Lane& lane = lanes_[s];
    if (lane.in_flight == 0) continue;
    lane.barrier = true;
    lane.waiting.push_front(job);
    return;
  }
}

void EntityWriter::Start(const std::shared_ptr<Job>& job) {
  job->decided.assign(job->parts.size(), DecidedPart{});
  job->written.clear();
  job->counts.clear();
  bool in_flight = false;
  for (const auto& s : job->streams) in_flight = in_flight || lanes_[s].in_flight > 0;
  std::vector<storage::StreamAppend> appends;
  std::size_t next_index = 0;
  for (std::size_t i = 0; i < job->parts.size(); ++i) {
    Status s;
    try {
      s = job->parts[i].decide(*this, job->rc, next_index, job->decided[i]);
    } catch (const std::exception& e) {
      s = MakeError(ErrorCode::kInternal, std::string("deciding a command failed: ") + e.what());
    }
    if (!s.ok()) {
      if (in_flight) return Defer(job);
      Answer(job, s.error());
      return Release(job);
    }
    auto& append = job->decided[i].append;
    if (append.events.empty()) continue;
    next_index += append.events.size();
    job->written.push_back(i);
    job->counts.push_back(append.events.size());
    appends.push_back(std::move(append));
  }
  if (appends.empty()) {
    if (in_flight) return Defer(job);
    // Already in effect: nothing to write.
    WriteResult unchanged;
    unchanged.id = job->parts.front().entity_id;
    unchanged.stream_version = job->decided.front().version.value_or(0);
    unchanged.position = job->decided.front().last_position;
    Answer(job, std::move(unchanged));
    return Release(job);
  }
  MarkOneAppend(appends);  // a read at a position never sees half of it
  // The held states take the events now (with the causation marks), so the
  // next command is decided against them; the store assigns positions.
  job->epochs.clear();
  for (const auto& s : job->streams) {
    Lane& lane = lanes_[s];
    ++lane.in_flight;
    if (job->Many()) lane.exclusive = true;
    job->epochs.push_back(lane.epoch);
  }
  for (std::size_t k = 0; k < appends.size(); ++k) {
    const WritePart& part = job->parts[job->written[k]];
    const auto& decided = job->decided[job->written[k]];
    storage::AppendResult provisional;
    provisional.stream_version = decided.version.value_or(std::uint64_t(-1)) + appends[k].events.size();
    provisional.recorded_at_us = job->rc.now_us;
    try {
      part.apply(*this, appends[k], provisional);
    } catch (...) {
      // Refold it once its commits are answered.
      Forget(part.stream);
      lanes_[part.stream].barrier = true;
    }
  }
  store_->AppendManyAsync(std::move(appends), [this, job](Result<std::vector<storage::AppendResult>> r) {
    // On the store's answering thread, in commit order. A write that landed
    // is answered from here, rather than after this writer's thread has come
    // round to it behind the decisions queued meanwhile; then its
    // bookkeeping (Complete) is posted, so the job counts as in flight until
    // it has been answered (WaitIdle, the destructor). A request sent after
    // the answer may be decided before that bookkeeping, as one sent during
    // the commit would be: against the held state, which has these events.
    // A failure or a replay is answered by Complete (it may be decided again).
    if (r.ok() && !Replayed(*r)) {
      Done now = std::exchange(job->done, nullptr);  // Complete's Answer then calls nothing
      try {
        WriteResult out = Written(*job, *r, /*replay=*/false);
        answering_early = true;
        Call(now, std::move(out));
        answering_early = false;
      } catch (...) {  // out of memory making the answer: Complete answers
        job->done = std::move(now);
      }
    }
    Post([this, job, r = std::move(r)]() mutable { Complete(job, std::move(r)); });
  });
}

bool EntityWriter::Replayed(const std::vector<storage::AppendResult>& results) {
  return !results.empty() && results.front().idempotent_replay;
}

WriteResult EntityWriter::Written(const Job& job, const std::vector<storage::AppendResult>& results,
                                  bool replay) {
  std::size_t events = 0;
  for (std::size_t k = 0; k < job.written.size() && k < results.size(); ++k) events += job.counts[k];
  WriteResult out;
  out.id = job.parts.front().entity_id;
  if (!job.written.empty() && job.written.front() == 0) {
    out.stream_version = results.front().stream_version;
    out.position = results.front().last_position;
  } else {
    // The command's own entity was unchanged; only a companion wrote.
    out.stream_version = job.decided.front().version.value_or(0);
    out.position = job.decided.front().last_position;
  }
  out.events_written = replay ? 0 : events;
  out.replayed = replay;
  return out;
}

void EntityWriter::Complete(const std::shared_ptr<Job>& job,
                            Result<std::vector<storage::AppendResult>> r) {
  const bool replay = r.ok() && Replayed(*r);
  if (!r.ok() || replay) {
    // What is held counted on these events: drop it. The jobs decided after
    // this one on the same streams come back refused; the first failure of
    // a lane starts its drain, the later ones are its victims.
    for (std::size_t i = 0; i < job->streams.size(); ++i) {
      Lane& lane = lanes_[job->streams[i]];
      if (lane.epoch != job->epochs[i]) continue;
      lane.draining = true;
      ++lane.epoch;
      Forget(job->streams[i]);
    }
  }
  for (const auto& s : job->streams) {
    Lane& lane = lanes_[s];
    --lane.in_flight;
    if (job->Many()) lane.exclusive = false;
  }
  if (!r.ok()) {
    if (Retry(job, r.error())) return Release(job, /*answered=*/false);
    const Error& e = r.error();
    if (e.code == ErrorCode::kWrongExpectedVersion && !job->rc.if_match) {
      Answer(job, MakeError(ErrorCode::kUnavailable,
                            "another writer is changing this entity; nothing was written, "
                            "retry shortly"));
    } else if (e.code == ErrorCode::kIdempotencyConflict && !job->rc.idempotency_key.empty()) {
      Answer(job, MakeError(ErrorCode::kIdempotencyConflict,
                            "this Idempotency-Key was already used for a different request",
                            "Idempotency-Key"));
    } else {
      Answer(job, e);
    }
    return Release(job);
  }
  const auto& results = *r;
  for (std::size_t k = 0; k < job->written.size() && k < results.size(); ++k) {
    const WritePart& part = job->parts[job->written[k]];
    if (replay || !part.landed) continue;
    try {
      part.landed(*this, results[k]);
    } catch (...) {
      Forget(part.stream);  // refold it next time
    }
  }
  // A write that landed was answered on the store's answering thread (Start);
  // a replay is answered here.
  Answer(job, Written(*job, results, replay));
  Release(job);
}

// A job refused because what it was decided against did not hold (its
// expected version): without If-Match it is decided once more, after the
// lane's other refused jobs, before any job that came later.
bool EntityWriter::Retry(const std::shared_ptr<Job>& job, const Error& e) {
  if (e.code != ErrorCode::kWrongExpectedVersion || job->rc.if_match || job->decided_again) return false;
  job->decided_again = true;
  lanes_[job->streams.front()].redo.push_back(job);
  return true;
}

void EntityWriter::Answer(const std::shared_ptr<Job>& job, Result<WriteResult> r) {
  Done done = std::exchange(job->done, nullptr);
  if (done) Call(done, std::move(r));
}

void EntityWriter::Call(Done& done, Result<WriteResult> r) {
  try {
    done(std::move(r));
  } catch (...) {
    // A callback must not throw; the writer goes on regardless.
  }
}

// After a job is answered (or set aside to be decided again): its lanes may
// take their next jobs.
void EntityWriter::Release(const std::shared_ptr<Job>& job, bool answered) {
  for (const auto& s : job->streams) {
    if (Lane* lane = LaneOf(s); lane != nullptr && lane->state.has_value()) Touch(s, *lane);
  }
  for (const auto& s : job->streams) Pump(s);
  Evict();
  if (!answered) return;
  {
    std::lock_guard lock(mu_);
    --in_flight_;
    held_entities_ = lru_.size();
    held_bytes_ = bytes_;
  }
  cv_.notify_all();
}

// Starts what waits on a stream, in order, while nothing blocks it. Once its
// commits are all answered, a drain ends: the jobs refused meanwhile go
// first, then the rest; a barrier (a job that needs the commits answered)
// lifts.
void EntityWriter::Pump(const std::string& stream) {
  Lane* lane = LaneOf(stream);
  if (lane == nullptr) return;
  if (lane->in_flight == 0) {
    lane->draining = false;
    lane->barrier = false;
    while (!lane->redo.empty()) {
      lane->waiting.push_front(std::move(lane->redo.back()));
      lane->redo.pop_back();
    }
  }
  // Admit may answer a job at once and release lanes, erasing idle ones:
  // look the lane up again each time.
  while ((lane = LaneOf(stream)) != nullptr && !lane->Blocked() && !lane->waiting.empty()) {
    std::shared_ptr<Job> next = std::move(lane->waiting.front());
    lane->waiting.pop_front();
    Admit(next, &stream);
  }
  lane = LaneOf(stream);
  if (lane != nullptr && lane->Idle() && !lane->draining && !lane->state.has_value()) {
    lanes_.erase(stream);  // nothing held or waiting (held states go by Evict)
  }
}

void EntityWriter::Touch(const std::string& stream, Lane& lane) {
  if (lane.in_lru) lru_.erase(lane.lru);
  lru_.push_front(stream);
  lane.lru = lru_.begin();
  lane.in_lru = true;
}

std::size_t EntityWriter::BookkeepingBytes(const std::string& stream, std::size_t object_bytes) {
  constexpr std::size_t kLinks = 2 * sizeof(void*);  // a node's links (list), next and hash (map)
  std::size_t b = sizeof(std::pair<const std::string, Lane>) + kLinks + sizeof(void*) /* bucket */ +
                  sizeof(std::string) + kLinks + object_bytes;
  if (stream.size() >= sizeof(std::string) - 2 * sizeof(void*)) b += 2 * (stream.size() + 1);
  return b + b / 4;  // size classes round a block up by as much as a quarter
}

void EntityWriter::SetHeld(const std::string& stream, std::any state, std::size_t object_bytes,
                           std::size_t json_bytes) {
  Lane& lane = lanes_[stream];
  lane.state = std::move(state);
  lane.fixed = BookkeepingBytes(stream, object_bytes);
  Remeasure(stream, json_bytes);
  Touch(stream, lane);
}

void EntityWriter::Remeasure(const std::string& stream, std::size_t json_bytes) {
  Lane* lane = LaneOf(stream);
  if (lane == nullptr) return;
  bytes_ -= lane->bytes;
  lane->bytes = kHeldBytesPerJsonByte * json_bytes + lane->fixed;
  lane->measured = lane->bytes;
  bytes_ += lane->bytes;
}

bool EntityWriter::GrowEstimate(const std::string& stream, std::size_t bytes) {
  Lane* lane = LaneOf(stream);
  if (lane == nullptr || !lane->state.has_value()) return false;
  // At the rate a measure charges (the events' data stands for what they
  // add to the state's JSON), so the estimate does not fall behind what the
  // state holds as it grows.
  const std::size_t charge = kHeldBytesPerJsonByte * bytes;
  lane->bytes += charge;
  bytes_ += charge;
  return lane->bytes >= 2 * lane->measured;
}

void EntityWriter::Forget(const std::string& stream) {
  auto it = lanes_.find(stream);
  if (it == lanes_.end()) return;
  Lane& lane = it->second;
  bytes_ -= lane.bytes;
  lane.bytes = 0;
  lane.state.reset();
  if (lane.in_lru) lru_.erase(lane.lru);
  lane.in_lru = false;
}

// Past the budget, the least recently written idle entities go first.
void EntityWriter::Evict() {
  auto it = lru_.end();
  while (bytes_ > cache_bytes_ && it != lru_.begin()) {
    --it;
    auto lane = lanes_.find(*it);
    if (lane == lanes_.end() || !lane->second.Idle() || lane->second.Blocked()) continue;
    ++it;  // stays valid: Forget erases only the element before it
    Forget(lane->first);
    lanes_.erase(lane);
  }
}

std::size_t EntityWriter::HeldEntities() const {
  std::lock_guard lock(mu_);
  return held_entities_;
}

std::size_t EntityWriter::HeldBytes() const {
  std::lock_guard lock(mu_);
  return held_bytes_;
}

std::size_t EntityWriter::InFlight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace assure::api
