// The board's list queries over the network model (current or as at).
#include "api/http/openapi.h"
#include "api/queries/decision_log.h"
#include "api/queries/queries.h"
#include "api/queries/risk_register.h"
#include "api/rest/entity_routes.h"
#include "api/rest/route_groups.h"
#include "domain/calendar.h"

namespace assure::api::rest {

namespace {

std::optional<std::string> Opt(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (!v || v->empty()) return std::nullopt;
  return std::string(*v);
}

nlohmann::json AsAtParams() {
  return {AsOfParam(), AtPositionParam()};
}

// A route whose answer is computed from the model: parse as-at, wait for
// min_position, run `fn`.
http::Handler ModelRoute(std::shared_ptr<RestDeps> deps,
                         std::function<Result<nlohmann::json>(const http::Request&,
                                                              const NetworkModel&)> fn) {
  return [deps, fn](const http::Request& req) -> http::Response {
    if (auto s = AwaitMinPosition(*deps, req); !s.ok()) return ErrorResponse(s.error(), req);
    auto at = ReadAsAt(req, *deps->store);
    if (!at.ok()) return ErrorResponse(at.error(), req);
    auto out = WithModel(*deps, *at, [&](const NetworkModel& m) { return fn(req, m); });
    if (!out.ok()) return ErrorResponse(out.error(), req);
    return http::Response::Json(200, *out);
  };
}

}  // namespace

Status RegisterQueryRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  http::RouteOptions o;
  o.openapi = http::OpenApiOperation("List deliverables, filtered as boards need", "deliverables");
  o.openapi["parameters"] = AsAtParams();
  for (const char* p : {"programme_id", "group_id", "ragb", "status", "owner", "qsin_code"}) {
    o.openapi["parameters"].push_back(http::OpenApiQueryParam(p, "string", std::string("filter by ") + p));
  }
  o.openapi["parameters"].push_back(http::OpenApiQueryParam("overdue", "boolean", "only overdue ones"));
  o.openapi["parameters"].push_back(http::OpenApiQueryParam(
      "completed_by", "string",
      "YYYY-MM-DD, a business date: only deliverables completed on or before it (the whole period "
      "their Date Completed names ended by then), whenever that was recorded"));
  {
    std::string keys;
    for (std::string_view k : kDeliverableSortKeys) keys += (keys.empty() ? "" : ", ") + std::string(k);
    o.openapi["parameters"].push_back(http::OpenApiQueryParam(
        "sort", "string",
        "order of the rows: " + keys + "; - in front for descending (default programme: the "
        "programmes' row order, as the spreadsheet has it). Unknown key: 422"));
  }
  o.openapi["description"] =
      "programme_id and group_id must exist in the model asked about (else 404); qsin_code "
      "matches case-insensitively.";
  AddPageParams(o.openapi["parameters"]);
  add("GET", "/api/v1/deliverables",
             ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
               DeliverableFilter f;
               f.programme_id = Opt(req, "programme_id");
               f.group_id = Opt(req, "group_id");
               f.ragb = Opt(req, "ragb");
               f.status = Opt(req, "status");
               f.owner = Opt(req, "owner");
               f.qsin_code = Opt(req, "qsin_code");
               f.sort = Opt(req, "sort").value_or("");
               if (f.ragb && !domain::ValueOf(domain::kRagbNames, *f.ragb) && *f.ragb != "none") {
                 return MakeError(ErrorCode::kInvalidArgument, "ragb is red, amber, blue, green or none", "ragb");
               }
               if (f.status && !domain::ValueOf(domain::kDeliverableStatusNames, *f.status)) {
                 return MakeError(ErrorCode::kInvalidArgument,
                                  "status is one of " + domain::NamesList(domain::kDeliverableStatusNames), "status");
               }
               auto overdue = Opt(req, "overdue");
               if (overdue && *overdue != "true" && *overdue != "false") {
                 return MakeError(ErrorCode::kInvalidArgument, "overdue is true or false", "overdue");
               }
               f.overdue_only = overdue == "true";
               f.completed_by = Opt(req, "completed_by");
               if (f.completed_by &&
                   !domain::ParseIsoDate(*f.completed_by)) {
                 return MakeError(ErrorCode::kInvalidArgument, "completed_by is a date, YYYY-MM-DD",
                                  "completed_by");
               }
               f.today = Today(*deps);
               auto page = ReadPage(req, deps->max_page);
               if (!page.ok()) return page.error();
               auto rows = ListDeliverables(m, f, page->offset, page->limit);
               if (!rows.ok()) return rows.error();
               return PageJson(std::move(rows->items), rows->total, *page, m.position);
             }),
             o);

  http::RouteOptions members;
  members.openapi = http::OpenApiOperation("Who sat on a group on a date", "groups");
  members.openapi["parameters"] = {http::OpenApiQueryParam("date", "string", "YYYY-MM-DD (default today)")};
  add("GET", "/api/v1/groups/{id}/members",
             ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
               std::string date = Opt(req, "date").value_or(Today(*deps));
               if (!domain::ParseIsoDate(date)) {
                 return MakeError(ErrorCode::kInvalidArgument, "date is YYYY-MM-DD", "date");
               }
               auto rows = GroupMembersOn(m, std::string(req.PathParam("id")), date);
               if (!rows.ok()) return rows.error();
               return nlohmann::json{{"group_id", req.PathParam("id")}, {"date", date}, {"items", *rows}};
             }),
             members);

  http::RouteOptions attendance;
  attendance.openapi = http::OpenApiOperation("A person's attendance record", "people");
  attendance.openapi["parameters"] = nlohmann::json::array();
  AddPageParams(attendance.openapi["parameters"], "rows", deps->max_list_window);
  attendance.openapi["description"] =
      "Every meeting the person's attendance was recorded at, by the meeting's date (business time), "
      "each naming its meeting and group in words; total counts them all.";
  add("GET", "/api/v1/people/{id}/attendance",
             ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
               if (!m.people.Find(req.PathParam("id"))) {
                 return MakeError(ErrorCode::kNotFound, "no person '" + std::string(req.PathParam("id")) + "'", "id");
               }
               auto page = ReadPage(req, deps->max_page, deps->max_list_window);
               if (!page.ok()) return page.error();
               auto rows = AttendanceOf(m, std::string(req.PathParam("id")), page->offset, page->limit);
               return PageJson(std::move(rows.items), rows.total, *page, m.position);
             }),
             attendance);

  http::RouteOptions review;
  review.openapi = http::OpenApiOperation("Controlled documents due or overdue for review", "documents");
  review.openapi["parameters"] = {http::OpenApiQueryParam("within_days", "integer", "default 30")};
  AddPageParams(review.openapi["parameters"], "rows", deps->max_list_window);
  add("GET", "/api/v1/documents/review-due",
             ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
               auto days = ReadUint(req, "within_days");
               if (!days.ok()) return days.error();
               if (days->value_or(30) > 3650) {
                 return MakeError(ErrorCode::kInvalidArgument, "within_days is at most 3650", "within_days");
               }
               auto page = ReadPage(req, deps->max_page, deps->max_list_window);
               if (!page.ok()) return page.error();
               auto rows = ListDocumentsForReview(m, Today(*deps), static_cast<int>(days->value_or(30)), page->offset,
                                                  page->limit);
               if (!rows.ok()) return rows.error();
               return PageJson(std::move(rows->items), rows->total, *page, m.position);
             }),
             review);

  http::RouteOptions actions;
  actions.openapi = http::OpenApiOperation("Open actions of every meeting", "meetings");
  actions.openapi["parameters"] = {http::OpenApiQueryParam("owner", "string", "owner person id"),
                                   http::OpenApiQueryParam("due_before", "string", "YYYY-MM-DD")};
  AddPageParams(actions.openapi["parameters"], "rows", deps->max_list_window);
  actions.openapi["description"] =
      "Soonest due first (then by meeting id and the order recorded). Each row names its meeting, group and "
      "owner in words; total counts the rows in all. Reads the record as it is now; overdue compares the due "
      "date with today's date in the business (the server's clock).";
  add("GET", "/api/v1/actions",
             ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
               // Due dates compare as text: anything but a date would filter silently.
               auto due_before = Opt(req, "due_before");
               if (due_before && !domain::ParseIsoDate(*due_before)) {
                 return MakeError(ErrorCode::kInvalidArgument, "due_before is a date, YYYY-MM-DD", "due_before");
               }
               // An unknown person would filter to nothing, silently.
               auto owner = Opt(req, "owner");
               if (owner && !m.people.Find(*owner)) {
                 return MakeError(ErrorCode::kNotFound, "no person '" + *owner + "'", "owner");
               }
               auto page = ReadPage(req, deps->max_page, deps->max_list_window);
               if (!page.ok()) return page.error();
               auto rows = ListOpenActions(m, owner, due_before, Today(*deps), page->offset, page->limit);
               return PageJson(std::move(rows.items), rows.total, *page, m.position);
             }),
             actions);

  http::RouteOptions coverage;
  coverage.openapi = http::OpenApiOperation("QSIN coverage: evidence per statement, and gaps", "qsin");
  coverage.openapi["parameters"] = AsAtParams();
  coverage.openapi["parameters"].push_back(
      http::OpenApiQueryParam("codes", "string", "comma-separated statement codes (default: all)"));
  add("GET", "/api/v1/qsin/coverage",
             ModelRoute(deps, [](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
               std::vector<std::string> codes;
               if (auto c = Opt(req, "codes")) {
                 std::string cur;
                 for (char ch : *c + ",") {
                   if (ch == ',') {
                     if (!cur.empty()) codes.push_back(cur);
                     cur.clear();
                   } else if (ch != ' ') {
                     cur.push_back(ch);
                   }
                 }
               }
               auto out = QsinCoverage(m, codes);
               out["position"] = m.position;
               return out;
             }),
             coverage);
  http::RouteOptions risks;
  risks.openapi = http::OpenApiOperation("The risk register, filtered, with its 5x5 heat map", "risks");
  risks.openapi["parameters"] = AsAtParams();
  for (const char* p : {"group_id", "owner_person_id", "qsin_code"}) {
    risks.openapi["parameters"].push_back(http::OpenApiQueryParam(p, "string", std::string("filter by ") + p));
  }
  risks.openapi["parameters"].push_back(http::OpenApiQueryParam(
      "status", "string", "open, tolerated, closed or all (default: open and tolerated)"));
  risks.openapi["parameters"].push_back(
      http::OpenApiQueryParam("min_score", "integer", "current likelihood x impact at least this (1-25)"));
  risks.openapi["parameters"].push_back(
      http::OpenApiQueryParam("past_review", "boolean", "only risks whose review date is before `on`"));
  risks.openapi["parameters"].push_back(http::OpenApiQueryParam(
      "on", "string",
      "YYYY-MM-DD, a business date: what review_overdue and past_review are judged on (default today; "
      "give the as-at date with as_of for the register as it then stood)"));
  risks.openapi["description"] =
      "The register as the record stood at as_of / at_position (recorded time). Rows by current score, "
      "highest first; heat_map counts the rows' current scores per cell of the 5x5 matrix (likelihood "
      "5..1 by impact 1..5).";
  add("GET", "/api/v1/risk-register",
      ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
        RiskFilter f;
        f.group_id = Opt(req, "group_id");
        f.owner_person_id = Opt(req, "owner_person_id");
        f.qsin_code = Opt(req, "qsin_code");
        f.status = Opt(req, "status");
        auto min_score = ReadUint(req, "min_score");
        if (!min_score.ok()) return min_score.error();
        if (min_score->value_or(0) > 25) {
          return MakeError(ErrorCode::kInvalidArgument, "min_score is 0 to 25 (likelihood x impact)", "min_score");
        }
        f.min_score = static_cast<int>(min_score->value_or(0));
        auto past = Opt(req, "past_review");
        if (past && *past != "true" && *past != "false") {
          return MakeError(ErrorCode::kInvalidArgument, "past_review is true or false", "past_review");
        }
        f.past_review_only = past == "true";
        f.today = Opt(req, "on").value_or(Today(*deps));
        if (!domain::ParseIsoDate(f.today)) return MakeError(ErrorCode::kInvalidArgument, "on is YYYY-MM-DD", "on");
        if (f.owner_person_id && !m.people.Find(*f.owner_person_id)) {
          return MakeError(ErrorCode::kNotFound, "no person '" + *f.owner_person_id + "'", "owner_person_id");
        }
        auto out = RiskRegister(m, f);
        if (!out.ok()) return out.error();
        (*out)["position"] = m.position;
        (*out)["on"] = f.today;
        return out;
      }),
      risks);

  http::RouteOptions movement;
  movement.openapi = http::OpenApiOperation("How a group's risks moved since its last meeting", "risks");
  movement.openapi["parameters"] = AsAtParams();
  movement.openapi["parameters"].push_back(http::OpenApiQueryParam(
      "meeting_id", "string", "compare with this closed meeting of the group (default: its latest closed one)"));
  movement.openapi["description"] =
      "Each of the group's risks now (or as at as_of / at_position) against the record as it stood when "
      "the meeting closed (recorded time: the position of its MeetingClosed event): new, up, down, "
      "closed, reopened, status (tolerated or back) or unchanged.";
  add("GET", "/api/v1/groups/{id}/risk-movement",
      ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
        auto out = RiskMovement(m, *deps->store, std::string(req.PathParam("id")), Opt(req, "meeting_id"));
        if (!out.ok()) return out.error();
        (*out)["position"] = m.position;
        return out;
      }),
      movement);
  http::RouteOptions decisions;
  decisions.openapi = http::OpenApiOperation("The decision log: every decision of every meeting", "meetings");
  decisions.openapi["parameters"] = AsAtParams();
  for (auto [p, what] : std::initializer_list<std::pair<const char*, const char*>>{
           {"q", "words the decision's text holds (case-insensitive)"},
           {"group_id", "decisions of this group's meetings"},
           {"link_kind", "linked to this kind: deliverable, document, document-version, risk, issue, escalation"},
           {"link_id", "linked to this entity"},
           {"from", "YYYY-MM-DD, a business date: meetings on or after it"},
           {"to", "YYYY-MM-DD, a business date: meetings on or before it"},
           {"recommendations", "true: only decisions escalated to the board above as recommendations"}}) {
    decisions.openapi["parameters"].push_back(http::OpenApiQueryParam(p, "string", what));
  }
  AddPageParams(decisions.openapi["parameters"], "rows", deps->max_list_window);
  decisions.openapi["description"] =
      "Newest meeting first. Each row names the meeting, group and links in words, the escalations the "
      "decision accepted, returned or closed, and, for a recommendation to the board above, whether it "
      "was endorsed.";
  add("GET", "/api/v1/decisions",
      ModelRoute(deps, [deps](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
        DecisionFilter f;
        f.text = Opt(req, "q");
        f.group_id = Opt(req, "group_id");
        f.link_kind = Opt(req, "link_kind");
        f.link_id = Opt(req, "link_id");
        f.from = Opt(req, "from");
        f.to = Opt(req, "to");
        auto rec = Opt(req, "recommendations");
        if (rec && *rec != "true" && *rec != "false") {
          return MakeError(ErrorCode::kInvalidArgument, "recommendations is true or false", "recommendations");
        }
        f.recommendations_only = rec == "true";
        auto page = ReadPage(req, deps->max_page, deps->max_list_window);
        if (!page.ok()) return page.error();
        // A text search loads every meeting whose decisions pass the other
        // filters, whole (a cold one from its log): heavy. An as-at read
        // already holds a permit for folding the log.
        http::ConcurrencyLimiter::Permit search;
        if (f.text && !req.Query("as_of") && !req.Query("at_position")) {
          auto permit = TakeHeavy(*deps, "a text search of the decision log");
          if (!permit.ok()) return permit.error();
          search = std::move(permit).value();
        }
        auto rows = DecisionLog(m, f, page->offset, page->limit);
        if (!rows.ok()) return rows.error();
        return PageJson(std::move(rows->items), rows->total, *page, m.position);
      }),
      decisions);

  http::RouteOptions escalations;
  escalations.openapi = http::OpenApiOperation("A board's escalations: its agenda (incoming) or what it sent up", "escalations");
  escalations.openapi["parameters"] = AsAtParams();
  escalations.openapi["parameters"].push_back(
      http::OpenApiQueryParam("direction", "string", "incoming (default: escalated to this group) or outgoing"));
  escalations.openapi["parameters"].push_back(http::OpenApiQueryParam(
      "status", "string", "pending, accepted, returned, closed or all (default pending incoming, all outgoing)"));
  add("GET", "/api/v1/groups/{id}/escalations",
      ModelRoute(deps, [](const http::Request& req, const NetworkModel& m) -> Result<nlohmann::json> {
        const std::string direction = Opt(req, "direction").value_or("incoming");
        if (direction != "incoming" && direction != "outgoing") {
          return MakeError(ErrorCode::kInvalidArgument, "direction is incoming or outgoing", "direction");
        }
        auto rows = GroupEscalations(m, std::string(req.PathParam("id")), direction == "incoming", Opt(req, "status"));
        if (!rows.ok()) return rows.error();
        return nlohmann::json{{"group_id", req.PathParam("id")}, {"direction", direction},
                              {"items", std::move(rows).value()}, {"position", m.position}};
      }),
      escalations);
  return add.status();
}

}  // namespace assure::api::rest
