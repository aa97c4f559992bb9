// Result<T> and the one error vocabulary of the whole server.
//
// Expected failures are values: every fallible call returns Result<T>, which
// holds either a T or an Error. ErrorCode is the single enum that api/ maps to
// HTTP status codes and RFC 9457 problem types (see api/problem.h). Storage uses
// this vocabulary too, so no layer has to translate another layer's errors.
//
// Thread safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace assure {

// On-wire (problem type slugs derive from these): never renumber or rename.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument,       // malformed or out-of-range input (400/422)
  kNotFound,              // no such entity, stream or position (404)
  kAlreadyExists,         // creating something that exists (409)
  kWrongExpectedVersion,  // optimistic concurrency failure (409/412)
  kIdempotencyConflict,   // same id, different content (409)
  kRuleViolation,         // a domain rule refused the command (409)
  kTooLarge,              // over a configured size limit (413)
  kUnsupportedMediaType,  // wrong content type (415)
  kUnauthenticated,       // no or bad credentials (401)
  kForbidden,             // authenticated, not allowed (403)
  kPreconditionFailed,    // stale If-Match (412)
  kRateLimited,           // client over its rate (429)
  kUnavailable,           // shutting down / not ready / timed out (503)
  kCorruption,            // stored data does not verify (500)
  kIoError,               // the disk or OS failed (500)
  kInternal,              // a bug (500)
  kWritesSuspended,       // the store cannot write (disk full or failing); reads go on (503)
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // for a person: what went wrong and what to do
  std::string field;    // the offending input field, when there is one
  // For kWrongExpectedVersion: the stream's actual version (-1 = no stream).
  std::optional<std::int64_t> actual_version;

  static Error Make(ErrorCode c, std::string msg, std::string fld = {}) {
    Error e;
    e.code = c;
    e.message = std::move(msg);
    e.field = std::move(fld);
    return e;
  }
};

inline const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kAlreadyExists: return "already-exists";
    case ErrorCode::kWrongExpectedVersion: return "wrong-expected-version";
    case ErrorCode::kIdempotencyConflict: return "idempotency-conflict";
    case ErrorCode::kRuleViolation: return "rule-violation";
    case ErrorCode::kTooLarge: return "too-large";
    case ErrorCode::kUnsupportedMediaType: return "unsupported-media-type";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kPreconditionFailed: return "precondition-failed";
    case ErrorCode::kRateLimited: return "rate-limited";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kCorruption: return "corruption";
    case ErrorCode::kIoError: return "io-error";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kWritesSuspended: return "writes-suspended";
  }
  return "internal";
}

// A value or an Error, shaped like std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}    // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *e_; }
  Error&& error() && { return std::move(*e_); }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

inline Error MakeError(ErrorCode c, std::string msg, std::string field = {}) {
  return Error::Make(c, std::move(msg), std::move(field));
}

}  // namespace assure

// Early return of an error from a function returning any Result.
#define ASSURE_TRY(expr)                                   \
  do {                                                     \
    auto assure_try_r_ = (expr);                           \
    if (!assure_try_r_.ok()) return std::move(assure_try_r_).error(); \
  } while (0)
