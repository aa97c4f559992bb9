// The transport-independent response value a route handler returns.
//
// Thread safety: a plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http/request.h"
#include "domain/result.h"

namespace assure::api::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<Header> headers;  // extra fields (Content-Type/Length are set by the server)
  std::string body;

  // A JSON body (compact).
  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
  // An RFC 9457 problem+json response for `error` (see problem.h).
  static Response Problem(const Error& error, std::string_view correlation_id = {});

  Response& SetHeader(std::string name, std::string value);
  // The first extra header with this name, or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

}  // namespace assure::api::http
