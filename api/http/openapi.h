// The OpenAPI 3.1 document assembled from the registered routes.
//
// Each route carries its operation object in RouteOptions::openapi (write it
// with OpenApiOperation below or by hand). BuildOpenApi fills in what the
// router already knows when the fragment leaves it out:
// - path parameters from the template's {name} segments (string, required);
// - `security: [{bearer: []}]` for routes with a permission, `[]` for public
//   ones, and `x-assure-permission` naming the permission;
// - problem+json responses 400, 401, 403 (authenticated routes), 413, 415
//   (routes with a body), 429 and 503;
// - a `default` 200 response when no responses are given.
//
// Thread safety: pure functions over a router that is no longer modified.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http/router.h"

namespace assure::api::http {

struct OpenApiInfo {
  std::string title = "Assure API";
  std::string version = "1";
  std::string description;
};

// An operation skeleton: {"summary", "tags", "responses": {"<ok_status>": ...}}.
nlohmann::json OpenApiOperation(const std::string& summary, const std::string& tag,
                                int ok_status = 200,
                                const std::string& ok_description = "OK");

// A query parameter object: {"name","in":"query","required","schema":{"type"}}.
nlohmann::json OpenApiQueryParam(const std::string& name, const std::string& type,
                                 const std::string& description, bool required = false);

// A JSON request body referring to an inline schema.
nlohmann::json OpenApiJsonBody(const nlohmann::json& schema, bool required = true);

nlohmann::json BuildOpenApi(const Router& router, const OpenApiInfo& info);

}  // namespace assure::api::http
