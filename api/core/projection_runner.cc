#include "api/core/projection_runner.h"

#include "api/core/event_mapping.h"
#include "storage/codec.h"

namespace assure::api {

namespace {
constexpr const char* kCheckpointKey = "proj/checkpoint";
std::string SnapshotKey(const Projection& p) { return "proj/snapshot/" + p.Name(); }
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
    bool restored = checkpoint->has_value() && (*checkpoint)->size() == 8;
    for (auto& p : projections_) {
      if (!restored) break;
      auto snap = store_.GetState(SnapshotKey(*p));
      if (!snap.ok()) return snap.error();
      restored = snap->has_value() && p->RestoreText(**snap).ok();
    }
    if (restored) {
      position_ = storage::GetU64((*checkpoint)->data());
    } else {
      for (auto& p : projections_) p->Reset();
      position_ = 0;
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
  std::unique_lock lock(mu_);
  for (auto& p : projections_) p->Reset();
  position_ = 0;
  applied_.store(0);
  failure_.reset();
  return CatchUpLocked(0);
}

Status ProjectionRunner::SaveSnapshots() {
  std::lock_guard saving(save_mu_);
  std::vector<std::function<std::string()>> renderers;
  std::uint64_t position = 0;
  {
    // Only long enough to take what the snapshots need at one position.
    std::shared_lock lock(mu_);
    position = position_;
    if (saved_position_ == position) return {};
    for (auto& p : projections_) renderers.push_back(p->SnapshotLater());
  }
  std::vector<storage::KeyValue> pairs;
  for (std::size_t i = 0; i < projections_.size(); ++i) {
    pairs.push_back({SnapshotKey(*projections_[i]), renderers[i]()});
  }
  pairs.push_back({kCheckpointKey, storage::U64Key(position)});
  ASSURE_TRY(store_.PutState(pairs));
  saved_position_ = position;
  return {};
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
