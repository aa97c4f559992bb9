// Helpers shared by the storage tests: temporary directories, a fixed clock
// and quick event builders.
#pragma once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/clock.h"
#include "storage/event_store.h"
#include "storage/fault_backend.h"
#include "storage/log_store.h"

namespace assure::storage::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "assure-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A clock tests can set; thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start = 1'700'000'000'000'000) : now_(start) {}
  std::int64_t NowMicros() override { return now_.load(); }
  void Set(std::int64_t us) { now_.store(us); }
  void Advance(std::int64_t us) { now_ += us; }

 private:
  std::atomic<std::int64_t> now_;
};

inline ProposedEvent Ev(std::string type, std::string data = "{}", std::string id = {}) {
  ProposedEvent e;
  e.type = std::move(type);
  e.data = std::move(data);
  e.event_id = std::move(id);
  e.metadata.actor = "person-1";
  e.metadata.source = "test";
  return e;
}

inline std::vector<ProposedEvent> One(std::string type, std::string data = "{}",
                                      std::string id = {}) {
  std::vector<ProposedEvent> v;
  v.push_back(Ev(std::move(type), std::move(data), std::move(id)));
  return v;
}

// An in-memory store behind a FaultBackend, for tests that make the disk
// fail or hold its commits: the store, and the backend to set faults on.
struct FaultStore {
  FaultBackend* backend = nullptr;  // owned by the store
  std::shared_ptr<EventStore> store;
};
inline FaultStore OpenFaultStore(StoreOptions options = {}) {
  auto backend = std::make_unique<FaultBackend>(NewMemoryBackend());
  FaultStore out;
  out.backend = backend.get();
  auto opened = LogStore::Open(std::move(backend), std::move(options));
  if (opened.ok()) out.store = std::shared_ptr<EventStore>(std::move(opened).value());
  return out;
}

}  // namespace assure::storage::testing
