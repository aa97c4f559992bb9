#include "api/core/projection_runner.h"

#include <cstdio>

#include "api/core/event_mapping.h"
#include "storage/codec.h"

namespace assure::api {

namespace {
constexpr const char* kCheckpointKey = "proj/checkpoint";
// "a" or "b": the slot of the parts the saved snapshots name (FORMAT.md 2.1).
constexpr const char* kSlotKey = "proj/snapshot-slot";
// Parts are written in batches of about this many bytes, unsynced (the
// synced batch of texts and checkpoint that follows makes them durable:
// one write-ahead log, written in order).
constexpr std::size_t kPartBatchBytes = 4 * kSnapshotPartBytes;
std::string SnapshotKey(const Projection& p) { return "proj/snapshot/" + p.Name(); }
std::string PartKey(const Projection& p, std::string_view slot, std::uint64_t index) {
  char number[24];
  std::snprintf(number, sizeof number, "%010llu", static_cast<unsigned long long>(index));
  return "proj/snapshot-part/" + p.Name() + "/" + std::string(slot) + "/" + number;
}
}  // namespace

ProjectionRunner::ProjectionRunner(storage::EventStore& store,
                                   std::vector<std::shared_ptr<Projection>> projections)
    : store_(store), projections_(std::move(projections)) {}

ProjectionRunner::~ProjectionRunner() {
  if (subscription_) store_.Unsubscribe(subscription_);
}

Status ProjectionRunner::Start() {
  {
    std::unique_lock lock(mu_);
    auto checkpoint = store_.GetState(kCheckpointKey);
    if (!checkpoint.ok()) return checkpoint.error();
    auto slot = SavedSlot();
    if (!slot.ok()) return slot.error();
    // No slot, or one that is neither "a" nor "b": no snapshot of this
    // format was saved (they are written with it), or no part can be trusted.
    bool restored = checkpoint->has_value() && (*checkpoint)->size() == 8 && !slot->empty();
    for (auto& p : projections_) {
      if (!restored) break;
      auto snap = store_.GetState(SnapshotKey(*p));
      if (!snap.ok()) return snap.error();
      const ReadPart parts = [this, &p, &slot](std::uint64_t index) -> Result<std::string> {
        auto part = store_.GetState(PartKey(*p, *slot, index));
        if (!part.ok()) return part.error();
        if (!part->has_value()) return MakeError(ErrorCode::kCorruption, "part " + std::to_string(index) + " is missing");
        return std::move(**part);
      };
      restored = snap->has_value() && p->RestoreText(**snap, parts).ok();
    }
    if (restored) {
      position_ = storage::GetU64((*checkpoint)->data());
    } else {
      ASSURE_TRY(StartOverLocked());
    }
    applied_.store(position_);
    Status s = CatchUpLocked(0);
    if (!s.ok()) return s;
  }
  subscription_ = store_.Subscribe(
      [this](const std::vector<storage::RecordedEvent>& events) { OnCommitted(events); });
  // Events committed between the catch-up and the subscription.
  std::unique_lock lock(mu_);
  return CatchUpLocked(0);
}

Status ProjectionRunner::Rebuild() {
  std::lock_guard saving(save_mu_);
  std::unique_lock lock(mu_);
  saved_position_.reset();
  failure_.reset();
  ASSURE_TRY(StartOverLocked());
  applied_.store(0);
  return CatchUpLocked(0);
}

Status ProjectionRunner::StartOverLocked() {
  // The saved snapshots stop counting first (synced): a projection's Reset
  // may delete what they rely on (the network's cold rows), so a start after
  // a crash in the replay that follows must replay too, not restore them.
  auto checkpoint = store_.GetState(kCheckpointKey);
  Status s = checkpoint.ok() ? Status{} : Status(checkpoint.error());
  if (s.ok() && checkpoint->has_value() && !(*checkpoint)->empty()) s = store_.PutState({{kCheckpointKey, ""}});
  for (auto& p : projections_) {
    if (s.ok()) s = p->Reset();
  }
  position_ = 0;
  // A model half reset must not take events (nor be saved): the runner
  // stops, as when an event cannot be applied.
  if (!s.ok()) failure_ = s.error();
  return s;
}

Status ProjectionRunner::SaveSnapshots() {
  std::lock_guard saving(save_mu_);
  std::vector<SnapshotRenderer> renderers;
  std::uint64_t position = 0;
  {
    // Only long enough to take what the snapshots need at one position.
    std::shared_lock lock(mu_);
    position = position_;
    if (saved_position_ == position) return {};
    for (auto& p : projections_) renderers.push_back(p->SnapshotLater());
  }
  // The parts go to the slot the saved snapshots do not use (read from the
  // store, not remembered: whatever wrote it): until the batch below lands,
  // those stay whole.
  auto saved_slot = SavedSlot();
  if (!saved_slot.ok()) return saved_slot.error();
  const std::string slot = *saved_slot == "a" ? "b" : "a";
  std::vector<storage::KeyValue> batch;
  std::size_t batch_bytes = 0;
  auto flush = [&](bool sync) -> Status {
    Status s = store_.PutState(batch, sync);
    batch.clear();
    batch_bytes = 0;
    return s;
  };
  std::vector<storage::KeyValue> texts;
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    std::uint64_t next = 0;
    const EmitPart emit = [&, i](std::string&& bytes) -> Status {
      batch_bytes += bytes.size();
      batch.push_back({PartKey(*projections_[i], slot, next++), std::move(bytes)});
      return batch_bytes >= kPartBatchBytes ? flush(/*sync=*/false) : Status{};
    };
    auto text = renderers[i](emit);
    if (!text.ok()) return text.error();
    renderers[i] = nullptr;  // what it copied goes now
    texts.push_back({SnapshotKey(*projections_[i]), std::move(*text)});
  }
  if (!batch.empty()) ASSURE_TRY(flush(/*sync=*/false));
  texts.push_back({kCheckpointKey, storage::U64Key(position)});
  texts.push_back({kSlotKey, slot});
  ASSURE_TRY(store_.PutState(texts));
  saved_position_ = position;
  return {};
}

