// GET /api/v1/deliverables/{id}/notes: every progress note, a page at a time.
// The deliverable's own JSON carries only the newest few and the count.
#include "api/core/aggregate_loader.h"
#include "api/core/history.h"
#include "api/core/progress_notes.h"
#include "api/http/openapi.h"
#include "api/rest/entity_routes.h"
#include "api/rest/params.h"
#include "api/rest/route_groups.h"
#include "domain/deliverable.h"
#include "domain/calendar.h"

namespace assure::api::rest {

Status RegisterDeliverableNoteRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  http::RouteOptions o;
  o.openapi = http::OpenApiOperation("Progress notes of a deliverable, newest first by default", "deliverables");
  o.openapi["parameters"] = {
      AsOfParam(), AtPositionParam(),
      http::OpenApiQueryParam("order", "string", "desc (newest first, the default) or asc")};
  AddPageParams(o.openapi["parameters"], "notes");
  o.openapi["description"] =
      "{items: [{note_id, note_date, text, actor, recorded_at, position}], total, offset, limit, "
      "order}. total is the deliverable's progress_note_count; the deliverable itself shows only "
      "the newest 20 notes.";
  add("GET", "/api/v1/deliverables/{id}/notes", [deps](const http::Request& req) -> http::Response {
    auto at = ReadAsAt(req, *deps->store);
    if (!at.ok()) return ErrorResponse(at.error(), req);
    auto page = ReadPage(req, deps->max_page);
    if (!page.ok()) return ErrorResponse(page.error(), req);
    const std::string order(req.Query("order").value_or("desc"));
    if (order != "asc" && order != "desc") {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "order is asc or desc", "order"), req);
    }
    const std::string id(req.PathParam("id"));
    auto not_found = [&] {
      return ErrorResponse(MakeError(ErrorCode::kNotFound, "no deliverable '" + id + "'", "id"), req);
    };
    std::uint64_t last_position = 0, count = 0;
    if (!at->has_value()) {
      auto lock = deps->runner->ReadLock();  // the current state: the live read model's
      auto row = deps->network->model().deliverables.FindRow(id);
      if (row == nullptr) return not_found();
      last_position = row->position;
      count = row->state.progress_note_count;
    } else {
      auto loaded = LoadAggregate<domain::DeliverableAggregate>(*deps->store, id, **at);
      if (!loaded.ok()) return ErrorResponse(loaded.error(), req);
      if (!loaded->state.exists) return not_found();
      last_position = loaded->last_position;
      count = loaded->state.progress_note_count;
    }
    auto notes = ProgressNotesRange(*deps->store, id, last_position, count, page->offset, page->limit,
                                    order == "desc");
    if (!notes.ok()) return ErrorResponse(notes.error(), req);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& n : notes->items) {
      items.push_back({{"note_id", n.note_id},
                       {"note_date", n.note_date},
                       {"text", n.text},
                       {"actor", n.actor},
                       {"recorded_at", domain::FormatTimestampUs(n.recorded_at_us)},
                       {"position", n.position}});
    }
    return http::Response::Json(200, {{"items", std::move(items)},
                                      {"total", notes->total},
                                      {"offset", page->offset},
                                      {"limit", page->limit},
                                      {"order", order}});
  }, o);
  return add.status();
}

}  // namespace assure::api::rest
