#include "server/runtime_metrics.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include "api/audit/checkpoint.h"
#include "api/core/projection_runner.h"
#include "api/live/live_hub.h"
#include "api/queries/network_model.h"
#include "server/allocator.h"
#include "server/application.h"
#include "storage/event_store.h"

namespace assure::server {

using api::metrics::MetricType;
using api::metrics::TextWriter;

namespace {

// One unlabelled gauge: its family and its sample.
void Gauge(TextWriter& w, std::string_view name, std::string_view help, double value) {
  w.Family(name, MetricType::kGauge, help);
  w.Sample(name, {}, value);
}

void Count(TextWriter& w, std::string_view name, std::string_view help, std::uint64_t value) {
  w.Family(name, MetricType::kCounter, help);
  w.Sample(name, {}, value);
}

double D(std::uint64_t v) { return static_cast<double>(v); }

}  // namespace

CommitMetrics::CommitMetrics()
    : appends_(api::metrics::SizeBuckets()), write_seconds_(api::metrics::LatencyBuckets()) {}

void CommitMetrics::Record(const storage::CommitSample& sample) {
  events_.Inc(sample.events);
  bytes_.Inc(sample.bytes);
  appends_.Observe(static_cast<double>(sample.appends));
  write_seconds_.Observe(std::chrono::duration<double>(sample.write).count());
}

void CommitMetrics::Collect(TextWriter& w) const {
  w.Family("assure_store_group_commit_appends", MetricType::kHistogram,
           "Appends per group commit (its _count is the number of group commits)");
  w.Histogram("assure_store_group_commit_appends", {}, appends_.Snapshot());
  w.Family("assure_store_commit_write_seconds", MetricType::kHistogram,
           "Time to write one group commit's batch and sync the write-ahead log");
  w.Histogram("assure_store_commit_write_seconds", {}, write_seconds_.Snapshot());
  Count(w, "assure_store_committed_events_total", "Events committed", events_.Value());
  Count(w, "assure_store_committed_bytes_total", "Encoded event bytes committed", bytes_.Value());
}

void CollectStore(storage::EventStore& store, TextWriter& w) {
  const storage::StoreStats stats = store.Stats();
  Gauge(w, "assure_store_commit_queue_depth", "Appends waiting for a group commit",
        D(stats.queued_appends));
  Gauge(w, "assure_store_answer_queue_depth",
        "Committed groups waiting for their listeners and answers", D(stats.unanswered_groups));
  Gauge(w, "assure_store_head_position", "The log's last position", D(store.Head().position));
  Gauge(w, "assure_store_writes_suspended",
        "1 while writes are suspended (disk full or failing; writes answer 503), else 0",
        store.WriteFailure() ? 1 : 0);
  Count(w, "assure_store_listener_failures_total", "Store listeners or append callbacks that threw",
        store.ListenerFailures());
  if (!stats.engine) return;
  const storage::EngineStats& e = *stats.engine;
  Gauge(w, "assure_store_disk_bytes", "Bytes of every file in the store's directory", D(e.disk_bytes));
  if (e.disk_free_bytes) {
    Gauge(w, "assure_store_disk_free_bytes", "Bytes free on the store's file system",
          D(*e.disk_free_bytes));
  }
  Gauge(w, "assure_rocksdb_live_data_bytes", "RocksDB rocksdb.estimate-live-data-size, all column families",
        D(e.live_data_bytes));
  Gauge(w, "assure_rocksdb_sst_files_bytes", "RocksDB rocksdb.total-sst-files-size, all column families",
        D(e.sst_files_bytes));
  Gauge(w, "assure_rocksdb_memtable_bytes", "RocksDB rocksdb.cur-size-all-mem-tables, all column families",
        D(e.memtable_bytes));
  Gauge(w, "assure_rocksdb_pending_compaction_bytes",
        "RocksDB rocksdb.estimate-pending-compaction-bytes, all column families",
        D(e.pending_compaction_bytes));
  Gauge(w, "assure_rocksdb_running_compactions", "RocksDB rocksdb.num-running-compactions",
        D(e.running_compactions));
  Gauge(w, "assure_rocksdb_block_cache_bytes", "RocksDB rocksdb.block-cache-usage (storage.block_cache_bytes)",
        D(e.block_cache_bytes));
  Gauge(w, "assure_rocksdb_block_cache_pinned_bytes",
        "RocksDB rocksdb.block-cache-pinned-usage: blocks in use or pinned, which the cache cannot evict",
        D(e.block_cache_pinned_bytes));
}

void CollectMemory(TextWriter& w) {
  Gauge(w, "process_resident_memory_bytes", "Resident memory size in bytes", D(ResidentBytes()));
  const auto a = AllocatorStatsNow();
  if (!a) return;  // a sanitizer build: its allocator says nothing here
  Gauge(w, "assure_allocator_allocated_bytes", "Bytes allocated by the program and not yet freed (jemalloc)",
        D(a->allocated));
  Gauge(w, "assure_allocator_active_bytes", "Bytes of the pages holding those allocations (jemalloc)",
        D(a->active));
  Gauge(w, "assure_allocator_resident_bytes",
        "Bytes of the allocator's pages in memory, its own metadata included (jemalloc)", D(a->resident));
  Gauge(w, "assure_allocator_retained_bytes",
        "Address space the allocator keeps for reuse, returned to the system (jemalloc)", D(a->retained));
}

void AddApplicationCollectors(Application& app, std::shared_ptr<const CommitMetrics> commits) {
  auto& registry = app.metrics();
  registry.Add([&app](TextWriter& w) { app.request_metrics().Collect(w); });
  registry.Add([&app](TextWriter& w) {
    auto& pool = app.workers();
    Gauge(w, "assure_worker_threads", "Threads of the worker pool (assure-worker)", D(pool.threads()));
    Gauge(w, "assure_worker_busy_threads", "Worker threads running a task", D(pool.busy()));
    Gauge(w, "assure_worker_queue_depth", "Tasks waiting for a worker (503 beyond workers.queue_limit)",
          D(pool.queued()));
    Gauge(w, "assure_entity_writer_in_flight", "Entity writes submitted and not yet answered",
          D(app.writer()->InFlight()));
    Gauge(w, "assure_entity_writer_held_entities", "Entities whose state the writer holds",
          D(app.writer()->HeldEntities()));
    Count(w, "assure_live_client_overflows_total",
          "Live-feed clients cut off because their send queue was full (websocket.queue_limit)",
          app.live_client_overflows().Value());
  });
  registry.Add([&app](TextWriter& w) { CollectStore(app.store(), w); });
  registry.Add([](TextWriter& w) { CollectMemory(w); });
  if (commits) registry.Add([commits](TextWriter& w) { commits->Collect(w); });
}

void AddReadModelCollectors(Application& app, std::shared_ptr<api::ProjectionRunner> runner,
                            std::shared_ptr<api::NetworkProjection> network,
                            std::shared_ptr<api::live::LiveHub> hub,
                            std::shared_ptr<api::CheckpointLog> checkpoints,
                            std::shared_ptr<storage::Clock> clock) {
  app.metrics().Add([&app, runner](TextWriter& w) {
    // The runner's position first: the head read after it is never behind it.
    const std::uint64_t position = runner->position();
    const std::uint64_t head = app.store().Head().position;
    Gauge(w, "assure_projection_position", "The last log position the read models applied", D(position));
    Gauge(w, "assure_projection_lag_events", "Log head minus the read models' position",
          D(head > position ? head - position : 0));
    Gauge(w, "assure_projection_failed", "1 when the read models stopped on an event they could not apply",
          runner->failure() ? 1 : 0);
  });
  app.metrics().Add([network](TextWriter& w) {
    Count(w, "assure_read_model_cold_row_failures_total",
          "Cold rows (meetings and documents kept in the store) that could not be written, read or decoded",
          network->cold_row_failures());
  });
  app.metrics().Add([hub](TextWriter& w) {
    Gauge(w, "assure_live_subscribers", "Open live-feed connections (/api/v1/live)", D(hub->clients()));
    Gauge(w, "assure_live_backlog_events", "Committed events waiting for the live feed's fan-out",
          D(hub->backlog()));
    Count(w, "assure_live_backlog_overflows_total",
          "Times the live feed fell too far behind and dropped every live subscriber",
          hub->backlog_overflows());
  });
  app.metrics().Add([checkpoints, clock](TextWriter& w) {
    auto latest = checkpoints->Latest();
    if (!latest.ok()) throw std::runtime_error(latest.error().message);
    w.Family("assure_checkpoint_age_seconds", MetricType::kGauge,
             "Seconds since the newest signed checkpoint (log head) was published; absent before the first");
    if (*latest) {
      w.Sample("assure_checkpoint_age_seconds", {},
               static_cast<double>(clock->NowMicros() - (*latest)->timestamp_us) / 1e6);
    }
    w.Family("assure_checkpoint_tree_size", MetricType::kGauge,
             "Events the newest signed checkpoint covers (0 before the first)");
    w.Sample("assure_checkpoint_tree_size", {}, D(*latest ? (*latest)->tree_size : 0));
  });
}

}  // namespace assure::server
