#include "server/dispatcher.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <exception>
#include <memory>
#include <random>
#include <utility>

#include "api/http/compression.h"
#include "api/http/problem.h"
#include "api/http/query.h"
#include "domain/hex.h"
#include "domain/json_text.h"
#include "server/application.h"
#include "server/json_log_formatter.h"

namespace assure::server {

using api::http::Request;
using api::http::Response;
using api::http::Route;

namespace {

// How long a worker waits for room in the security log's queue before the
// request is refused (503) without being run.
constexpr std::chrono::milliseconds kSecurityLogWait{2000};

bool IsMutating(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// Adds the correlation id to a handler's problem+json body that lacks it.
void StampProblem(Response& r, const std::string& cid) {
  if (r.status < 400 || r.content_type != api::http::kProblemContentType) return;
  auto j = domain::ParseJsonText(r.body);
  if (j.is_discarded() || !j.is_object() || j.contains("correlation_id")) return;
  j["correlation_id"] = cid;
  r.body = j.dump();
}

}  // namespace

Dispatcher::Dispatcher(Application& app)
    : app_(app), rate_limiter_(app.config().rate_limit) {}

Response Dispatcher::Problem(ErrorCode code, std::string detail,
                             const std::string& correlation_id) {
  return Response::Problem(MakeError(code, std::move(detail)), correlation_id);
}

std::string Dispatcher::CorrelationId(std::optional<std::string_view> from_client) {
  if (from_client && !from_client->empty() && from_client->size() <= 64) {
    bool ok = true;
    for (char c : *from_client) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && c != '.' && c != '_' && c != '-') {
        ok = false;
        break;
      }
    }
    if (ok) return std::string(*from_client);
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id(16, '0');
  std::uint64_t v = rng();
  for (auto& ch : id) {
    ch = domain::kHexLower[v & 0xf];
    v >>= 4;
  }
  return id;
}

void Dispatcher::LogRequest(const std::string& method, const std::string& target,
                            const std::string& client_ip, int status,
                            std::chrono::steady_clock::duration elapsed,
                            const std::string& correlation_id) {
  // Looked up once: the registry is fixed before the server starts.
  static const std::shared_ptr<spdlog::logger> log = [] {
    auto registered = spdlog::get(std::string(kRequestLogger));
    return registered ? registered : spdlog::default_logger();
  }();
  const double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  const std::string path = api::http::RedactTarget(target);
  // The same fields, structured, for the JSON log format.
  const ScopedRequestLogFields fields({method, path, status, ms, client_ip, correlation_id});
  log->log(status >= 500 ? spdlog::level::err : spdlog::level::info,
           "{} {} {} {:.1f}ms ip={} cid={}", method, path, status, ms, client_ip, correlation_id);
}

bool Dispatcher::RecordSecurity(const char* kind, const Request& request, int status,
                                std::string detail, bool on_worker,
                                auth::SecurityLog::Slots* slots) {
  std::optional<auth::SecurityLog::Slots> own;
  if (slots == nullptr || slots->count() == 0) {
    // Off the workers nothing may block: no room now is a refusal.
    own = app_.security_log().Reserve(1, on_worker ? kSecurityLogWait
                                                   : std::chrono::milliseconds(0));
    if (!own) return false;
    slots = &*own;
  }
  auth::SecurityEvent e;
  e.kind = kind;
  if (request.principal) {
    e.token_id = request.principal->token_id;
    e.role = std::string(auth::RoleName(request.principal->role));
  }
  e.client_ip = request.client_ip;
  e.method = request.method;
  e.path = request.path;
  e.status = status;
  e.detail = std::move(detail);
  e.correlation_id = request.correlation_id;
  app_.security_log().Submit(*slots, std::move(e));
  return true;
}

Response Dispatcher::SecurityLogBusy(const std::string& correlation_id) {
  Response r = Problem(ErrorCode::kUnavailable,
                       "the security log cannot take this request's entry now; retry shortly",
                       correlation_id);
  r.SetHeader("Retry-After", "1");
  return r;
}

std::size_t Dispatcher::SecurityEntriesAfter(const Request& request, const Route& route) {
  std::size_t n = 0;
  if (request.principal) {
    const auto role = request.principal->role;
    if (role == auth::Role::kAssessor) ++n;
    if (role == auth::Role::kAdmin && IsMutating(request.method)) ++n;
  }
  if (route.options.security_audit) ++n;
  return n;
}

std::optional<Response> Dispatcher::AdmitLive(Request& request, std::string_view credential) {
  auto principal = app_.authorizer().Authenticate(credential);
  const std::string key = principal.ok() ? principal->token_id : request.client_ip;
  auto decision = rate_limiter_.Take(key, principal.ok());
  if (!decision.allowed) {
    Response r = Problem(ErrorCode::kRateLimited, "too many requests; retry later",
                         request.correlation_id);
    r.SetHeader("Retry-After", std::to_string(decision.retry_after_seconds));
    return r;
  }
  if (!principal.ok()) {
    if (!RecordSecurity(auth::security_kind::kAuthenticationFailure, request, 401,
                        principal.error().message, false)) {
      return SecurityLogBusy(request.correlation_id);
    }
    Response r = Response::Problem(principal.error(), request.correlation_id);
    r.SetHeader("WWW-Authenticate", "Bearer");
    return r;
  }
  request.principal = *principal;
  Status allowed = app_.authorizer().Authorize(*principal, auth::Permission::kRead, std::nullopt);
  if (!allowed.ok()) {
    if (!RecordSecurity(auth::security_kind::kForbidden, request, 403, allowed.error().message,
                        false)) {
      return SecurityLogBusy(request.correlation_id);
    }
    return Response::Problem(allowed.error(), request.correlation_id);
  }
  if (principal->role == auth::Role::kAssessor &&
      !RecordSecurity(auth::security_kind::kAssessorAccess, request, 101, "live feed", false)) {
    return SecurityLogBusy(request.correlation_id);
  }
  return std::nullopt;
}

std::optional<Response> Dispatcher::Admit(Request& request, const Route& route) {
  const auto& opts = route.options;
  if (!opts.while_starting) {
    if (auto starting = app_.Starting()) {
      Response r = Response::Problem(*starting, request.correlation_id);
      r.SetHeader("Retry-After", "1");
      return r;
    }
  }
  std::optional<Error> auth_error;
  if (opts.permission) {
    auto principal = app_.authorizer().Authenticate(request.Header("Authorization").value_or(""));
    if (principal.ok()) {
      request.principal = std::move(principal).value();
    } else {
      auth_error = std::move(principal).error();
    }
  }
  if (opts.rate_limited) {
    const bool authed = request.principal.has_value();
    auto decision = rate_limiter_.Take(authed ? request.principal->token_id : request.client_ip,
                                       authed);
    if (!decision.allowed) {
      Response r = Problem(ErrorCode::kRateLimited, "too many requests; retry later",
                           request.correlation_id);
      r.SetHeader("Retry-After", std::to_string(decision.retry_after_seconds));
      return r;
    }
  }
  if (auth_error) {
    if (!RecordSecurity(auth::security_kind::kAuthenticationFailure, request, 401,
                        auth_error->message, false)) {
      return SecurityLogBusy(request.correlation_id);
    }
    Response r = Response::Problem(*auth_error, request.correlation_id);
    r.SetHeader("WWW-Authenticate", "Bearer");
    return r;
  }
  return Authorize(request, route, false);
}

void Dispatcher::Dispatch(Request request, const Route& route, Done done) {
  const auto& opts = route.options;
  if (opts.permission) {
    // Admitted on the header; a token revoked or expired while the body was
    // read is refused now.
    auto principal = app_.authorizer().Authenticate(request.Header("Authorization").value_or(""));
    if (!principal.ok()) {
      if (!RecordSecurity(auth::security_kind::kAuthenticationFailure, request, 401,
                          principal.error().message, false)) {
        done(SecurityLogBusy(request.correlation_id));
        return;
      }
      Response r = Response::Problem(principal.error(), request.correlation_id);
      r.SetHeader("WWW-Authenticate", "Bearer");
      done(std::move(r));
      return;
    }
    request.principal = std::move(principal).value();
  }
  if (opts.run_inline) {
    done(RunOnWorker(request, route));
    return;
  }
  if (opts.answer_inline && SecurityEntriesAfter(request, route) == 0) {
    if (auto answered = AnswerInline(request, route)) {
      done(std::move(*answered));
      return;
    }
  }
  if (route.async_handler && opts.inline_when && opts.inline_when(request)) {
    RunAsync(std::make_shared<const Request>(std::move(request)), route, std::move(done), false);
    return;
  }
  auto shared_done = std::make_shared<Done>(std::move(done));
  const std::string correlation_id = request.correlation_id;
  auto task = [this, &route, request = std::make_shared<const Request>(std::move(request)),
               shared_done]() {
    if (route.async_handler) {
      RunAsync(request, route, std::move(*shared_done), true);
    } else {
      (*shared_done)(RunOnWorker(*request, route));
    }
  };
  if (!app_.PostWork(std::move(task))) {
    Response r = Problem(ErrorCode::kUnavailable, "the server is busy; retry shortly",
                         correlation_id);
    r.SetHeader("Retry-After", "1");
    (*shared_done)(std::move(r));
  }
}

std::optional<Response> Dispatcher::Authorize(const Request& request, const Route& route,
                                              bool on_worker) {
  const auto& opts = route.options;
  if (!request.principal || !opts.permission) return std::nullopt;
  const auto& p = *request.principal;
  Status allowed;
  if (opts.scope_checked_by_handler) {
    if (!auth::RoleAllows(p.role, *opts.permission)) {
      allowed = app_.authorizer().Authorize(p, *opts.permission, std::nullopt);
    }
  } else {
    std::optional<std::string> group;
    if (!opts.group_param.empty()) group = std::string(request.PathParam(opts.group_param));
    allowed = app_.authorizer().Authorize(p, *opts.permission, group);
  }
  if (allowed.ok()) return std::nullopt;
  if (!RecordSecurity(auth::security_kind::kForbidden, request, 403, allowed.error().message,
                      on_worker)) {
    return SecurityLogBusy(request.correlation_id);
  }
  return Response::Problem(allowed.error(), request.correlation_id);
}

Response Dispatcher::Threw(const Route& route, const Request& request, const char* what) {
  if (what != nullptr) {
    spdlog::error("handler {} {} threw (cid={}): {}", route.method, route.path_template,
                  request.correlation_id, what);
  } else {
    spdlog::error("handler {} {} threw a non-standard exception (cid={})", route.method,
                  route.path_template, request.correlation_id);
  }
  return Problem(ErrorCode::kInternal, "internal error", request.correlation_id);
}

void Dispatcher::AfterHandler(const Request& request, const Route& route, Response& response,
                              bool on_worker, auth::SecurityLog::Slots* slots) {
  const auto& opts = route.options;
  StampProblem(response, request.correlation_id);
  auto record = [&](const char* kind, std::string detail) {
    if (!RecordSecurity(kind, request, response.status, std::move(detail), on_worker, slots)) {
      // Unreachable while callers reserve SecurityEntriesAfter first.
      spdlog::error("security log: no room reserved for an entry ({}); cid={}", kind,
                    request.correlation_id);
    }
  };
  if (request.principal) {
    const auto role = request.principal->role;
    if (role == auth::Role::kAssessor) {
      record(auth::security_kind::kAssessorAccess, {});
    } else if (role == auth::Role::kAdmin && IsMutating(request.method)) {
      record(auth::security_kind::kAdminAction, route.method + " " + route.path_template);
    }
  }
  if (opts.security_audit) {
    const char* kind = opts.permission == auth::Permission::kBuildEvidencePack
                           ? auth::security_kind::kEvidencePackDownload
                           : auth::security_kind::kAuditedAccess;
    record(kind, {});
  }
}

std::optional<auth::SecurityLog::Slots> Dispatcher::ReserveSecurity(const Request& request,
                                                                   const Route& route,
                                                                   bool on_worker) {
  const std::size_t n = SecurityEntriesAfter(request, route);
  if (n == 0) return auth::SecurityLog::Slots();
  return app_.security_log().Reserve(
      n, on_worker ? kSecurityLogWait : std::chrono::milliseconds(0));
}

std::optional<Response> Dispatcher::AnswerInline(const Request& request, const Route& route) {
  if (auto refused = Authorize(request, route, false)) return refused;
  std::optional<Response> response;
  try {
    response = route.options.answer_inline(request);
  } catch (const std::exception& e) {
    response = Threw(route, request, e.what());
  } catch (...) {
    response = Threw(route, request, nullptr);
  }
  if (response) AfterHandler(request, route, *response, false, nullptr);
  return response;
}

Response Dispatcher::RunOnWorker(const Request& request, const Route& route) {
  const bool on_worker = !route.options.run_inline;
  if (auto refused = Authorize(request, route, on_worker)) return std::move(*refused);
  // Room for the entries this request will make, before it acts.
  auto slots = ReserveSecurity(request, route, on_worker);
  if (!slots) return SecurityLogBusy(request.correlation_id);
  Response response;
  try {
    response = route.handler(request);
  } catch (const std::exception& e) {
    response = Threw(route, request, e.what());
  } catch (...) {
    response = Threw(route, request, nullptr);
  }
  AfterHandler(request, route, response, on_worker, &*slots);
  // A large JSON or text answer (a list, a history page) is gzipped here, on
  // the thread that made it, when the client accepts gzip.
  if (on_worker) api::http::CompressIfAccepted(request, response);
  return response;
}

void Dispatcher::RunAsync(std::shared_ptr<const Request> request, const Route& route, Done done,
                          bool on_worker) {
  if (auto refused = Authorize(*request, route, on_worker)) return done(std::move(*refused));
  // Room for the entries this request will make, before it acts: the answer
  // may come from the store's committer, which must never wait.
  auto reserved = ReserveSecurity(*request, route, on_worker);
  if (!reserved) return done(SecurityLogBusy(request->correlation_id));
  auto slots = std::make_shared<auth::SecurityLog::Slots>(std::move(*reserved));
  // The handler answers once; a throw after it answered is only logged.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  auto respond = [this, &route, request, answered, slots,
                  done = std::move(done)](Response response) {
    if (answered->exchange(true)) return;
    AfterHandler(*request, route, response, false, slots.get());
    done(std::move(response));
  };
  try {
    route.async_handler(*request, respond);
  } catch (const std::exception& e) {
    respond(Threw(route, *request, e.what()));
  } catch (...) {
    respond(Threw(route, *request, nullptr));
  }
}

}  // namespace assure::server
