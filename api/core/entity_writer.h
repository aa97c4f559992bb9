// EntityWriter: the single writer of the entities' streams.
//
// One thread ("assure-decide") owns the current state of the entities being
// written and decides every command against it, in the order the commands
// arrived (the single-writer principle, as LevelDB's writer owns its log). A
// command is decided, its events are applied to the held state at once, and
// they are handed to the store's group commit (AppendManyAsync). The next
// command on the same entity is decided against that state straight away,
// without waiting for the commit, so an entity's commands share group
// commits as other entities' do (a hot deliverable is not limited to one
// write per disk sync). Writes that land are answered in commit order, on
// the store's answering thread as soon as their commit's listeners have run,
// then their bookkeeping is posted to this thread; a refusal, a replay or a
// failed commit is answered on this thread.
//
// So a command without If-Match never loses a race, and is never retried
// because of another request: nothing else can append to an entity between
// its decision and its commit. One with If-Match is checked against the state
// at the moment it is decided (the commands decided before it included).
//
// Only a decision that writes is made ahead of a commit. A command refused,
// or already in effect, against a state with commits still in flight waits
// until they are answered and is decided again (its answer must not depend
// on writes that could still fail); so does a write across several streams
// (a new deliverable and its programme's list), which holds every one of
// them until it is answered.
//
// The store remains the judge: every append carries the exact expected
// version. If a commit fails, the entity's held state is dropped and the
// commands decided after it come back refused (their expected versions
// counted on it; nothing of theirs is written). Once the last is back, those
// without If-Match are decided once more from the store, in their order,
// before any later command; those with If-Match get kWrongExpectedVersion.
// Should another writer have appended to a held stream (nothing in the server
// does; a tool writing to the same store directly could), the same happens.
// A command refused a second time is kUnavailable.
//
// Memory: states are held for idle entities too, least recently written
// evicted first once their estimated size passes `cache_bytes`. The estimate
// of an entity is kHeldBytesPerJsonByte times its state's JSON (measured when
// loaded; grown by the same multiple of each write's event data; measured
// again whenever that has doubled it), plus its bookkeeping (the held object,
// map and list entries; some 300 bytes). Held, a state takes more than its JSON: each string 32 bytes
// at least, vectors grown by doubling (a meeting of sixty items: JSON 6.2 KB,
// 13.7 KB held; EntityWriterTest.*CostsNoMoreThan*).
//
// Thread safety: Submit and Run may be called from any thread; Run blocks
// and must not be called from a `done` callback (the store's answering
// thread or the writer's: it refuses there).
// Held/HeldIfAny are for WritePart callbacks only (the writer's thread).
#pragma once

#include <any>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/core/aggregate_loader.h"
#include "domain/aggregate.h"
#include "api/core/event_mapping.h"
#include "storage/event_store.h"

namespace assure::api {

struct WriteResult {
  std::string id;
  std::uint64_t stream_version = 0;
  std::uint64_t position = 0;   // of the last event written (or the stream's last)
  std::size_t events_written = 0;
  bool replayed = false;        // an Idempotency-Key retry: nothing written
};

class EntityWriter;

// What one stream's part of a write decided against the held state.
struct DecidedPart {
  storage::StreamAppend append;          // no events: nothing to write to it
  std::optional<std::uint64_t> version;  // the state decided against (empty: no stream)
  std::uint64_t last_position = 0;
};

// One stream's part of a write, run on the writer's thread while the stream
// is held. `decide` fills `out` for the request, numbering its events'
// Idempotency-Key ids from `first_index`; it must not change anything (it may
// run again). `apply` brings the held state up to date with the part's
// events once they are decided, before their commit: `appended` then holds
// the stream version they will have, positions 0. `landed` (optional) sees
// the store's result once they are committed.
struct WritePart {
  std::string stream;
  std::string entity_id;  // the id the result reports
  std::function<Status(EntityWriter& w, const RequestContext& rc, std::size_t first_index,
                       DecidedPart& out)>
      decide;
  std::function<void(EntityWriter& w, const storage::StreamAppend& written,
                     const storage::AppendResult& appended)>
      apply;
  std::function<void(EntityWriter& w, const storage::AppendResult& appended)> landed;
};

class EntityWriter {
 public:
  using Done = std::function<void(Result<WriteResult>)>;

  explicit EntityWriter(std::shared_ptr<storage::EventStore> store,
                        std::size_t cache_bytes = std::size_t{64} << 20);
  // Answers every write already submitted, then stops the thread.
  ~EntityWriter();
  EntityWriter(const EntityWriter&) = delete;
  EntityWriter& operator=(const EntityWriter&) = delete;

