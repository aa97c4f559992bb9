#include "api/http/problem.h"

#include <string>

namespace assure::api::http {

int HttpStatusFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument: return error.field.empty() ? 400 : 422;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kWrongExpectedVersion: return 409;
    case ErrorCode::kIdempotencyConflict: return 409;
    case ErrorCode::kRuleViolation: return 409;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kPreconditionFailed: return 412;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kCorruption: return 500;
    case ErrorCode::kIoError: return 500;
    case ErrorCode::kInternal: return 500;
    case ErrorCode::kWritesSuspended: return 503;
  }
  return 500;
}

std::string_view ProblemTitle(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "Invalid request";
    case ErrorCode::kNotFound: return "Not found";
    case ErrorCode::kAlreadyExists: return "Already exists";
    case ErrorCode::kWrongExpectedVersion: return "Version conflict";
    case ErrorCode::kIdempotencyConflict: return "Idempotency conflict";
    case ErrorCode::kRuleViolation: return "Refused by a rule";
    case ErrorCode::kTooLarge: return "Payload too large";
    case ErrorCode::kUnsupportedMediaType: return "Unsupported media type";
    case ErrorCode::kUnauthenticated: return "Authentication required";
    case ErrorCode::kForbidden: return "Forbidden";
    case ErrorCode::kPreconditionFailed: return "Precondition failed";
    case ErrorCode::kRateLimited: return "Too many requests";
    case ErrorCode::kUnavailable: return "Service unavailable";
    case ErrorCode::kCorruption: return "Stored data does not verify";
    case ErrorCode::kIoError: return "Internal error";
    case ErrorCode::kInternal: return "Internal error";
    case ErrorCode::kWritesSuspended: return "Writes suspended";
  }
  return "Internal error";
}

nlohmann::json ProblemBody(const Error& error, std::string_view correlation_id) {
  const int status = HttpStatusFor(error);
  nlohmann::json body = nlohmann::json::object();
  body["type"] = std::string("urn:assure:problem:") + ErrorCodeName(error.code);
  body["title"] = std::string(ProblemTitle(error.code));
  body["status"] = status;
  if (status >= 500 && error.code != ErrorCode::kUnavailable &&
      error.code != ErrorCode::kWritesSuspended) {
    body["detail"] = "The server failed to handle this request; quote the correlation id.";
  } else {
    body["detail"] = error.message;
  }
  if (!error.field.empty()) body["field"] = error.field;
  if (error.actual_version.has_value()) body["current_version"] = *error.actual_version;
  if (!correlation_id.empty()) body["correlation_id"] = std::string(correlation_id);
  return body;
}

nlohmann::json ProtocolProblemBody(int status, std::string_view slug, std::string_view title,
                                   std::string_view detail, std::string_view correlation_id) {
  nlohmann::json body = nlohmann::json::object();
  body["type"] = "urn:assure:problem:" + std::string(slug);
  body["title"] = std::string(title);
  body["status"] = status;
  body["detail"] = std::string(detail);
  if (!correlation_id.empty()) body["correlation_id"] = std::string(correlation_id);
  return body;
}

}  // namespace assure::api::http
