#include "api/rest/actor_names.h"
#include "api/rest/rest_service.h"

#include "api/core/history.h"
#include "api/rest/entity_routes.h"
#include "api/rest/route_groups.h"
#include "domain/calendar.h"

#include <spdlog/spdlog.h>

namespace assure::api::rest {

std::string Today(const RestDeps& deps) {
  return domain::FormatIsoDate(domain::UtcDateOf(deps.clock->NowMicros()));
}

http::Response WriteResponse(int status, const WriteResult& r, const std::string& location,
                             const std::vector<std::string>& warnings) {
  nlohmann::json body = {{"id", r.id},
                         {"version", r.stream_version},
                         {"position", r.position},
                         {"events_written", r.events_written},
                         {"replayed", r.replayed}};
  if (!warnings.empty()) body["warnings"] = warnings;
  auto res = http::Response::Json(status, body);
  res.SetHeader("ETag", "\"" + std::to_string(r.stream_version) + "\"");
  if (!location.empty()) res.SetHeader("Location", location);
  return res;
}

void NoteAfterCommit(const Status& s, std::string_view what, std::vector<std::string>& warnings) {
  if (s.ok()) return;
  std::string warning = std::string(what) + " was not done: " + s.error().message;
  spdlog::warn("after a committed write, {}", warning);
  warnings.push_back(std::move(warning));
}

http::Response ErrorResponse(const Error& e, const http::Request& req) {
  return ErrorResponse(e, req.correlation_id);
}

http::Response ErrorResponse(const Error& e, const std::string& correlation_id) {
  auto res = http::Response::Problem(e, correlation_id);
  if (e.code == ErrorCode::kUnavailable) res.SetHeader("Retry-After", "2");
  if (e.actual_version && *e.actual_version >= 0 &&
      (e.code == ErrorCode::kPreconditionFailed || e.code == ErrorCode::kWrongExpectedVersion)) {
    res.SetHeader("ETag", "\"" + std::to_string(*e.actual_version) + "\"");
  }
  return res;
}

Result<http::ConcurrencyLimiter::Permit> TakeHeavy(RestDeps& deps, std::string_view what) {
  auto permit = deps.heavy->TryAcquire();
  if (!permit) {
    return MakeError(ErrorCode::kUnavailable,
                     "the server is busy with " + std::to_string(deps.heavy->limit()) +
                         " heavy operations (imports, evidence packs, exports, as-at reads, text searches); " +
                         std::string(what) + " must wait: retry shortly");
  }
  return permit;
}

Result<nlohmann::json> WithModel(RestDeps& deps, std::optional<std::uint64_t> at,
                                 const std::function<Result<nlohmann::json>(const NetworkModel&)>& fn) {
  if (!at) {
    auto lock = deps.runner->ReadLock();
    return fn(deps.network->model());
  }
  // Folds the log up to `at`: a heavy operation.
  auto permit = TakeHeavy(deps, "an as-at read");
  if (!permit.ok()) return permit.error();
  auto model = BuildNetworkModel(*deps.store, *at);
  if (!model.ok()) return model.error();
  return fn(*model);
}

Status AwaitMinPosition(RestDeps& deps, const http::Request& req) {
  auto min = ReadUint(req, "min_position");
  if (!min.ok()) return min.error();
  if (!min->has_value()) return {};
  // A position past the log's head was never answered to any write: waiting
  // for it would only park a worker (64 such reads stalled every other read).
  if (const std::uint64_t head = deps.store->Head().position; **min > head) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "min_position " + std::to_string(**min) + " is past the head of the log (" +
                         std::to_string(head) + "); use a position a write answered",
                     "min_position");
  }
  if (!deps.runner->WaitFor(**min, deps.read_your_writes_timeout)) {
    return MakeError(ErrorCode::kUnavailable, "the read models have not reached position " +
                                                  std::to_string(**min) + " yet; retry shortly");
  }
  return {};
}

Status AuthorizeScope(RestDeps& deps, const http::Request& req, auth::Permission permission,
                      const std::optional<std::string>& group) {
  if (!req.principal) return MakeError(ErrorCode::kUnauthenticated, "a bearer token is needed");
  return deps.authorizer->Authorize(*req.principal, permission, group);
}

Status RegisterRestRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  if (!deps->writer) deps->writer = std::make_shared<EntityWriter>(deps->store);
  if (!deps->history_pages) deps->history_pages = std::make_shared<HistoryPageCache>();
  if (!deps->actor_names && deps->runner && deps->network) {
    deps->actor_names = std::make_shared<ReadModelActorNames>(
        deps->runner, deps->network, deps->authorizer ? &deps->authorizer->index() : nullptr);
  }
  ASSURE_TRY(RegisterEntityKinds(router, deps));
  ASSURE_TRY(RegisterRegisterKinds(router, deps));
  ASSURE_TRY(RegisterRiskDraftRoutes(router, deps));
  ASSURE_TRY(RegisterDeliverableNoteRoutes(router, deps));
  ASSURE_TRY(RegisterQueryRoutes(router, deps));
  ASSURE_TRY(RegisterDocumentContentRoutes(router, deps));
  ASSURE_TRY(RegisterLogRoutes(router, deps));
  ASSURE_TRY(RegisterSubjectAccessRoutes(router, deps));
  if (deps->checkpoints) ASSURE_TRY(RegisterExchangeRoutes(router, deps));
  return {};
}

}  // namespace assure::api::rest
