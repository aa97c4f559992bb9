// ErrorCode -> HTTP status and RFC 9457 application/problem+json bodies.
//
// This is the one table that maps the server's error vocabulary
// (domain/result.h) onto HTTP. Problem `type`s are stable URNs
// "urn:assure:problem:<slug>" where <slug> is ErrorCodeName(code); they are
// on-wire and never renamed.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/result.h"

namespace assure::api::http {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// The HTTP status for an error. kInvalidArgument is 422 when the error names
// the offending field (a well-formed request with an invalid value) and 400
// otherwise (malformed). kWrongExpectedVersion is 409 (412 is for If-Match:
// use kPreconditionFailed).
int HttpStatusFor(const Error& error);

// A short, stable, human title for a status code's problem.
std::string_view ProblemTitle(ErrorCode code);

// The problem+json body: type, title, status, detail, and when present
// `field`, `current_version` (kWrongExpectedVersion/kPreconditionFailed) and
// `correlation_id`. For 5xx the detail never includes internal messages.
nlohmann::json ProblemBody(const Error& error, std::string_view correlation_id = {});

// A problem for a protocol status with no ErrorCode of its own (405 method
// not allowed, 431 header too large): type "urn:assure:problem:<slug>".
nlohmann::json ProtocolProblemBody(int status, std::string_view slug, std::string_view title,
                                   std::string_view detail, std::string_view correlation_id = {});

}  // namespace assure::api::http
