#include "api/core/entity_writer.h"

#include <pthread.h>

#include <algorithm>
#include <future>

#include "api/core/append_boundary.h"

namespace assure::api {

struct EntityWriter::Job {
  std::vector<WritePart> parts;
  RequestContext rc;
  Done done;
  std::vector<std::string> streams;  // the parts' streams, sorted, each once
  std::vector<DecidedPart> decided;  // by part
  std::vector<std::size_t> written;  // indexes of the parts that had events
  std::vector<storage::StreamAppend> copies;  // their events, for `committed`
  bool decided_again = false;
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
  {
    std::lock_guard lock(mu_);
    inbox_.push_back(std::move(item));
  }
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
  Post([this, job] { Admit(job, /*queued=*/false); });
}

Result<WriteResult> EntityWriter::Run(std::vector<WritePart> parts, RequestContext rc) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return MakeError(ErrorCode::kInternal, "EntityWriter::Run called from the writer's thread");
  }
  std::promise<Result<WriteResult>> promise;
  auto answer = promise.get_future();
  Submit(std::move(parts), std::move(rc),
         [&promise](Result<WriteResult> r) { promise.set_value(std::move(r)); });
  return answer.get();
}

EntityWriter::Lane* EntityWriter::LaneOf(std::string_view stream) {
  auto it = lanes_.find(std::string(stream));
  return it == lanes_.end() ? nullptr : &it->second;
}

// A new job starts when every stream it names is free and has no earlier
// job waiting; otherwise it waits behind the first that is not. A job taken
// from the front of a stream's queue (`queued`) was already behind those
// waiting and needs only the streams free.
void EntityWriter::Admit(const std::shared_ptr<Job>& job, bool queued) {
  for (const auto& s : job->streams) {
    Lane& lane = lanes_[s];
    if (lane.busy || (!queued && !lane.waiting.empty())) {
      lane.waiting.push_back(job);
      return;
    }
  }
  for (const auto& s : job->streams) lanes_[s].busy = true;
  Start(job);
}

void EntityWriter::Start(const std::shared_ptr<Job>& job) {
  job->decided.assign(job->parts.size(), DecidedPart{});
  job->written.clear();
  job->copies.clear();
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
      Answer(job, s.error());
      return Release(job);
    }
    auto& append = job->decided[i].append;
    if (append.events.empty()) continue;
    next_index += append.events.size();
    job->written.push_back(i);
    job->copies.push_back(append);
    appends.push_back(std::move(append));
  }
  if (appends.empty()) {
    // Already in effect: nothing to write.
    WriteResult unchanged;
    unchanged.id = job->parts.front().entity_id;
    unchanged.stream_version = job->decided.front().version.value_or(0);
    unchanged.position = job->decided.front().last_position;
    Answer(job, std::move(unchanged));
    return Release(job);
  }
  MarkOneAppend(appends);  // a read at a position never sees half of it
  for (std::size_t k = 0; k < appends.size(); ++k) {
    job->copies[k].events = appends[k].events;  // with the causation marks
  }
  store_->AppendManyAsync(std::move(appends),
                          [this, job](Result<std::vector<storage::AppendResult>> r) {
                            Post([this, job, r = std::move(r)]() mutable { Complete(job, std::move(r)); });
                          });
}

void EntityWriter::Complete(const std::shared_ptr<Job>& job,
                            Result<std::vector<storage::AppendResult>> r) {
  if (!r.ok()) {
    const Error& e = r.error();
    if (e.code == ErrorCode::kWrongExpectedVersion) {
      // Another writer appended to a held stream: what is held is stale.
      for (const auto& s : job->streams) Forget(s);
      if (!job->rc.if_match && !job->decided_again) {
        job->decided_again = true;
        return Start(job);
      }
      if (!job->rc.if_match) {
        Answer(job, MakeError(ErrorCode::kUnavailable,
                              "another writer is changing this entity; nothing was written, "
                              "retry shortly"));
        return Release(job);
      }
    }
    if (e.code == ErrorCode::kIdempotencyConflict && !job->rc.idempotency_key.empty()) {
      Answer(job, MakeError(ErrorCode::kIdempotencyConflict,
                            "this Idempotency-Key was already used for a different request",
                            "Idempotency-Key"));
      return Release(job);
    }
    Answer(job, e);
    return Release(job);
  }
  const auto& results = *r;
  const bool replay = !results.empty() && results.front().idempotent_replay;
  std::size_t events = 0;
  for (std::size_t k = 0; k < job->written.size() && k < results.size(); ++k) {
    events += job->copies[k].events.size();
    if (replay) continue;
    try {
      job->parts[job->written[k]].committed(*this, job->copies[k], results[k]);
    } catch (...) {
      Forget(job->parts[job->written[k]].stream);  // refold it next time
    }
  }
  if (replay) {
    for (const auto& s : job->streams) Forget(s);
  }
  WriteResult out;
  out.id = job->parts.front().entity_id;
  if (!job->written.empty() && job->written.front() == 0) {
    out.stream_version = results.front().stream_version;
    out.position = results.front().last_position;
  } else {
    // The command's own entity was unchanged; only a companion wrote.
    out.stream_version = job->decided.front().version.value_or(0);
    out.position = job->decided.front().last_position;
  }
  out.events_written = replay ? 0 : events;
  out.replayed = replay;
  Answer(job, std::move(out));
  Release(job);
}

void EntityWriter::Answer(const std::shared_ptr<Job>& job, Result<WriteResult> r) {
  Done done = std::move(job->done);
  try {
    if (done) done(std::move(r));
  } catch (...) {
    // A callback must not throw; the writer goes on regardless.
  }
}

void EntityWriter::Release(const std::shared_ptr<Job>& job) {
  for (const auto& s : job->streams) {
    Lane& lane = lanes_[s];
    lane.busy = false;
    if (lane.state.has_value()) Touch(s, lane);
  }
  for (const auto& s : job->streams) {
    auto it = lanes_.find(s);
    if (it == lanes_.end() || it->second.busy) continue;
    if (it->second.waiting.empty()) {
      // Nothing held or waiting: the lane goes (held states go by Evict).
      if (!it->second.state.has_value()) lanes_.erase(it);
      continue;
    }
    std::shared_ptr<Job> next = std::move(it->second.waiting.front());
    it->second.waiting.pop_front();
    Admit(next, /*queued=*/true);
  }
  Evict();
  {
    std::lock_guard lock(mu_);
    --in_flight_;
    held_entities_ = lru_.size();
    held_bytes_ = bytes_;
  }
  cv_.notify_all();
}

void EntityWriter::Touch(const std::string& stream, Lane& lane) {
  if (lane.in_lru) lru_.erase(lane.lru);
  lru_.push_front(stream);
  lane.lru = lru_.begin();
  lane.in_lru = true;
}

void EntityWriter::SetHeld(const std::string& stream, std::any state, std::size_t bytes) {
  Lane& lane = lanes_[stream];
  bytes_ -= lane.bytes;
  lane.state = std::move(state);
  lane.bytes = bytes + 256;
  bytes_ += lane.bytes;
  Touch(stream, lane);
}

void EntityWriter::GrowEstimate(const std::string& stream, std::size_t bytes) {
  Lane* lane = LaneOf(stream);
  if (lane == nullptr || !lane->state.has_value()) return;
  lane->bytes += bytes;
  bytes_ += bytes;
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
    if (lane == lanes_.end() || lane->second.busy || !lane->second.waiting.empty()) continue;
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

}  // namespace assure::api
