// What GET /metrics reports about the running server (README "Watching
// it" lists every family): the collectors that read, at scrape time, the
// objects that own the state (the store, the worker pool, the entity
// writer, the read models' runner, the live hub, the checkpoint log), and
// the counters of group commits, which the store feeds through
// StoreOptions::on_commit.
//
// Thread safety: Record may be called from any thread (the store's group
// leaders); the collectors run on a scrape's worker thread.
#pragma once

#include <memory>

#include "api/metrics/metric.h"
#include "api/metrics/text_format.h"
#include "storage/store_stats.h"

namespace assure::api {
class CheckpointLog;
class NetworkProjection;
class ProjectionRunner;
namespace live {
class LiveHub;
}
}  // namespace assure::api

namespace assure::storage {
class Clock;
class EventStore;
}  // namespace assure::storage

namespace assure::server {

class Application;

// Group commits, fed by the store (serve_command.cc sets on_commit).
class CommitMetrics {
 public:
  CommitMetrics();
  void Record(const storage::CommitSample& sample);
  void Collect(api::metrics::TextWriter& w) const;

 private:
  api::metrics::Counter events_;
  api::metrics::Counter bytes_;
  api::metrics::Histogram appends_;  // appends per group commit; its _count is the commits
  api::metrics::Histogram write_seconds_;
};

// The store's figures (queues, head, suspension, RocksDB, disk).
void CollectStore(storage::EventStore& store, api::metrics::TextWriter& w);

// The process's memory: its resident size and, with jemalloc, what the
// allocator holds (server/allocator.h).
void CollectMemory(api::metrics::TextWriter& w);

// Registers the collectors of what the Application owns: requests, the
// worker pool, the entity writer, the store, memory, and `commits` when given.
void AddApplicationCollectors(Application& app, std::shared_ptr<const CommitMetrics> commits);

// Registers the collectors of the read models, the live feed and the
// checkpoints (routes.cc, once it has made them).
void AddReadModelCollectors(Application& app, std::shared_ptr<api::ProjectionRunner> runner,
                            std::shared_ptr<api::NetworkProjection> network,
                            std::shared_ptr<api::live::LiveHub> hub,
                            std::shared_ptr<api::CheckpointLog> checkpoints,
                            std::shared_ptr<storage::Clock> clock);

}  // namespace assure::server