  // Queues a write of `parts` (the first is the command's own entity, whose
  // version and position the result reports). `done` is called exactly
  // once: on the store's answering thread for a write that landed, on the
  // caller's when Submit refuses the parts themselves (no stream, or one
  // twice), on the writer's for any other answer. It must be quick and must
  // not call Run (which refuses on the first and the last rather than
  // deadlock).
  void Submit(std::vector<WritePart> parts, RequestContext rc, Done done);
  // Waits until every write submitted so far has been answered.
  void WaitIdle();
  // Submit, waiting for the answer.
  Result<WriteResult> Run(std::vector<WritePart> parts, RequestContext rc);

  // The held state of Agg's entity `id`, loaded from the store (newest
  // stream snapshot, then the events after it) if not held. Only while the
  // entity's stream is held by the calling part.
  template <domain::Folds Agg>
  Result<Loaded<Agg>*> Held(std::string_view id);
  // The held state if there is one of that type.
  template <domain::Folds Agg>
  Loaded<Agg>* HeldIfAny(std::string_view id);
  // Adds to the held entity's size estimate (a part's committed events, at
  // kHeldBytesPerJsonByte per byte of their data, as a measure charges the
  // state's JSON); true once the estimate has doubled since the state was last measured
  // (loaded, or Remeasure): the caller then measures it again. Events do not
  // always grow a state (a deliverable keeps its newest 20 notes), and an
  // estimate that only grew had a hot deliverable's pass the whole budget,
  // evicting every other entity as soon as it was idle.
  bool GrowEstimate(const std::string& stream, std::size_t bytes);
  // Sets the held entity's estimate from `json_bytes` (its state as JSON)
  // and its bookkeeping.
  void Remeasure(const std::string& stream, std::size_t json_bytes);
  // What a held state is charged per byte of its JSON (see Memory above): a
  // meeting of sixty items takes 2.2, a counter's small state more, within
  // its bookkeeping's rounding (EntityWriterTest.*CostsNoMoreThan*).
  static constexpr std::size_t kHeldBytesPerJsonByte = 3;

  std::shared_ptr<storage::EventStore> store() const { return store_; }
  // Entities held and their estimated bytes (for tests and metrics).
  std::size_t HeldEntities() const;
  std::size_t HeldBytes() const;
  // Writes submitted and not yet answered (for metrics).
  std::size_t InFlight() const;

 private:
  struct Job;
  struct Lane {
    std::size_t in_flight = 0;  // jobs decided on it, not yet answered
    bool exclusive = false;     // a job across several streams holds it
    bool barrier = false;       // the front waiting job needs in_flight == 0
    bool draining = false;      // a commit failed: waits for in_flight == 0
    std::uint64_t epoch = 0;    // counts the drains: tells a failure's victims
    // Lists, not deques: every held entity has a lane, and an empty
    // std::deque allocates a block and a map (1,152 bytes for the two).
    std::list<std::shared_ptr<Job>> waiting;
    std::list<std::shared_ptr<Job>> redo;  // refused while draining, in order
    std::any state;
    std::size_t bytes = 0;
    std::size_t measured = 0;  // `bytes` when the state was last measured
    std::size_t fixed = 0;     // of `bytes`, what holding costs apart from the state's contents
    bool in_lru = false;
    std::list<std::string>::iterator lru;
    bool Blocked() const { return exclusive || barrier || draining; }
    bool Idle() const { return in_flight == 0 && !exclusive && waiting.empty() && redo.empty(); }
  };

  void Post(std::function<void()> item);
  void Loop();
  void Admit(const std::shared_ptr<Job>& job, const std::string* from);
  void Start(const std::shared_ptr<Job>& job);
  void Defer(const std::shared_ptr<Job>& job);
  void Complete(const std::shared_ptr<Job>& job, Result<std::vector<storage::AppendResult>> r);
  bool Retry(const std::shared_ptr<Job>& job, const Error& e);
  void Answer(const std::shared_ptr<Job>& job, Result<WriteResult> r);
  static void Call(Done& done, Result<WriteResult> r);  // a callback's exception goes no further
  static bool Replayed(const std::vector<storage::AppendResult>& results);
  // What a write that committed answers.
  static WriteResult Written(const Job& job, const std::vector<storage::AppendResult>& results, bool replay);
  void Release(const std::shared_ptr<Job>& job, bool answered = true);
  void Pump(const std::string& stream);
  void Forget(const std::string& stream);
  void Touch(const std::string& stream, Lane& lane);
  void Evict();
  Lane* LaneOf(std::string_view stream);
  // `object_bytes`: the held object's size; `json_bytes`: its state's JSON.
  void SetHeld(const std::string& stream, std::any state, std::size_t object_bytes,
               std::size_t json_bytes);
  // What holding an entity costs besides its state: its map and LRU list
  // entries, the key twice, the allocator's rounding.
  static std::size_t BookkeepingBytes(const std::string& stream, std::size_t object_bytes);

