// Snapshots in tests: projections whose snapshot is one text (no parts),
// and a snapshot's text and parts held in memory or read from a store
// (ProjectionRunner's keys, storage/FORMAT.md 2.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/core/projection.h"
#include "storage/event_store.h"

namespace assure::api::testing {

// A test projection whose snapshot is the text SnapshotText() returns.
class TextSnapshotProjection : public Projection {
 public:
  virtual std::string SnapshotText() const = 0;
  virtual Status RestoreWhole(std::string_view text) = 0;
  SnapshotRenderer SnapshotLater() const override {
    return [text = SnapshotText()](const EmitPart&) -> Result<std::string> { return text; };
  }
  Status RestoreText(std::string_view text, const ReadPart&) override { return RestoreWhole(text); }
};

struct SnapshotInMemory {
  std::string text;
  std::vector<std::string> parts;
};

// What `render` (a projection's SnapshotLater) renders, held in memory; an
// empty text if it fails.
inline SnapshotInMemory Render(const SnapshotRenderer& render) {
  SnapshotInMemory out;
  auto text = render([&](std::string&& part) -> Status {
    out.parts.push_back(std::move(part));
    return {};
  });
  if (text.ok()) out.text = std::move(*text);
  return out;
}

// `p`'s snapshot now (rendered at once).
inline SnapshotInMemory SnapshotNow(const Projection& p) { return Render(p.SnapshotLater()); }

// Restores `p` from `s`; a part `s` does not have is kCorruption.
inline Status RestoreFrom(Projection& p, const SnapshotInMemory& s) {
  return p.RestoreText(s.text, [&](std::uint64_t i) -> Result<std::string> {
    if (i >= s.parts.size()) return MakeError(ErrorCode::kCorruption, "part " + std::to_string(i) + " is missing");
    return s.parts[i];
  });
}

// The snapshot of projection `name` saved in `store`: its text and the
// parts of the slot the saved snapshots use (every part stored there, in
// order, including any beyond what the text names).
inline SnapshotInMemory StoredSnapshot(storage::EventStore& store, const std::string& name) {
  SnapshotInMemory out;
  auto text = store.GetState("proj/snapshot/" + name);
  auto slot = store.GetState("proj/snapshot-slot");
  if (!text.ok() || !text->has_value() || !slot.ok() || !slot->has_value()) return out;
  out.text = **text;
  auto parts = store.ScanState("proj/snapshot-part/" + name + "/" + **slot + "/");
  if (parts.ok()) {
    for (auto& kv : *parts) out.parts.push_back(std::move(kv.value));
  }
  return out;
}

}  // namespace assure::api::testing
