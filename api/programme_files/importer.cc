// ImportFiles: read every file, plan, then (unless a dry run) write.
#include "api/programme_files/importer.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "api/core/entity_writer.h"
#include "api/spreadsheet/column.h"
#include "api/spreadsheet/read_tables.h"
#include "api/programme_files/import_plan.h"

namespace assure::api::programme_files {

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

// Lists deliverables in a programme, in appends of up to 500 events, each
// decided by the writer against the programme as it holds it: one already
// listed (an earlier import, or a concurrent request) is passed over.
Result<std::size_t> AddToProgramme(EntityWriter& writer, const PlannedProgramme& p,
                                   const RequestContext& rc) {
  using Agg = domain::WorkProgrammeAggregate;
  std::size_t written = 0;
  std::size_t next = 0;
  while (next < p.add.size()) {
    WritePart part = CommandPart<Agg>(p.id, {}, /*check_if_match=*/false);
    // A decision may run again (EntityWriter): it reads `next` and says
    // where it stopped in `end`, which is taken once the append is written.
    auto end = std::make_shared<std::size_t>(next);
    part.decide = [&p, next, end, stream = part.stream](EntityWriter& w, const RequestContext& rc,
                                                        std::size_t, DecidedPart& out) -> Status {
      auto held = w.Held<Agg>(p.id);
      if (!held.ok()) return held.error();
      const Loaded<Agg>& loaded = **held;
      out.version = loaded.version;
      out.last_position = loaded.last_position;
      out.append.stream_id = stream;
      out.append.expected = loaded.version ? storage::ExpectedVersion::Exact(*loaded.version)
                                           : storage::ExpectedVersion::NoStream();
      const auto& listed = loaded.state.deliverable_ids;
      std::vector<std::string> chosen;
      std::size_t k = next;
      for (; k < p.add.size() && out.append.events.size() < 500; ++k) {
        const std::string& id = p.add[k];
        if (std::find(listed.begin(), listed.end(), id) != listed.end() ||
            std::find(chosen.begin(), chosen.end(), id) != chosen.end()) {
          continue;
        }
        domain::CommandContext ctx{rc.actor, rc.now_us, p.id};
        auto decided = Agg::Decide(loaded.state, domain::AddProgrammeDeliverable{id}, ctx);
        if (!decided.ok()) return decided.error();
        chosen.push_back(id);
        for (const auto& e : *decided) out.append.events.push_back(ToProposed(e, rc, std::string()));
      }
      *end = k;
      return {};
    };
    auto r = writer.Run({std::move(part)}, rc);
    if (!r.ok()) return r.error();
    written += r->events_written;
    next = *end;
  }
  return written;
}

// Runs each deliverable's commands in order, the next one once the one
// before is written; up to kWindow deliverables at a time, whose appends
// the writer decides in turn and the store commits in shared groups. The
// first refusal stops the import (deliverables already started finish the
// command they are at).
Result<std::size_t> WriteDeliverables(EntityWriter& writer, const ImportPlan& plan,
                                      const ImportOptions& o) {
  constexpr std::size_t kWindow = 64;
  struct Run {
    Run(EntityWriter& w, const ImportPlan& p, const ImportOptions& opts) : writer(w), plan(p), o(opts) {}
    EntityWriter& writer;
    const ImportPlan& plan;
    const ImportOptions& o;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::size_t> todo;  // the deliverables with commands to run
    std::size_t next = 0, active = 0, done = 0, written = 0;
    std::optional<Error> failure;

    void StartNext() {
      std::size_t i;
      {
        std::lock_guard lock(mu);
        if (failure || next >= todo.size()) return;
        i = todo[next++];
        ++active;
      }
      Step(i, 0);
    }
    // A deliverable is written (or refused): its slot goes to the next one,
    // or is given up. Everything under `mu`, the notification too: once
    // `active` is 0 the caller may return and destroy this.
    void Finish(std::optional<Error> e) {
      std::optional<std::size_t> then;
      {
        std::lock_guard lock(mu);
        if (e && !failure) failure = std::move(e);
        if (!e) {
          ++done;
          if (o.progress) o.progress(done, plan.deliverables.size());
        }
        if (!failure && next < todo.size()) {
          then = todo[next++];
        } else if (--active == 0) {
          cv.notify_all();
        }
      }
      if (then) Step(*then, 0);
    }
    void Step(std::size_t i, std::size_t c) {
      const PlannedDeliverable& d = plan.deliverables[i];
      if (c == d.commands.size()) return Finish(std::nullopt);
      RequestContext rc = ContextFor(o, d.file);
      SubmitCommand<domain::DeliverableAggregate>(
          writer, d.id, d.commands[c], std::move(rc), {}, [this, i, c](Result<WriteResult> r) {
            if (!r.ok()) {
              const PlannedDeliverable& d = plan.deliverables[i];
              Error e = r.error();
              e.message = d.file + ", row " + std::to_string(d.row) + ": " + e.message;
              return Finish(std::move(e));
            }
            {
              std::lock_guard lock(mu);
              written += r->events_written;
            }
            Step(i, c + 1);
          });
    }
  } run(writer, plan, o);
  // Those with nothing to do (unchanged rows) are done at once.
  for (std::size_t i = 0; i < plan.deliverables.size(); ++i) {
    if (!plan.deliverables[i].commands.empty()) {
      run.todo.push_back(i);
    } else if (o.progress) {
      o.progress(++run.done, plan.deliverables.size());
    }
  }
  if (!o.progress) run.done = plan.deliverables.size() - run.todo.size();
  for (std::size_t k = 0; k < kWindow; ++k) run.StartNext();
  std::unique_lock lock(run.mu);
  run.cv.wait(lock, [&] { return run.active == 0; });
  if (run.failure) return Partly(*run.failure, run.written);
  return run.written;
}

Result<std::size_t> Apply(EntityWriter& writer, const ImportPlan& plan, const ImportOptions& o) {
  std::size_t written = 0;
  for (const PlannedGroup& g : plan.groups) {
    auto r = Execute<domain::GroupAggregate>(writer, g.id, g.create, ContextFor(o, g.file));
    if (!r.ok()) return Partly(r.error(), written);
    written += r->events_written;
  }
  for (const PlannedProgramme& p : plan.programmes) {
    if (!p.create) continue;
    auto r = Execute<domain::WorkProgrammeAggregate>(writer, p.id, *p.create, ContextFor(o, p.file));
    if (!r.ok()) return Partly(r.error(), written);
    written += r->events_written;
  }
  auto deliverables = WriteDeliverables(writer, plan, o);
  if (!deliverables.ok()) return Partly(deliverables.error(), written);
  written += *deliverables;
  for (const PlannedProgramme& p : plan.programmes) {
    auto r = AddToProgramme(writer, p, ContextFor(o, p.file));
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
    auto r = spreadsheet::ReadTables(f.bytes, f.name, options.read);
    if (!r.ok()) {
      Error e = std::move(r).error();
      if (e.field.empty()) e.field = f.name;
      return e;
    }
    const bool any = std::any_of(r->tables.begin(), r->tables.end(), [](const spreadsheet::Table& t) {
      return spreadsheet::MatchHeader(t.header).matched >= 2;
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
  // The server's writer, or (the CLI) one of the import's own.
  std::unique_ptr<EntityWriter> own;
  EntityWriter* writer = options.writer;
  if (writer == nullptr) {
    own = std::make_unique<EntityWriter>(std::shared_ptr<storage::EventStore>(&store, [](auto*) {}));
    writer = own.get();
  }
  auto written = Apply(*writer, *plan, options);
  if (!written.ok()) return written.error();
  plan->report.events_appended = *written;
  return std::move(plan->report);
}

}  // namespace assure::api::programme_files
