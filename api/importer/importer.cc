// ImportFiles: read every file, plan, then (unless a dry run) write.
#include "api/importer/importer.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "api/core/command_service.h"
#include "api/import/column.h"
#include "api/import/read_tables.h"
#include "api/importer/import_plan.h"

namespace assure::api::importer {

namespace {

RequestContext ContextFor(const ImportOptions& o, const std::string& file) {
  RequestContext rc;
  rc.actor = o.actor;
  rc.now_us = o.now_us;
  rc.source = o.source.empty() ? "import:" + file : o.source;
  rc.correlation_id = o.correlation_id;
  return rc;
}

Error Partly(const Error& e, std::size_t written) {
  Error out = e;
  out.message += " (the import stopped after " + std::to_string(written) +
                 " events; run it again to finish: what is already there is not repeated)";
  return out;
}

// Lists deliverables in a programme: the events are decided against the
// stream's state and appended in chunks, retried when another writer wins.
Result<std::size_t> AddToProgramme(storage::EventStore& store, const PlannedProgramme& p,
                                   const RequestContext& rc) {
  using Agg = domain::WorkProgrammeAggregate;
  std::size_t written = 0;
  std::size_t next = 0;
  for (int attempt = 0; next < p.add.size();) {
    auto loaded = LoadAggregate<Agg>(store, p.id);
    if (!loaded.ok()) return loaded.error();
    domain::WorkProgrammeState state = loaded->state;
    std::vector<storage::ProposedEvent> events;
    std::size_t taken = next;
    const std::string stream = domain::StreamId(Agg::kKind, p.id);
    nlohmann::json holder;
    for (; taken < p.add.size() && events.size() < 500; ++taken) {
      const auto& listed = state.deliverable_ids;
      if (std::find(listed.begin(), listed.end(), p.add[taken]) != listed.end()) continue;
      domain::CommandContext ctx{rc.actor, rc.now_us, p.id};
      auto decided = Agg::Decide(state, domain::AddProgrammeDeliverable{p.add[taken]}, ctx);
      if (!decided.ok()) return decided.error();
      for (const auto& e : *decided) {
        domain::EventView v;
        v.stream_id = stream;
        v.type = e.type;
        v.data = &e.data;
        Agg::Evolve(state, v);
        events.push_back(ToProposed(e, rc, std::string()));
      }
    }
    if (events.empty()) {
      next = taken;
      continue;
    }
    const std::size_t count = events.size();
    auto expected = loaded->version ? storage::ExpectedVersion::Exact(*loaded->version)
                                    : storage::ExpectedVersion::NoStream();
    auto appended = store.Append(stream, expected, std::move(events));
    if (!appended.ok()) {
      if (appended.error().code == ErrorCode::kWrongExpectedVersion && ++attempt < kMaxRetries) {
        continue;
      }
      return appended.error();
    }
    written += count;
    next = taken;
  }
  return written;
}

// Runs each deliverable's commands in order; deliverables in parallel.
Result<std::size_t> WriteDeliverables(storage::EventStore& store, const ImportPlan& plan,
                                      const ImportOptions& o) {
  const std::size_t total = plan.deliverables.size();
  std::atomic<std::size_t> next{0}, done{0}, written{0};
  std::mutex mu;
  std::optional<Error> failure;
  std::atomic<bool> stop{false};
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next++;
      if (i >= total || stop) return;
      const PlannedDeliverable& d = plan.deliverables[i];
      const RequestContext rc = ContextFor(o, d.file);
      for (const auto& command : d.commands) {
        auto r = Execute<domain::DeliverableAggregate>(store, d.id, command, rc);
        if (!r.ok()) {
          std::lock_guard lock(mu);
          if (!failure) {
            failure = r.error();
            failure->message = d.file + ", row " + std::to_string(d.row) + ": " + failure->message;
          }
          stop = true;
          return;
        }
        written += r->events_written;
      }
      const std::size_t n = ++done;
      if (o.progress) {
        std::lock_guard lock(mu);
        o.progress(n, total);
      }
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(o.threads, 1, 64);
  const std::size_t helpers = std::min(threads, total) - (total > 0 ? 1 : 0);
  if (o.post) {
    // Helpers on the caller's executor. One that starts after the caller has
    // finished finds `closed` and returns without touching the plan; the
    // caller waits only for the helpers that did start.
    struct Helpers {
      std::mutex mu;
      std::condition_variable cv;
      bool closed = false;
      std::size_t active = 0;
    };
    auto shared = std::make_shared<Helpers>();
    for (std::size_t t = 0; t < helpers; ++t) {
      const bool posted = o.post([shared, &worker, &mu, &failure, &stop] {
        {
          std::lock_guard lock(shared->mu);
          if (shared->closed) return;
          ++shared->active;
        }
        try {
          worker();
        } catch (...) {  // on a pool thread: nothing may escape
          std::lock_guard lock(mu);
          if (!failure) failure = MakeError(ErrorCode::kInternal, "an import writer failed");
          stop = true;
        }
        std::lock_guard lock(shared->mu);
        if (--shared->active == 0) shared->cv.notify_all();
      });
      if (!posted) break;
    }
    worker();
    std::unique_lock lock(shared->mu);
    shared->closed = true;
    shared->cv.wait(lock, [&] { return shared->active == 0; });
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < helpers; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }
  if (failure) return Partly(*failure, written);
  return written.load();
}

Result<std::size_t> Apply(storage::EventStore& store, const ImportPlan& plan,
                          const ImportOptions& o) {
  std::size_t written = 0;
  for (const PlannedGroup& g : plan.groups) {
    auto r = Execute<domain::GroupAggregate>(store, g.id, g.create, ContextFor(o, g.file));
    if (!r.ok()) return Partly(r.error(), written);
    written += r->events_written;
  }
  for (const PlannedProgramme& p : plan.programmes) {
    if (!p.create) continue;
    auto r = Execute<domain::WorkProgrammeAggregate>(store, p.id, *p.create, ContextFor(o, p.file));
    if (!r.ok()) return Partly(r.error(), written);
    written += r->events_written;
  }
  auto deliverables = WriteDeliverables(store, plan, o);
  if (!deliverables.ok()) return Partly(deliverables.error(), written);
  written += *deliverables;
  for (const PlannedProgramme& p : plan.programmes) {
    auto r = AddToProgramme(store, p, ContextFor(o, p.file));
    if (!r.ok()) return Partly(r.error(), written);
    written += *r;
  }
  return written;
}

}  // namespace

Result<ImportReport> ImportFiles(storage::EventStore& store, const std::vector<ImportFile>& files,
                                 const ImportOptions& options) {
  if (files.empty()) return MakeError(ErrorCode::kInvalidArgument, "no files to import", "files");
  std::vector<FileTables> read;
  for (const ImportFile& f : files) {
    auto r = import::ReadTables(f.bytes, f.name, options.read);
    if (!r.ok()) {
      Error e = std::move(r).error();
      if (e.field.empty()) e.field = f.name;
      return e;
    }
    const bool any = std::any_of(r->tables.begin(), r->tables.end(), [](const import::Table& t) {
      return import::MatchHeader(t.header).matched >= 2;
    });
    if (!any) {
      return MakeError(ErrorCode::kInvalidArgument,
                       f.name + ": no work programme table found (no header row naming at least "
                                "two of the columns Network Reference, Deliverable, Date "
                                "Initiated, ..., RAGB Status, MM/QSIN Reference)",
                       f.name);
    }
    read.push_back({f.name, std::move(*r)});
  }
  auto model = BuildNetworkModel(store, store.Head().position);
  if (!model.ok()) return model.error();
  auto plan = MakePlan(*model, read, options, [&store](const std::string& id) {
    return ReadFieldOrigins(store, id);
  });
  if (!plan.ok()) return plan.error();
  if (options.dry_run) return std::move(plan->report);
  auto written = Apply(store, *plan, options);
  if (!written.ok()) return written.error();
  plan->report.events_appended = *written;
  return std::move(plan->report);
}

}  // namespace assure::api::importer
