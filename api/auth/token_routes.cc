#include "api/auth/token_routes.h"

#include <charconv>
#include <string>

#include "api/http/openapi.h"
#include "api/http/query.h"
#include "domain/calendar.h"
#include "domain/json_text.h"

namespace assure::auth {

using api::http::Request;
using api::http::Response;

nlohmann::json TokenJson(const TokenRecord& r, std::int64_t now_us) {
  nlohmann::json j = nlohmann::json::object();
  j["token_id"] = r.issued.token_id;
  j["name"] = r.issued.name;
  j["person_id"] = r.issued.person_id ? nlohmann::json(*r.issued.person_id) : nullptr;
  j["role"] = std::string(RoleName(r.issued.role));
  j["group_scope"] = r.issued.group_scope ? nlohmann::json(*r.issued.group_scope) : nullptr;
  j["expires_at"] =
      r.issued.expires_at_us ? nlohmann::json(domain::FormatIsoSeconds(*r.issued.expires_at_us)) : nullptr;
  j["issued_at"] = domain::FormatIsoSeconds(r.issued_at_us);
  j["issued_by"] = r.issued_by;
  j["status"] = TokenStatus(r, now_us);
  if (r.details_removed) j["details_removed"] = true;
  if (r.revoked) {
    j["revoked_at"] = domain::FormatIsoSeconds(r.revoked_at_us);
    j["revoke_reason"] = r.revoke_reason;
  }
  return j;
}

namespace {

Response Problem(const Error& e, const Request& req) {
  return Response::Problem(e, req.correlation_id);
}

Result<nlohmann::json> JsonObjectBody(const Request& req, bool allow_empty) {
  if (req.body.empty() && allow_empty) return nlohmann::json::object();
  if (!domain::JsonDepthWithin(req.body)) {
    return MakeError(ErrorCode::kInvalidArgument, "the body nests arrays and objects more than " +
                                                      std::to_string(domain::kMaxJsonDepth) + " levels deep");
  }
  auto j = domain::ParseJsonText(req.body);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  }
  return j;
}

Result<IssueTokenRequest> ParseIssue(const nlohmann::json& j) {
  IssueTokenRequest r;
  if (auto p = j.find("person_id"); p != j.end() && !p->is_null()) {
    if (!p->is_string()) return MakeError(ErrorCode::kInvalidArgument, "person_id must be a string", "person_id");
    r.person_id = p->get<std::string>();
  }
  auto name = j.find("name");
  if (r.person_id && (name == j.end() || name->is_null())) {
    // A token of a person needs no label.
  } else if (name == j.end() || !name->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "name is required (a string) unless person_id is given", "name");
  } else {
    r.name = name->get<std::string>();
  }
  auto role = j.find("role");
  if (role == j.end() || !role->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, "role is required (a string)", "role");
  }
  auto parsed = ParseRole(role->get<std::string>());
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "role must be admin, editor, secretary, viewer or assessor", "role");
  }
  r.role = *parsed;
  if (auto g = j.find("group_scope"); g != j.end() && !g->is_null()) {
    if (!g->is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, "group_scope must be a string",
                       "group_scope");
    }
    r.group_scope = g->get<std::string>();
  }
  if (auto e = j.find("expires_at"); e != j.end() && !e->is_null()) {
    if (!e->is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, "expires_at must be an ISO 8601 string",
                       "expires_at");
    }
    auto t = ParseExpiry(e->get<std::string>());
    if (!t.ok()) {
      return MakeError(ErrorCode::kInvalidArgument, t.error().message, "expires_at");
    }
    r.expires_at_us = *t;
  }
  return r;
}

