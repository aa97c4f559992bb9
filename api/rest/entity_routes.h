// The generic routes of one aggregate kind (see rest_service.h). Internal to
// api/rest.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <string>

#include "api/core/entity_writer.h"
#include "api/core/history.h"
#include "api/http/openapi.h"
#include "api/http/response.h"
#include "api/rest/idempotency.h"
#include "api/rest/params.h"
#include "api/rest/rest_service.h"
#include "api/rest/route_groups.h"

namespace assure::api::rest {

template <class Agg>
struct EntitySpec {
  std::string collection;      // path segment(s) after /api/v1/, e.g. "deliverables"
  std::string noun;            // "deliverable", for messages and OpenAPI
  std::string create_command;  // the aggregate's create command name
  auth::Permission write = auth::Permission::kEditProgrammeContent;
  // Commands that need another permission than `write` (an escalation is
  // raised by the group below and accepted by a meeting of the board
  // above): checked by the command's handler, with the group scope.
  std::map<std::string, auth::Permission> command_write;
  auth::Permission WriteFor(const std::string& command) const {
    auto it = command_write.find(command);
    return it == command_write.end() ? write : it->second;
  }
  // The group an edit belongs to, for group-scoped tokens: from the model and
  // the entity id (commands) or the body (create). nullopt: no group.
  std::function<std::optional<std::string>(const NetworkModel&, const std::string& id,
                                           const nlohmann::json& body)>
      group_of;
  // The id of a created entity from its body (e.g. a QSIN code); default: a new UUID.
  std::function<Result<std::string>(const nlohmann::json& body)> id_from_body;
  // Adds what the api looks up before Decide (e.g. meeting close: quorum
  // rule and members of the group); may refuse.
  std::function<Status(const NetworkModel&, const std::string& id, const std::string& command,
                       nlohmann::json& body)>
      enrich;
  // Other groups a command reaches into (e.g. the group of a deliverable
  // added to a programme): a group-scoped token must hold each (403).
  std::function<std::vector<std::string>(const NetworkModel&, const std::string& command,
                                         const nlohmann::json& body)>
      also_groups;
  // Warnings a command is accepted with (e.g. an attendee who is not a
  // member on the meeting's date), looked up before Decide; the write
  // answer carries them as "warnings".
  std::function<std::vector<std::string>(const NetworkModel&, const std::string& id,
                                         const std::string& command, const nlohmann::json& body)>
      warn;
  // What a reader needs from the entity's group beside the entity's own JSON
  // (a meeting's quorum so far): the group's id from the state, then
  // decorate(state, the group at the same position or null, json).
  std::function<std::string(const typename Agg::State&)> related_group;
  std::function<void(const typename Agg::State&, const domain::GroupState*, nlohmann::json&)> decorate;
  // People the entity refers to, named as they are now (a deliverable's
  // linked owner): called with the live model, also for a read as at a past
  // time (an erased person reads as erased in every read).
  std::function<void(const NetworkModel&, const typename Agg::State&, nlohmann::json&)> name_people;
  // Consequences of the create command on other entities, decided with it
  // and appended in the same commit (e.g. a new deliverable listed in its
  // programme): all or nothing.
  std::function<std::vector<Companion>(const std::string& id, const nlohmann::json& body)>
      create_companions;
  // Runs after a command succeeded (e.g. add a new deliverable to its programme):
  // after the create command, and after those of `after_commands`. It may
  // add to `notes` what the caller should know of the write (the answer's
  // warnings).
  std::function<Status(const std::string& id, const std::string& command,
                       const nlohmann::json& body, const RequestContext& rc,
                       std::vector<std::string>& notes)>
      after;
  // The commands (besides create) that `after` has work for. These, and
  // requests with an Idempotency-Key, finish on the worker because that
  // work writes to the store; others are answered by the store's committer.
  std::vector<std::string> after_commands;
  bool HasAfter(const std::string& command) const {
    return after && std::find(after_commands.begin(), after_commands.end(), command) !=
                        after_commands.end();
  }
  // The table of this kind in a model.
  std::function<const EntityTable<Agg>&(const NetworkModel&)> table;
};

// A write's answer: {id, version, position, events_written, replayed,
// warnings (only when some)}. Warnings say what the caller should know of an
// accepted write (EntitySpec::warn) or what was not done after it was
// committed (NoteAfterCommit): the write stands, so it stays 2xx.
http::Response WriteResponse(int status, const WriteResult& r, const std::string& location = {},
                             const std::vector<std::string>& warnings = {});

// Work that follows a committed write (recording the Idempotency-Key, the
// checkpoint of a closed meeting) and failed: a 4xx/5xx must mean nothing
// was written, so this is no error answer. It is logged and added to
// `warnings` for the answer: "<what> was not done: <why>".
void NoteAfterCommit(const Status& s, std::string_view what, std::vector<std::string>& warnings);
http::Response ErrorResponse(const Error& e, const http::Request& req);
http::Response ErrorResponse(const Error& e, const std::string& correlation_id);
// A permit for one heavy operation (RestDeps::heavy), or kUnavailable naming
// the limit (ErrorResponse answers it 503 with Retry-After).
Result<http::ConcurrencyLimiter::Permit> TakeHeavy(RestDeps& deps, std::string_view what);
// Runs `fn` under the runner's read lock with the model (current) or builds
// the model as at `at`.
Result<nlohmann::json> WithModel(RestDeps& deps, std::optional<std::uint64_t> at,
                                 const std::function<Result<nlohmann::json>(const NetworkModel&)>& fn);
// Waits for ?min_position (read-your-writes); 503 when not reached in time;
// 422 (field min_position) at once for a position past the log's head.
Status AwaitMinPosition(RestDeps& deps, const http::Request& req);
// Scope check for group-scoped tokens.
Status AuthorizeScope(RestDeps& deps, const http::Request& req, auth::Permission permission,
                      const std::optional<std::string>& group);

// POST /C/{id}/{command}: checks the request on the worker, then executes
// the command; answered by the store's committer once the write is durable,
// or on the worker when what follows the write writes too (see
// EntitySpec::after_commands).
template <class Agg>
void RunCommand(const std::shared_ptr<RestDeps>& deps, const EntitySpec<Agg>& spec,
                const http::Request& req, http::Respond respond) {
  auto refuse = [&](const Error& e) { respond(ErrorResponse(e, req)); };
  const std::string id(req.PathParam("id"));
  const std::string name(req.PathParam("command"));
  auto body = ReadJsonBody(req);
  if (!body.ok()) return refuse(body.error());
  auto rc = WriteContext(req, deps->clock->NowMicros());
  if (!rc.ok()) return refuse(rc.error());
  // The body as the Idempotency-Key's fingerprint takes it (its bytes), and
  // as parsed before enrich adds to it (for fingerprints recorded before v2).
  const std::string_view canonical = req.body;
  const nlohmann::json parsed = rc->idempotency_key.empty() ? nlohmann::json() : *body;
  std::optional<std::string> group;
  std::vector<std::string> also;
  std::vector<std::string> warnings;
  Status enriched;
  {
    auto lock = deps->runner->ReadLock();
    if (spec.group_of) group = spec.group_of(deps->network->model(), id, *body);
    if (spec.also_groups) also = spec.also_groups(deps->network->model(), name, *body);
    if (spec.warn) warnings = spec.warn(deps->network->model(), id, name, *body);
    if (spec.enrich) enriched = spec.enrich(deps->network->model(), id, name, *body);
  }
  if (auto s = AuthorizeScope(*deps, req, spec.WriteFor(name), group); !s.ok()) return refuse(s.error());
  for (const auto& other : also) {
    if (auto s = AuthorizeScope(*deps, req, spec.WriteFor(name), other); !s.ok()) return refuse(s.error());
  }
  if (!enriched.ok()) return refuse(enriched.error());
  if (name == spec.create_command) {
    return refuse(MakeError(ErrorCode::kInvalidArgument,
                            "create a " + spec.noun + " with POST /api/v1/" + spec.collection,
                            "command"));
  }
  auto cmd = Agg::ParseCommand(name, *body);
  if (!cmd.ok()) return refuse(cmd.error());
  const bool has_after = spec.HasAfter(name);
  if (rc->idempotency_key.empty() && !has_after) {
    SubmitCommand<Agg>(*deps->writer, id, std::move(cmd).value(), *rc, {},
                       [respond = std::move(respond), cid = req.correlation_id,
                        if_match = rc->if_match.has_value(), warnings](Result<WriteResult> r) {
                         if (!r.ok()) return respond(ErrorResponse(WriteRaceError<Agg>(r.error(), if_match), cid));
                         respond(WriteResponse(200, *r, {}, warnings));
                       });
    return;
  }
  if (auto s = CheckIdempotencyKey(*deps->store, *rc, req, canonical, &parsed); !s.ok()) {
    return refuse(s.error());
  }
  auto r = ExecuteWrite<Agg>(*deps->writer, id, *cmd, *rc);
  if (!r.ok()) return refuse(r.error());
  if (!r->replayed && r->events_written > 0) {
    NoteAfterCommit(RememberIdempotencyKey(*deps->store, *rc, req, canonical),
                    "recording the Idempotency-Key", warnings);
    if (has_after) {
      NoteAfterCommit(spec.after(id, name, *body, *rc, warnings), "the work after " + name, warnings);
    }
  }
  respond(WriteResponse(200, *r, {}, warnings));
}

template <class Agg>
void RegisterEntityRoutes(RouteAdder& add, std::shared_ptr<RestDeps> deps,
                          std::shared_ptr<EntitySpec<Agg>> spec) {
  const std::string base = "/api/v1/" + spec->collection;

  // Create.
  http::RouteOptions create;
  create.permission = spec->write;
  create.scope_checked_by_handler = true;
  create.openapi = http::OpenApiOperation("Create a " + spec->noun + " (" + spec->create_command + ")",
                                          spec->collection, 201, "Created");
  create.openapi["requestBody"] = http::OpenApiJsonBody({{"type", "object"}});
  add("POST", base, [deps, spec, base](const http::Request& req) -> http::Response {
    auto body = ReadJsonBody(req);
    if (!body.ok()) return ErrorResponse(body.error(), req);
    // The Idempotency-Key's fingerprint: the body's bytes; and the body as
    // parsed, before enrich adds to it (for fingerprints recorded before v2).
    const std::string_view canonical = req.body;
    const nlohmann::json parsed = req.Header("Idempotency-Key") ? *body : nlohmann::json();
    auto rc = WriteContext(req, deps->clock->NowMicros());
    if (!rc.ok()) return ErrorResponse(rc.error(), req);
    std::string id;
    if (spec->id_from_body) {
      auto from_body = spec->id_from_body(*body);
      if (!from_body.ok()) return ErrorResponse(from_body.error(), req);
      id = *from_body;
    } else {
      // A retried create replays the entity its first attempt created.
      auto earlier = EntityCreatedWithKey(*deps->store, *rc, Agg::kKind);
      if (!earlier.ok()) return ErrorResponse(earlier.error(), req);
      id = earlier->value_or(deps->ids->NewUuid().ToString());
    }
    std::optional<std::string> group;
    Status enriched;
    {
      auto lock = deps->runner->ReadLock();
      if (spec->group_of) group = spec->group_of(deps->network->model(), id, *body);
      if (spec->enrich) {
        enriched = spec->enrich(deps->network->model(), id, spec->create_command, *body);
      }
    }
    if (auto s = AuthorizeScope(*deps, req, spec->write, group); !s.ok()) return ErrorResponse(s.error(), req);
    if (!enriched.ok()) return ErrorResponse(enriched.error(), req);
    if (auto s = CheckIdempotencyKey(*deps->store, *rc, req, canonical, &parsed); !s.ok()) {
      return ErrorResponse(s.error(), req);
    }
    auto cmd = Agg::ParseCommand(spec->create_command, *body);
    if (!cmd.ok()) return ErrorResponse(cmd.error(), req);
    std::vector<Companion> companions;
    if (spec->create_companions) companions = spec->create_companions(id, *body);
    auto r = ExecuteCreate<Agg>(*deps->writer, id, *cmd, *rc, std::move(companions));
    if (!r.ok()) return ErrorResponse(r.error(), req);
    std::vector<std::string> warnings;
    if (!r->replayed && r->events_written > 0) {
      NoteAfterCommit(RememberIdempotencyKey(*deps->store, *rc, req, canonical),
                      "recording the Idempotency-Key", warnings);
    }
    if (spec->after && !r->replayed) {
      NoteAfterCommit(spec->after(id, spec->create_command, *body, *rc, warnings),
                      "the work after " + spec->create_command, warnings);
    }
    return WriteResponse(201, *r, base + "/" + id, warnings);
  }, create);

  // List.
  http::RouteOptions list;
  list.openapi = http::OpenApiOperation("List " + spec->collection, spec->collection);
  list.openapi["parameters"] = {AsOfParam(), AtPositionParam()};
  AddPageParams(list.openapi["parameters"]);
  if (spec->collection != "deliverables") {  // deliverables have a filtered list of their own
    add("GET", base, [deps, spec](const http::Request& req) -> http::Response {
      if (auto s = AwaitMinPosition(*deps, req); !s.ok()) return ErrorResponse(s.error(), req);
      auto at = ReadAsAt(req, *deps->store);
      if (!at.ok()) return ErrorResponse(at.error(), req);
      auto page = ReadPage(req, deps->max_page);
      if (!page.ok()) return ErrorResponse(page.error(), req);
      auto out = WithModel(*deps, *at, [&](const NetworkModel& m) -> Result<nlohmann::json> {
        // Only the page's rows are rendered (a slim row is loaded whole).
        // Rendered during the scan: a cold row lives for its call only.
        using Row = typename EntityTable<Agg>::Row;
        std::size_t total = 0;
        Status failed;
        std::vector<nlohmann::json> items;
        spec->table(m).ForEachRow([&](const std::string& id, const Row& row) {
          const std::size_t i = total++;
          if (!failed.ok() || i < page->offset || i - page->offset >= page->limit) return;
          failed = WithFullState<Agg>(m, id, row, [&](const typename Agg::State& state) {
            nlohmann::json j = Agg::ToJson(state);
            if (spec->decorate) spec->decorate(state, m.groups.Find(spec->related_group(state)).get(), j);
            if (spec->name_people) spec->name_people(m, state, j);
            j["version"] = row.version;
            items.push_back(std::move(j));
          });
        });
        if (!failed.ok()) return failed.error();
        return PageJson(std::move(items), total, *page, m.position);
      });
      if (!out.ok()) return ErrorResponse(out.error(), req);
      return http::Response::Json(200, *out);
    }, list);
  }

  // Read one.
  http::RouteOptions read;
  read.openapi = http::OpenApiOperation("Read a " + spec->noun, spec->collection);
  read.openapi["parameters"] = list.openapi["parameters"];
  add("GET", base + "/{id}", [deps, spec](const http::Request& req) -> http::Response {
    if (auto s = AwaitMinPosition(*deps, req); !s.ok()) return ErrorResponse(s.error(), req);
    auto at = ReadAsAt(req, *deps->store);
    if (!at.ok()) return ErrorResponse(at.error(), req);
    const std::string id(req.PathParam("id"));
    auto not_found = [&] {
      return ErrorResponse(MakeError(ErrorCode::kNotFound, "no " + spec->noun + " '" + id + "'" +
                                                               (at->has_value() ? " at that time" : ""),
                                     "id"),
                           req);
    };
    nlohmann::json j;
    if (!at->has_value()) {
      // The current state is the live model's (applied before a write is
      // answered, so a client reads its own writes).
      auto lock = deps->runner->ReadLock();
      const NetworkModel& m = deps->network->model();
      auto row = spec->table(m).FindRow(id);
      if (row == nullptr) return not_found();
      Status whole = WithFullState<Agg>(m, id, *row, [&](const typename Agg::State& state) {
        j = Agg::ToJson(state);
        if (spec->decorate) {
          const std::string group_id = spec->related_group(state);
          spec->decorate(state, group_id.empty() ? nullptr : m.groups.Find(group_id).get(), j);
        }
        if (spec->name_people) spec->name_people(m, state, j);
      });
      if (!whole.ok()) return ErrorResponse(whole.error(), req);
      j["version"] = row->version;
      j["position"] = row->position;
    } else {
      auto loaded = LoadAggregate<Agg>(*deps->store, id, **at);
      if (!loaded.ok()) return ErrorResponse(loaded.error(), req);
      if (!loaded->state.exists) return not_found();
      j = Agg::ToJson(loaded->state);
      if (spec->decorate) {
        const std::string group_id = spec->related_group(loaded->state);
        std::optional<Loaded<domain::GroupAggregate>> group;
        if (!group_id.empty()) {
          auto g = LoadAggregate<domain::GroupAggregate>(*deps->store, group_id, **at);
          if (!g.ok()) return ErrorResponse(g.error(), req);
          if (g->state.exists) group = std::move(g).value();
        }
        spec->decorate(loaded->state, group ? &group->state : nullptr, j);
      }
      if (spec->name_people) {
        auto lock = deps->runner->ReadLock();
        spec->name_people(deps->network->model(), loaded->state, j);
      }
      j["version"] = *loaded->version;
      j["position"] = loaded->last_position;
    }
    const std::uint64_t version = j["version"].get<std::uint64_t>();
    auto res = http::Response::Json(200, j);
    res.SetHeader("ETag", "\"" + std::to_string(version) + "\"");
    return res;
  }, read);

  // History.
  http::RouteOptions history;
  history.openapi = http::OpenApiOperation("History of a " + spec->noun + ": who changed what, when, why",
                                           spec->collection);
  history.openapi["parameters"] = {AsOfParam(),
                                   AtPositionParam(),
                                   http::OpenApiQueryParam("order", "string", "asc (oldest first, the default) or desc")};
  AddPageParams(history.openapi["parameters"], "changes");
  history.openapi["description"] =
      "{items: [{position, version, recorded_at, actor, actor_name (who, in words: a person's name "
      "and organisation, \"erased person\", a token's label), type, reason, summary, changes: [{field, "
      "from, to}], people? ({person id: name} for the people a *person_id change names, e.g. a "
      "deliverable's owner_person_id)}], total, offset, limit, order}. summary says in words what happened (\"Rating "
      "Amber → Red\"); changes lists scalar fields (from -> to) and, for an item of a collection, "
      "the item alone under \"<collection>.<item id>\" (e.g. progress_notes.n12), never a whole "
      "collection.";
  // A page as at now that the cache holds current (no event committed since
  // it was built) is answered on the I/O thread, reading nothing from the
  // store; anything else (as_of, a bad parameter, a miss) goes to a worker.
  history.answer_inline = [deps](const http::Request& req) -> std::optional<http::Response> {
    if (!deps->history_pages || req.Query("as_of") || req.Query("at_position")) return std::nullopt;
    auto page = ReadPage(req, deps->max_page);
    const std::string_view order = req.Query("order").value_or("asc");
    if (!page.ok() || (order != "asc" && order != "desc")) return std::nullopt;
    auto body = CurrentHistoryPage<Agg>(*deps->store, *deps->history_pages, req.PathParam("id"), page->offset,
                                        page->limit, order);
    if (!body) return std::nullopt;
    return http::Response::Text(200, *body, "application/json");
  };
  add("GET", base + "/{id}/history", [deps](const http::Request& req) -> http::Response {
    auto at = ReadAsAt(req, *deps->store);
    if (!at.ok()) return ErrorResponse(at.error(), req);
    auto page = ReadPage(req, deps->max_page);
    if (!page.ok()) return ErrorResponse(page.error(), req);
    const std::string order(req.Query("order").value_or("asc"));
    if (order != "asc" && order != "desc") {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "order is asc or desc", "order"), req);
    }
    auto body = HistoryPageBody<Agg>(*deps->store, deps->history_pages.get(), deps->actor_names.get(),
                                     req.PathParam("id"), at->value_or(UINT64_MAX), page->offset, page->limit,
                                     order);
    if (!body.ok()) return ErrorResponse(body.error(), req);
    return http::Response::Text(200, std::move(body).value(), "application/json");
  }, history);

  // Commands.
  http::RouteOptions command;
  // With per-command permissions the handler checks them all (the router
  // only that the caller is signed in).
  command.permission = spec->command_write.empty() ? spec->write : auth::Permission::kRead;
  command.scope_checked_by_handler = true;
  command.openapi = http::OpenApiOperation("Run a command on a " + spec->noun +
                                               " (If-Match and Idempotency-Key honoured)",
                                           spec->collection);
  command.openapi["requestBody"] = http::OpenApiJsonBody({{"type", "object"}});
  // A command without an Idempotency-Key or after-hook runs on the I/O
  // thread: it is checked, then handed to the writer (api/core/
  // entity_writer.h) without waiting. Others write twice and start on a worker.
  command.inline_when = [spec](const http::Request& req) {
    return !req.Header("Idempotency-Key") && !spec->HasAfter(std::string(req.PathParam("command")));
  };
  add("POST", base + "/{id}/{command}",
      http::AsyncHandler([deps, spec](const http::Request& req, http::Respond respond) {
        RunCommand<Agg>(deps, *spec, req, std::move(respond));
      }),
      command);
}

}  // namespace assure::api::rest