  std::shared_ptr<storage::EventStore> store_;
  const std::size_t cache_bytes_;

  // The writer's thread only.
  std::unordered_map<std::string, Lane> lanes_;
  std::list<std::string> lru_;  // held states, most recently written first
  std::size_t bytes_ = 0;

  mutable std::mutex mu_;  // guards inbox_, stopping_, in_flight_, and the two counters below
  std::condition_variable cv_;
  std::deque<std::function<void()>> inbox_;
  bool stopping_ = false;
  std::size_t in_flight_ = 0;  // submitted, not yet answered
  std::size_t held_entities_ = 0;
  std::size_t held_bytes_ = 0;
  std::thread thread_;
};

template <domain::Folds Agg>
Result<Loaded<Agg>*> EntityWriter::Held(std::string_view id) {
  const std::string stream = domain::StreamId(Agg::kKind, id);
  if (Loaded<Agg>* held = HeldIfAny<Agg>(id)) {
    // With commits in flight the held state is ahead of the store, which
    // will judge them by their expected versions.
    if (Lane* lane = LaneOf(stream); lane != nullptr && lane->in_flight > 0) return held;
    // The stream's head (an in-memory look-up in the store) confirms that
    // nothing was appended behind the writer's back; else refold.
    auto info = store_->GetStreamInfo(stream);
    if (info.ok() && (info->exists ? held->version == info->current_version : !held->version)) {
      return held;
    }
    Forget(stream);
  }
  auto loaded = LoadAggregate<Agg>(*store_, id);
  if (!loaded.ok()) return loaded.error();
  const std::size_t json_bytes = Agg::ToJson(loaded->state).dump().size();
  SetHeld(stream, std::any(std::move(loaded).value()), sizeof(Loaded<Agg>), json_bytes);
  return HeldIfAny<Agg>(id);
}

template <domain::Folds Agg>
Loaded<Agg>* EntityWriter::HeldIfAny(std::string_view id) {
  Lane* lane = LaneOf(domain::StreamId(Agg::kKind, id));
  return lane == nullptr ? nullptr : std::any_cast<Loaded<Agg>>(&lane->state);
}

// A part running `commands` on Agg's entity `id`, in order, each decided
// against the state the ones before it leave. With check_if_match, the
// request's If-Match must equal the entity's version (kPreconditionFailed
// with the actual version otherwise).
template <domain::Decides Agg>
WritePart CommandPart(std::string id, std::vector<typename Agg::Command> commands,
                      bool check_if_match) {
  WritePart part;
  part.stream = domain::StreamId(Agg::kKind, id);
  part.entity_id = id;
  part.decide = [id, commands = std::move(commands), check_if_match, stream = part.stream](
                    EntityWriter& w, const RequestContext& rc, std::size_t first,
                    DecidedPart& out) -> Status {
    auto held = w.Held<Agg>(id);
    if (!held.ok()) return held.error();
    const Loaded<Agg>& loaded = **held;
    if (check_if_match && rc.if_match && loaded.version != rc.if_match) {
      Error e = MakeError(ErrorCode::kPreconditionFailed,
                          "the " + std::string(Agg::kKind) + " has changed since version " +
                              std::to_string(*rc.if_match) + "; reload it and try again");
      e.actual_version = loaded.version ? static_cast<std::int64_t>(*loaded.version) : -1;
      return e;
    }
    out.version = loaded.version;
    out.last_position = loaded.last_position;
    out.append.stream_id = stream;
    out.append.expected = loaded.version ? storage::ExpectedVersion::Exact(*loaded.version)
                                         : storage::ExpectedVersion::NoStream();
    domain::CommandContext ctx{rc.actor, rc.now_us, id};
    // A batch decides each command against the state the earlier ones leave:
    // a scratch copy, so that the held state changes only once all of them
    // are decided (by `apply`).
    std::optional<typename Agg::State> scratch;
    for (std::size_t c = 0; c < commands.size(); ++c) {
      auto decided = Agg::Decide(scratch ? *scratch : loaded.state, commands[c], ctx);
      if (!decided.ok()) return decided.error();
      for (const auto& e : *decided) {
        if (c + 1 < commands.size()) {
          if (!scratch) scratch = loaded.state;
          domain::EventView v;
          v.stream_id = stream;
          v.type = e.type;
          v.data = &e.data;
          Agg::Evolve(*scratch, v);
        }
        const std::size_t index = first + out.append.events.size();
        auto stored =
            ToStoredEvent(e, rc, rc.idempotency_key.empty() ? std::string() : IdempotentEventId(rc, index));
        if (!stored.ok()) return stored.error();
        out.append.events.push_back(std::move(stored).value());
      }
    }
    return {};
  };
  part.apply = [id](EntityWriter& w, const storage::StreamAppend& written,
                    const storage::AppendResult& appended) {
    Loaded<Agg>* held = w.HeldIfAny<Agg>(id);
    if (held == nullptr) return;
    nlohmann::json holder;
    std::size_t bytes = 0;
    const std::uint64_t first_version = appended.stream_version + 1 - written.events.size();
    for (std::size_t i = 0; i < written.events.size(); ++i) {
      const storage::ProposedEvent& p = written.events[i];
      storage::RecordedEvent r;
      r.position = appended.first_position + i;
      r.stream_id = written.stream_id;
      r.stream_version = first_version + i;
      r.type = p.type;
      r.schema_version = p.schema_version;
      r.data = p.data;
      r.metadata = p.metadata;
      r.recorded_at_us = appended.recorded_at_us;
      Agg::Evolve(held->state, MakeView(r, holder));
      bytes += r.data.size();
    }
    held->version = appended.stream_version;
    if (w.GrowEstimate(written.stream_id, bytes)) {
      // Amortised: the state is measured once each time the events since
      // the last measure have doubled its estimate.
      w.Remeasure(written.stream_id, Agg::ToJson(held->state).dump().size());
    }
  };
  part.landed = [id](EntityWriter& w, const storage::AppendResult& appended) {
    // In commit order, so the last one landed is the newest.
    if (Loaded<Agg>* held = w.HeldIfAny<Agg>(id)) held->last_position = appended.last_position;
  };
  return part;
}

// A command's consequence on another entity, written in the same commit:
// `command` on Agg's entity `id` (e.g. a new deliverable listed in its
// programme).
using Companion = WritePart;
template <domain::Decides Agg>
Companion CompanionCommand(std::string id, typename Agg::Command command) {
  return CommandPart<Agg>(std::move(id), {std::move(command)}, /*check_if_match=*/false);
}

// Calls visit(event) for each event rc's Idempotency-Key wrote, in the order
// written (their ids are IdempotentEventId(rc, 0), (rc, 1), ...), until one
// is not stored or visit returns false.
Status ForEachEventOfKey(storage::EventStore& store, const RequestContext& rc,
                         const std::function<bool(const storage::RecordedEvent&)>& visit);

// The first result of an Idempotency-Key already used, if it was.
Result<std::optional<WriteResult>> FindIdempotentResult(storage::EventStore& store,
                                                        const RequestContext& rc,
                                                        std::string_view id);

// The parts of one command's write: the command on its own entity (If-Match
// checked there), then its companions.
template <domain::Decides Agg>
std::vector<WritePart> CommandParts(std::string id, typename Agg::Command command,
                                    std::vector<Companion> companions) {
  std::vector<WritePart> parts;
  parts.push_back(CommandPart<Agg>(std::move(id), {std::move(command)}, /*check_if_match=*/true));
  for (auto& c : companions) parts.push_back(std::move(c));
  return parts;
}

// Runs `command` on Agg's entity `id` (with its companions in the same
// commit) through the writer; `done` as for EntityWriter::Submit. A retried
// Idempotency-Key replays the first result without writing (the look-up
// runs on the caller's thread). A command that decides no events (already
// in effect) writes nothing and reports the current version.
template <domain::Decides Agg>
void SubmitCommand(EntityWriter& writer, std::string id, typename Agg::Command command,
                   RequestContext rc, std::vector<Companion> companions, EntityWriter::Done done) {
  if (!rc.idempotency_key.empty()) {
    auto first = FindIdempotentResult(*writer.store(), rc, id);
    if (!first.ok()) return done(first.error());
    if (first->has_value()) return done(std::move(**first));
  }
  writer.Submit(CommandParts<Agg>(std::move(id), std::move(command), std::move(companions)),
                std::move(rc), std::move(done));
}

// Runs the parts of a write on entity `id` (CommandParts, or parts built on
// them) through the writer, waiting for the answer (not from a `done`
// callback). A retried Idempotency-Key replays the first result without
// writing.
Result<WriteResult> ExecuteParts(EntityWriter& writer, std::string_view id, std::vector<WritePart> parts,
                                 const RequestContext& rc);

// SubmitCommand, waiting for the answer (not from a `done` callback).
template <domain::Decides Agg>
Result<WriteResult> Execute(EntityWriter& writer, std::string_view id,
                            const typename Agg::Command& command, const RequestContext& rc,
                            std::vector<Companion> companions = {}) {
  return ExecuteParts(writer, id, CommandParts<Agg>(std::string(id), command, std::move(companions)), rc);
}

}  // namespace assure::api
