#include <algorithm>
#include "server/routes.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>

#include "api/audit/checkpoint.h"
#include "api/backup/backup_routes.h"
#include "api/core/periodic.h"
#include "api/core/projection_runner.h"
#include "api/live/live_hub.h"
#include "api/queries/network_model.h"
#include "api/rest/rest_service.h"
#include "api/web/static_assets.h"
#include "server/runtime_metrics.h"

namespace assure::server {

static_assert(kMinWsQueueLimit == api::live::LiveHubOptions::kMinQueueLimit,
              "websocket.queue_limit's minimum is the live hub's");

Status InstallRoutes(Application& app, const std::string& data_dir, bool warm_up_in_background) {
  auto deps = std::make_shared<api::rest::RestDeps>();
  deps->store = app.shared_store();
  deps->writer = app.writer();
  // ASSURE_READ_MODEL_HOT_EVENTS (default 20,000; 0 = never): a meeting or
  // document unchanged for that many events is kept as a slim row.
  std::uint64_t hot_events = api::NetworkProjection::kDefaultHotEvents;
  if (const char* v = std::getenv("ASSURE_READ_MODEL_HOT_EVENTS"); v && *v) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    if (end && *end == '\0') hot_events = n;
  }
  deps->network = std::make_shared<api::NetworkProjection>(&app.store(), hot_events);
  deps->runner = std::make_shared<api::ProjectionRunner>(
      app.store(), std::vector<std::shared_ptr<api::Projection>>{deps->network});
  deps->authorizer = &app.authorizer();
  deps->security_log = &app.security_log();
  deps->clock = std::shared_ptr<storage::Clock>(std::shared_ptr<void>(), &app.clock());
  deps->ids = storage::RandomIds();
  auto signer = api::Signer::LoadOrCreate(data_dir);
  if (!signer.ok()) return signer.error();
  deps->signer = std::shared_ptr<const api::Signer>(std::move(signer).value());
  deps->checkpoints = std::make_shared<api::CheckpointLog>(app.store(), *deps->signer);
  deps->heavy = app.heavy();
  deps->history_pages = std::make_shared<api::HistoryPageCache>(app.config().history_cache_bytes);
  ASSURE_TRY(api::rest::RegisterRestRoutes(app.router(), deps));
  // Online backups into backup_dir (default: <data>-backups beside the data).
  std::string backup_root = app.config().backup_dir;
  if (backup_root.empty()) {
    std::filesystem::path d = std::filesystem::absolute(data_dir).lexically_normal();
    if (d.filename().empty()) d = d.parent_path();
    backup_root = d.string() + "-backups";
  }
  ASSURE_TRY(api::backup::RegisterBackupRoutes(
      app.router(),
      std::make_shared<api::backup::BackupService>(
          app.store(), data_dir, std::filesystem::absolute(backup_root).lexically_normal().string()),
      [clock = deps->clock] { return clock->NowMicros(); }));
  app.tokens().SetActorNamer([names = deps->actor_names](std::string_view actor) {
    return names ? names->NameOf(actor) : std::string(actor);
  });

  // The live feed: subscribes to the store after the projection runner, so
  // every event it sends carries the entity's updated read model.
  auto hub = std::make_shared<api::live::LiveHub>(
      deps->store, deps->runner, deps->network,
      [&app](std::function<void()> work) { return app.PostWork(std::move(work)); },
      api::live::LiveHubOptions::ForQueueLimit(app.config().ws_queue_limit));
  AddReadModelCollectors(app, deps->runner, deps->network, hub, deps->checkpoints, deps->clock);
  auto warm_up = [&app, deps, hub]() -> Status {
    ASSURE_TRY(deps->runner->Start());
    hub->Start();
    app.SetLiveFeed(hub);
    return {};
  };
  if (warm_up_in_background) {
    app.WarmUpInBackground(warm_up);
  } else {
    ASSURE_TRY(warm_up());
  }
  ASSURE_TRY(api::web::RegisterStaticAssets(app.router()));  // the dashboard at /