nlohmann::json TokenSchema() {
  return {{"type", "object"},
          {"required", {"role"}},
          {"description", "A token names its holder with person_id (a registered person): the events it "
                          "causes record that person as the actor, and reads show their name. name is a "
                          "label of the token (required without person_id), sealed under the token's own key "
                          "and removed (details_removed: true, name \"\") once the token has been revoked or "
                          "expired for ASSURE_TOKEN_DETAILS_RETENTION_DAYS (365) days."},
          {"properties",
           {{"person_id", {{"type", {"string", "null"}}}},
            {"name", {{"type", "string"}}},
            {"role", {{"enum", {"admin", "editor", "secretary", "viewer", "assessor"}}}},
            {"group_scope", {{"type", {"string", "null"}}}},
            {"expires_at", {{"type", {"string", "null"}}, {"format", "date-time"}}}}}};
}

}  // namespace

Status RegisterTokenRoutes(api::http::Router& router, TokenService& tokens,
                           SecurityLog& security_log) {
  using api::http::OpenApiOperation;
  api::http::RouteOptions manage;
  manage.permission = Permission::kManageTokens;

  auto create = manage;
  create.openapi = OpenApiOperation("Issue a token (the secret is shown once)", "tokens", 201,
                                    "The token and its details");
  create.openapi["requestBody"] = api::http::OpenApiJsonBody(TokenSchema());
  ASSURE_TRY(router.Add(
      "POST", "/api/v1/tokens",
      [&tokens](const Request& req) {
        auto body = JsonObjectBody(req, false);
        if (!body.ok()) return Problem(body.error(), req);
        auto parsed = ParseIssue(*body);
        if (!parsed.ok()) return Problem(parsed.error(), req);
        auto issued = tokens.Issue(*parsed, req.principal->actor(), "api");
        if (!issued.ok()) return Problem(issued.error(), req);
        nlohmann::json j = TokenJson(issued->record, tokens.NowMicros());
        j["token"] = issued->secret;
        Response r = Response::Json(201, j);
        r.SetHeader("Cache-Control", "no-store");
        r.SetHeader("Location", "/api/v1/tokens/" + issued->record.issued.token_id);
        return r;
      },
      create));

  auto list = manage;
  list.openapi = OpenApiOperation("List tokens (never their secrets)", "tokens");
  list.openapi["parameters"] = {
      api::http::OpenApiQueryParam("offset", "integer", "Items to skip"),
      api::http::OpenApiQueryParam("limit", "integer", "Page size (1..500, default 50)")};
  ASSURE_TRY(router.Add(
      "GET", "/api/v1/tokens",
      [&tokens](const Request& req) {
        auto page = api::http::ParsePageParams(req.query);
        if (!page.ok()) return Problem(page.error(), req);
        if (!page->cursor.empty()) {
          return Problem(MakeError(ErrorCode::kInvalidArgument,
                                   "this list pages by offset, not cursor", "cursor"),
                         req);
        }
        const auto all = tokens.index().List();
        const auto now = tokens.NowMicros();
        nlohmann::json items = nlohmann::json::array();
        for (std::size_t i = page->offset; i < all.size() && items.size() < page->limit; ++i) {
          items.push_back(TokenJson(all[i], now));
        }
        return Response::Json(200, {{"items", items},
                                    {"total", all.size()},
                                    {"offset", page->offset},
                                    {"limit", page->limit}});
      },
      list));

  auto get = manage;
  get.openapi = OpenApiOperation("One token's details", "tokens");
  ASSURE_TRY(router.Add(
      "GET", "/api/v1/tokens/{id}",
      [&tokens](const Request& req) {
        auto rec = tokens.index().FindById(std::string(req.PathParam("id")));
        if (!rec) return Problem(MakeError(ErrorCode::kNotFound, "no such token"), req);
        return Response::Json(200, TokenJson(*rec, tokens.NowMicros()));
      },
      get));

  auto revoke = manage;
  revoke.openapi = OpenApiOperation("Revoke a token", "tokens");
  revoke.openapi["requestBody"] = api::http::OpenApiJsonBody(
      {{"type", "object"}, {"properties", {{"reason", {{"type", "string"}}}}}}, false);
  ASSURE_TRY(router.Add(
      "POST", "/api/v1/tokens/{id}/revoke",
      [&tokens](const Request& req) {
        auto body = JsonObjectBody(req, true);
        if (!body.ok()) return Problem(body.error(), req);
        std::string reason;
        if (auto it = body->find("reason"); it != body->end() && !it->is_null()) {
          if (!it->is_string()) {
            return Problem(
                MakeError(ErrorCode::kInvalidArgument, "reason must be a string", "reason"), req);
          }
          reason = it->get<std::string>();
        }
        auto rec = tokens.Revoke(std::string(req.PathParam("id")), reason,
                                 req.principal->actor(), "api");
        if (!rec.ok()) return Problem(rec.error(), req);
        return Response::Json(200, TokenJson(*rec, tokens.NowMicros()));
      },
      revoke));

  // Who the caller is and what their token lets them do: the dashboard shows
  // only the forms the caller may use (the server still checks every write).
  api::http::RouteOptions who;
  who.permission = Permission::kRead;
  who.openapi = OpenApiOperation(
      "The calling token: its label, the person it names (person_id; actor_name: who, in words), role, group "
      "scope and permissions",
      "tokens");
  ASSURE_TRY(router.Add(
      "GET", "/api/v1/session",
      [&tokens](const Request& req) {
        const Principal& p = *req.principal;
        nlohmann::json permissions = nlohmann::json::object();
        for (Permission perm : kAllPermissions) {
          permissions[std::string(PermissionName(perm))] = RoleAllows(p.role, perm);
        }
        Response r = Response::Json(
            200, {{"token_id", p.token_id},
                  {"name", p.name},
                  {"person_id", p.person_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.person_id)},
                  {"actor", p.actor()},
                  {"actor_name", tokens.NameOfActor(p.actor())},
                  {"role", std::string(RoleName(p.role))},
                  {"group_scope", p.group_scope ? nlohmann::json(*p.group_scope) : nlohmann::json(nullptr)},
                  {"expires_at", p.expires_at_us ? nlohmann::json(domain::FormatIsoSeconds(*p.expires_at_us))
                                                 : nlohmann::json(nullptr)},
                  {"permissions", std::move(permissions)}});
        r.SetHeader("Cache-Control", "no-store");
        return r;
      },
      who));

  api::http::RouteOptions log;
  log.permission = Permission::kAdminRead;
  log.openapi = OpenApiOperation("The security access log (oldest first)", "security");
  log.openapi["parameters"] = {
      api::http::OpenApiQueryParam("from", "integer", "First sequence number (default 1)"),
      api::http::OpenApiQueryParam("limit", "integer", "Page size (1..1000, default 100)")};
  ASSURE_TRY(router.Add(
      "GET", "/api/v1/security/log",
      [&security_log](const Request& req) {
        std::uint64_t from = 1;
        if (auto f = req.Query("from")) {
          auto [p, ec] = std::from_chars(f->data(), f->data() + f->size(), from);
          if (ec != std::errc() || p != f->data() + f->size() || from == 0) {
            return Problem(MakeError(ErrorCode::kInvalidArgument,
                                     "from must be a positive integer", "from"),
                           req);
          }
        }
        std::vector<api::http::QueryParam> limit_only;
        for (const auto& q : req.query) {
          if (q.key == "limit") limit_only.push_back(q);
        }
        auto page = api::http::ParsePageParams(limit_only, 100, 1000);
        if (!page.ok()) return Problem(page.error(), req);
        auto entries = security_log.Read(from, page->limit);
        if (!entries.ok()) return Problem(entries.error(), req);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& e : *entries) items.push_back(e.ToJson());
        nlohmann::json out = {{"items", items}};
        out["next_from"] = entries->empty() ? from : entries->back().seq + 1;
        return Response::Json(200, out);
      },
      log));
  return {};
}

}  // namespace assure::auth
