// A projection: a read model kept current from the log, in global order.
//
// Contract: Apply sees every event exactly once, in position order, starting
// after the position of the snapshot it was restored from (or from 1). An
// Apply that returns an error stops the runner: it never skips an event.
// Projections are mutated only by the ProjectionRunner, under its write lock;
// queries take its read lock (ProjectionRunner::ReadLock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "domain/event.h"
#include "storage/types.h"

namespace assure::api {

// A snapshot's parts. A large read model's snapshot is written as parts
// (at most about kSnapshotPartBytes each), then its text, which names them;
// ProjectionRunner keeps them under state keys (storage/FORMAT.md 2.1), so
// no value, write or buffer holds the whole model's text at once.
// EmitPart stores the next part (numbered 0, 1, ... in the order emitted);
// ReadPart returns part `index` of the snapshot being restored (it may be
// called from several threads at once).
inline constexpr std::size_t kSnapshotPartBytes = 1 << 20;
using EmitPart = std::function<Status(std::string&& bytes)>;
using ReadPart = std::function<Result<std::string>(std::uint64_t index)>;
// Renders a snapshot: emits its parts (if any) and returns its text. Called
// once (a renderer may give up what it copied as it renders).
using SnapshotRenderer = std::function<Result<std::string>(const EmitPart&)>;

class Projection {
 public:
  virtual ~Projection() = default;
  // A stable name (on-disk: it keys the snapshot).
  virtual std::string Name() const = 0;
  virtual Status Apply(const storage::RecordedEvent& record, const domain::EventView& event) = 0;
  // A renderer of the read model as it is now, for a snapshot whose text is
  // written atomically with the checkpoint (its layout is the projection's;
  // on-disk). The runner calls this under its lock, so it must be cheap
  // next to the rendering (e.g. copy the model), and runs the result
  // without the lock, while events are applied.
  virtual SnapshotRenderer SnapshotLater() const = 0;
  // Replaces the read model with one read from a snapshot's text and parts;
  // an error leaves the model as it was and makes the runner rebuild.
  virtual Status RestoreText(std::string_view text, const ReadPart& parts) = 0;
  // Empties the read model, for the runner to fold the log again from its
  // start; an error (the store's) stops the runner's start or rebuild.
  virtual Status Reset() = 0;
};

}  // namespace assure::api