Result<std::string> ProjectionRunner::SavedSlot() const {
  auto slot = store_.GetState(kSlotKey);
  if (!slot.ok()) return slot.error();
  if (slot->has_value() && (**slot == "a" || **slot == "b")) return **slot;
  return std::string();
}

std::uint64_t ProjectionRunner::position() const {
  std::shared_lock lock(mu_);
  return position_;
}

std::optional<Error> ProjectionRunner::failure() const {
  std::shared_lock lock(mu_);
  return failure_;
}

bool ProjectionRunner::WaitFor(std::uint64_t target, std::chrono::milliseconds timeout) const {
  std::unique_lock l(wait_mu_);
  return advanced_.wait_for(l, timeout, [&] { return applied_.load() >= target; });
}

Status ProjectionRunner::ApplyLocked(const storage::RecordedEvent& e) {
  nlohmann::json holder;
  domain::EventView view = MakeView(e, holder);
  for (auto& p : projections_) {
    Status s = p->Apply(e, view);
    if (!s.ok()) {
      Error err = s.error();
      err.message = "projection '" + p->Name() + "' failed at position " +
                    std::to_string(e.position) + ": " + err.message;
      failure_ = err;
      return err;
    }
  }
  position_ = e.position;
  applied_.store(position_);
  return {};
}

Status ProjectionRunner::CatchUpLocked(std::uint64_t to) {
  if (failure_) return *failure_;
  for (;;) {
    auto page = store_.ReadAll(position_ + 1, 1000);
    if (!page.ok()) return page.error();
    for (const auto& e : page->events) {
      if (to != 0 && e.position > to) return {};
      ASSURE_TRY(ApplyLocked(e));
    }
    if (page->end_of_log || page->events.empty()) break;
  }
  {
    std::lock_guard l(wait_mu_);
  }
  advanced_.notify_all();
  return {};
}

void ProjectionRunner::OnCommitted(const std::vector<storage::RecordedEvent>& events) {
  {
    std::unique_lock lock(mu_);
    for (const auto& e : events) {
      if (failure_) break;
      if (e.position <= position_) continue;
      if (e.position > position_ + 1 && !CatchUpLocked(e.position - 1).ok()) break;
      if (!ApplyLocked(e).ok()) break;
    }
  }
  {
    std::lock_guard l(wait_mu_);
  }
  advanced_.notify_all();
}

}  // namespace assure::api
