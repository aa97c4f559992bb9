// A projection: a read model kept current from the log, in global order.
//
// Contract: Apply sees every event exactly once, in position order, starting
// after the position of the snapshot it was restored from (or from 1). An
// Apply that returns an error stops the runner: it never skips an event.
// Projections are mutated only by the ProjectionRunner, under its write lock;
// queries take its read lock (ProjectionRunner::ReadLock).
#pragma once

#include <memory>
#include <string>

#include "domain/event.h"
#include "storage/types.h"

namespace assure::api {

class Projection {
 public:
  virtual ~Projection() = default;
  // A stable name (on-disk: it keys the snapshot).
  virtual std::string Name() const = 0;
  virtual Status Apply(const storage::RecordedEvent& record, const domain::EventView& event) = 0;
  // The whole read model, for a snapshot written atomically with the checkpoint.
  virtual nlohmann::json Snapshot() const = 0;
  // Snapshot() as JSON text; a large model writes it row by row rather than
  // building the whole JSON value first.
  virtual std::string SnapshotText() const { return Snapshot().dump(); }
  // Replaces the read model with a snapshot; an error makes the runner rebuild.
  virtual Status Restore(const nlohmann::json& snapshot) = 0;
  virtual void Reset() = 0;
};

}  // namespace assure::api
