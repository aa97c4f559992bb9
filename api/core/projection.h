// A projection: a read model kept current from the log, in global order.
//
// Contract: Apply sees every event exactly once, in position order, starting
// after the position of the snapshot it was restored from (or from 1). An
// Apply that returns an error stops the runner: it never skips an event.
// Projections are mutated only by the ProjectionRunner, under its write lock;
// queries take its read lock (ProjectionRunner::ReadLock).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "domain/event.h"
#include "storage/types.h"

namespace assure::api {

class Projection {
 public:
  virtual ~Projection() = default;
  // A stable name (on-disk: it keys the snapshot).
  virtual std::string Name() const = 0;
  virtual Status Apply(const storage::RecordedEvent& record, const domain::EventView& event) = 0;
  // The whole read model as text, for a snapshot written atomically with
  // the checkpoint (its layout is the projection's; on-disk).
  virtual std::string SnapshotText() const = 0;
  // A function returning SnapshotText() of the model as it is now. The
  // runner calls this under its lock, so it must be cheap next to the
  // rendering (e.g. copy the model), and runs the result without the lock,
  // while events are applied. The default renders at once.
  virtual std::function<std::string()> SnapshotLater() const {
    return [text = SnapshotText()] { return text; };
  }
  // Replaces the read model with one read from SnapshotText()'s output; an
  // error leaves the model as it was and makes the runner rebuild.
  virtual Status RestoreText(std::string_view text) = 0;
  virtual void Reset() = 0;
};

}  // namespace assure::api
