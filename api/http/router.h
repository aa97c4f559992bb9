// Routes: method + path template -> handler, with the options the server
// applies before calling the handler (authentication, permission, body kind,
// rate limiting, security audit) and the route's OpenAPI operation fragment.
//
// Path templates are literal segments and `{name}` segments, e.g.
// "/api/v1/deliverables/{id}/history". A `{name}` segment matches exactly one
// non-empty path segment; its percent-decoded value is in
// Request::path_params. When several templates match, the one with more
// literal segments earlier wins (so "/tokens/search" beats "/tokens/{id}").
//
// Handlers are synchronous and run on the worker pool (never on I/O threads)
// unless `run_inline` is set; they may block (RocksDB). A handler that throws
// gets a 500 problem with a correlation id; it should return error values.
//
// An asynchronous handler starts on the worker pool like the others (or on
// the I/O thread, see RouteOptions::inline_when) but
// answers through `respond`, exactly once, from any thread (e.g. a write
// answered by the store's committer once its group commit is durable): the
// worker is free meanwhile. Work after the worker's part must be quick and
// must not block. What it needs of the request it must copy.
//
// Thread safety: register every route before the server starts; after that the
// router is read-only and Match may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/auth/role.h"
#include "api/http/request.h"
#include "api/http/response.h"
#include "domain/result.h"

namespace assure::api::http {

using Handler = std::function<Response(const Request&)>;
using Respond = std::function<void(Response)>;
using AsyncHandler = std::function<void(const Request&, Respond)>;

enum class BodyKind {
  kJson,      // a body, when present, must be application/json; the normal body limit
  kDocument,  // any media type (or those in `media_types`); the larger document limit
};

struct RouteOptions {
  // The permission the caller needs. nullopt: a public route (no token needed,
  // Request::principal is empty).
  std::optional<auth::Permission> permission = auth::Permission::kRead;
  // For scoped permissions: the path parameter holding the group id the
  // request edits, checked against a scoped token. When empty and the
  // permission is scoped, a group-scoped token is refused unless
  // `scope_checked_by_handler` is set, in which case the server checks only
  // the role and the handler must call Authorizer::Authorize with the group id
  // it found (e.g. after loading a deliverable's programme).
  std::string group_param;
  bool scope_checked_by_handler = false;
  BodyKind body = BodyKind::kJson;
  // For kDocument: accepted media types (empty: any).
  std::vector<std::string> media_types;
  bool rate_limited = true;
  // Record every access in the security log (evidence-pack downloads).
  bool security_audit = false;
  // Run on the I/O thread: only for handlers that never block (health).
  bool run_inline = false;
  // Served while the server is starting (its read models catching up with
  // the log, see Application::WarmUpInBackground): health, the OpenAPI
  // document, the dashboard's files. Every other route answers 503 with
  // Retry-After meanwhile.
  bool while_starting = false;
  // An asynchronous route only: when this says so (called on the I/O thread,
  // after authentication), the handler starts on the I/O thread instead of
  // the worker pool, saving the hand-off. Only for requests whose first part
  // needs nothing that may block (e.g. the entity's state is in memory).
  std::function<bool(const Request&)> inline_when;
  // A synchronous route only: called on the I/O thread after authentication
  // and authorization, before the handler is handed to the worker pool. It
  // may answer from memory (a cached page), never blocking; nullopt: the
  // handler runs on the worker pool as usual. Saves the two thread hand-offs
  // of a request answered from memory. Not called when the request would make
  // security-log entries (an assessor's): those wait for room on a worker.
  std::function<std::optional<Response>(const Request&)> answer_inline;
  // The OpenAPI 3.1 operation object (summary, parameters, requestBody,
  // responses...). See openapi.h for what is filled in automatically.
  nlohmann::json openapi = nlohmann::json::object();
};

struct Route {
  std::string method;
  std::string path_template;
  std::vector<std::string> segments;  // "{name}" marks a parameter
  Handler handler;             // one of these two is set
  AsyncHandler async_handler;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;                    // null: 404 or 405
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;        // non-empty with null route: 405
};

class Router {
 public:
  // Errors: kInvalidArgument for a template that does not start with '/',
  // has an empty or malformed segment; kAlreadyExists for a duplicate
  // method + template (parameter names ignored).
  Status Add(std::string method, std::string path_template, Handler handler,
             RouteOptions options = {});
  Status Add(std::string method, std::string path_template, AsyncHandler handler,
             RouteOptions options = {});

  // Matches decoded path segments (see ParseTarget in query.h).
  RouteMatch Match(std::string_view method, const std::vector<std::string>& segments) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  Status AddRoute(std::string method, std::string path_template, Handler handler,
                  AsyncHandler async_handler, RouteOptions options);

  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace assure::api::http