  // Periodic work: snapshot the read models with their checkpoint (so a
  // restart replays only the tail) and publish a signed checkpoint of the log.
  // Intervals in seconds from ASSURE_SNAPSHOT_INTERVAL (default 60) and
  // ASSURE_CHECKPOINT_INTERVAL (default 900); 0 turns either off.
  auto seconds = [](const char* name, long fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    return end && *end == '\0' && n >= 0 ? n : fallback;
  };
  std::vector<std::shared_ptr<api::Periodic>> periodic;
  // A snapshot's time grows with the read model (it copies and renders it
  // whole): the next waits long enough that saving takes at most 5 % of the
  // time (a 3 s save: 57 s on; a 6 s one: 114 s), so a large model does not
  // take an ever larger share of the CPU from the writes.
  constexpr double kSnapshotShare = 0.05;
  if (long s = seconds("ASSURE_SNAPSHOT_INTERVAL", 60); s > 0) {
    periodic.push_back(std::make_shared<api::Periodic>(
        "read-model snapshot", std::chrono::seconds(s),
        [deps, &app] {
          // Not while the read models are still being restored: that would
          // replace a good snapshot with a partial one.
          if (app.Starting()) return;
          if (auto st = deps->runner->SaveSnapshots(); !st.ok()) {
            spdlog::error("saving read-model snapshots failed: {}", st.error().message);
          }
        },
        /*run_at_stop=*/true, kSnapshotShare));
  }
  if (long s = seconds("ASSURE_CHECKPOINT_INTERVAL", 900); s > 0) {
    periodic.push_back(std::make_shared<api::Periodic>(
        "checkpoint", std::chrono::seconds(s),
        [deps] {
          if (deps->store->Head().position == 0) return;
          auto c = deps->checkpoints->Publish(deps->clock->NowMicros(), "periodic");
          if (!c.ok()) spdlog::error("publishing a checkpoint failed: {}", c.error().message);
        },
        /*run_at_stop=*/false));
  }

  // Retention of the security access log: entries older than this many days
  // are deleted once an hour; 0 keeps them for ever.
  if (long days = seconds("ASSURE_SECURITY_LOG_RETENTION_DAYS", 730); days > 0) {
    periodic.push_back(std::make_shared<api::Periodic>(
        "security-log retention", std::chrono::hours(1),
        [deps, days] {
          const std::int64_t cutoff = deps->clock->NowMicros() - std::int64_t{days} * 86'400'000'000;
          auto pruned = deps->security_log->Prune(cutoff);
          if (!pruned.ok()) spdlog::error("pruning the security log failed: {}", pruned.error().message);
          else if (*pruned > 0) spdlog::info("security log: {} entries older than {} days deleted", *pruned, days);
        },
        /*run_at_stop=*/false));
  }

  // Retention of tokens' details: a token's label is put beyond use (its key
  // destroyed, FORMAT.md 7.5) this many days after the token stopped
  // working (revoked or expired), checked once an hour; 0 keeps them.
  // At most 100 years: a larger number means "for ever" to whoever typed it.
  if (long days = std::min(seconds("ASSURE_TOKEN_DETAILS_RETENTION_DAYS", 365), 36'500L); days > 0) {
    periodic.push_back(std::make_shared<api::Periodic>(
        "token-details retention", std::chrono::hours(1),
        [&app, days] {
          auto removed = app.tokens().RemoveDetailsPastRetention(days, "retention");
          if (!removed.ok()) spdlog::error("removing tokens' details failed: {}", removed.error().message);
          else if (*removed > 0) spdlog::info("tokens: the details of {} token(s) ended more than {} days ago removed", *removed, days);
        },
        /*run_at_stop=*/false));
  }

  // A store whose writes are suspended (disk full or failing) is asked to
  // resume every 2 s, so writes come back when space does, with no restart
  // and without waiting for a write to try; each change is logged once.
  periodic.push_back(std::make_shared<api::Periodic>(
      "write resumption", std::chrono::seconds(2),
      [deps, suspended = std::make_shared<bool>(false)] {
        auto failure = deps->store->WriteFailure();
        if (failure && !*suspended) {
          spdlog::error("writes suspended: {}; reads go on, writes answer 503 until the disk can "
                        "be written again", failure->message);
        }
        if (failure && deps->store->TryResumeWrites().ok()) failure.reset();
        if (!failure && *suspended) spdlog::info("writes resumed");
        *suspended = failure.has_value();
      },
      /*run_at_stop=*/false));

  // Ready when the store is open and writing, and the read models are caught up.
  app.SetReadiness([deps, periodic]() -> Status {
    if (auto failure = deps->runner->failure()) return *failure;
    if (auto failure = deps->store->WriteFailure()) {
      return MakeError(ErrorCode::kWritesSuspended,
                       "writes are suspended (" + failure->message + "); reads go on");
    }
    const std::uint64_t head = deps->store->Head().position;
    if (deps->runner->position() < head) {
      return MakeError(ErrorCode::kUnavailable, "read models at " +
                                                    std::to_string(deps->runner->position()) +
                                                    " of " + std::to_string(head));
    }
    return {};
  });
  return {};
}

}  // namespace assure::server
