// What happens to a parsed request between the socket and the handler
// (Beast-free): authentication, rate limiting, the hand-off to the worker
// pool, authorisation, the handler call with its catch-all, the security log,
// and the request log line.
//
// Order, on the request's header before its body is read (Admit, on the I/O
// thread): authenticate (in memory) -> rate limit (by token id, or client IP
// when unauthenticated; 429 + Retry-After) -> 401 when authentication failed
// -> authorise the route's permission (403). Then, with the body (Dispatch):
// the token again -> post to the worker pool (503 + Retry-After when its
// queue is full) -> authorise (403) -> handler.
//
// The security log (api/auth/security_log.h) never loses an entry: before a
// request that must be logged acts, room for its entries is reserved in the
// log's bounded queue (a worker waits up to 2 s for it; the I/O thread does
// not wait). A request that gets no room is answered 503 + Retry-After
// before its handler runs. Refusals that must be logged (401, 403) are
// likewise answered 503 when their entry has no room. An asynchronous route's handler
// (router.h) answers later, possibly from the store's committer thread; it
// starts on the I/O thread instead of a worker when its inline_when says so.
// A synchronous route's answer_inline may answer on the I/O thread from
// memory (a current history page), skipping the worker pool.
//
// Thread safety: Dispatch may be called from any I/O thread concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth/security_log.h"
#include "api/http/rate_limiter.h"
#include "api/http/request.h"
#include "api/http/response.h"
#include "api/http/router.h"

namespace assure::server {

class Application;

// The spdlog logger the request log lines go to when it is registered
// (assure serve registers one that writes in blocks); else the default.
inline constexpr std::string_view kRequestLogger = "requests";

class Dispatcher {
 public:
  using Done = std::function<void(api::http::Response)>;

  explicit Dispatcher(Application& app);

  // Admission, on the request's header (before its body is read): rate limit,
  // authentication (401, recorded) and the route's permission (403,
  // recorded: the role, and the group of `group_param` for scoped tokens).
  // Sets request.principal. On refusal returns the response to send.
  std::optional<api::http::Response> Admit(api::http::Request& request,
                                           const api::http::Route& route);

  // Runs a request that passed Admit (its body now read). The token is
  // checked again (401 when revoked or expired meanwhile). Calls `done`
  // exactly once: inline for refusals, run_inline routes and answers of
  // answer_inline, otherwise from a worker thread, or for an asynchronous
  // route from the thread its handler responds on. `done` must hand the
  // response to the session's strand (net::dispatch: inline when already on it).
  void Dispatch(api::http::Request request, const api::http::Route& route, Done done);

  // Authenticates a credential for a non-routed use (the WebSocket upgrade),
  // recording failures in the security log. Also applies rate limiting.
  // On refusal returns the response to send.
  std::optional<api::http::Response> AdmitLive(api::http::Request& request,
                                               std::string_view credential);

  // The one request log line (never the token: the target is redacted).
  static void LogRequest(const std::string& method, const std::string& target,
                         const std::string& client_ip, int status,
                         std::chrono::steady_clock::duration elapsed,
                         const std::string& correlation_id);

  // A problem response built by the server itself (correlation id in body).
  static api::http::Response Problem(ErrorCode code, std::string detail,
                                     const std::string& correlation_id);

  // A fresh correlation id, or the client's if it is 1..64 of [A-Za-z0-9._-].
  static std::string CorrelationId(std::optional<std::string_view> from_client);

 private:
  // 403 (recorded) when the principal may not use the route.
  std::optional<api::http::Response> Authorize(const api::http::Request& request,
                                               const api::http::Route& route, bool on_worker);
  // The route's answer_inline after authorising (a refusal is the answer);
  // nullopt: the handler must run on a worker.
  std::optional<api::http::Response> AnswerInline(const api::http::Request& request,
                                                  const api::http::Route& route);
  api::http::Response RunOnWorker(const api::http::Request& request,
                                  const api::http::Route& route);
  // An asynchronous route: authorise, start its handler; `done` is called
  // when the handler responds (from whichever thread it responds on).
  void RunAsync(std::shared_ptr<const api::http::Request> request, const api::http::Route& route,
                Done done, bool on_worker);
  // The correlation id on a problem body, and the security log entries the
  // response calls for.
  // `slots` holds the room ReserveSecurity took for them.
  void AfterHandler(const api::http::Request& request, const api::http::Route& route,
                    api::http::Response& response, bool on_worker,
                    auth::SecurityLog::Slots* slots);
  // Room for the entries AfterHandler will write (empty slots when none);
  // nullopt when there is none (answer SecurityLogBusy).
  std::optional<auth::SecurityLog::Slots> ReserveSecurity(const api::http::Request& request,
                                                          const api::http::Route& route,
                                                          bool on_worker);
  static std::size_t SecurityEntriesAfter(const api::http::Request& request,
                                          const api::http::Route& route);
  static api::http::Response SecurityLogBusy(const std::string& correlation_id);
  // The 500 for a handler that threw (logged with the correlation id).
  static api::http::Response Threw(const api::http::Route& route,
                                   const api::http::Request& request, const char* what);
  // Queues one entry in `slots` (when given and not used up), else in room
  // reserved now (waiting only on a worker). False when there was no room:
  // nothing was recorded and the caller must refuse the request (503).
  [[nodiscard]] bool RecordSecurity(const char* kind, const api::http::Request& request,
                                    int status, std::string detail, bool on_worker,
                                    auth::SecurityLog::Slots* slots = nullptr);

  Application& app_;
  api::http::RateLimiter rate_limiter_;
};

}  // namespace assure::server
