#include "api/http/openapi.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace assure::api::http {

nlohmann::json OpenApiOperation(const std::string& summary, const std::string& tag,
                                int ok_status, const std::string& ok_description) {
  nlohmann::json op = nlohmann::json::object();
  op["summary"] = summary;
  if (!tag.empty()) op["tags"] = nlohmann::json::array({tag});
  op["responses"][std::to_string(ok_status)] = {{"description", ok_description}};
  return op;
}

nlohmann::json OpenApiQueryParam(const std::string& name, const std::string& type,
                                 const std::string& description, bool required) {
  return {{"name", name},
          {"in", "query"},
          {"required", required},
          {"description", description},
          {"schema", {{"type", type}}}};
}

nlohmann::json OpenApiJsonBody(const nlohmann::json& schema, bool required) {
  return {{"required", required}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

namespace {

nlohmann::json ProblemRef(const std::string& description) {
  return {{"description", description},
          {"content",
           {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

nlohmann::json BuildOpenApi(const Router& router, const OpenApiInfo& info) {
  nlohmann::json doc = nlohmann::json::object();
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", info.title}, {"version", info.version}};
  if (!info.description.empty()) doc["info"]["description"] = info.description;
  doc["paths"] = nlohmann::json::object();
  for (const auto& r : router.routes()) {
    nlohmann::json op = r->options.openapi.is_object() ? r->options.openapi
                                                        : nlohmann::json::object();
    if (!op.contains("summary")) op["summary"] = r->method + " " + r->path_template;
    if (!op.contains("operationId")) {
      std::string id = Lower(r->method);
      for (const auto& s : r->segments) {
        id.push_back('_');
        for (char c : s) {
          if (std::isalnum(static_cast<unsigned char>(c))) id.push_back(c);
        }
      }
      op["operationId"] = id;
    }
    if (!op.contains("parameters") || !op["parameters"].is_array()) {
      op["parameters"] = nlohmann::json::array();
    }
    for (const auto& s : r->segments) {
      if (s.size() < 3 || s.front() != '{') continue;
      const std::string name = s.substr(1, s.size() - 2);
      bool present = false;
      for (const auto& p : op["parameters"]) {
        if (p.is_object() && p.value("name", "") == name && p.value("in", "") == "path") {
          present = true;
        }
      }
      if (!present) {
        op["parameters"].push_back(
            {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
      }
    }
    if (op["parameters"].empty()) op.erase("parameters");
    if (!op.contains("responses") || !op["responses"].is_object() || op["responses"].empty()) {
      op["responses"] = {{"200", {{"description", "OK"}}}};
    }
    auto& responses = op["responses"];
    auto add = [&responses](const char* code, const char* description) {
      if (!responses.contains(code)) responses[code] = ProblemRef(description);
    };
    add("400", "Malformed request");
    if (r->options.permission.has_value()) {
      op["security"] = nlohmann::json::array({{{"bearer", nlohmann::json::array()}}});
      op["x-assure-permission"] = std::string(auth::PermissionName(*r->options.permission));
      add("401", "Missing, unknown, revoked or expired token");
      add("403", "The token's role or group scope does not allow this");
    } else {
      op["security"] = nlohmann::json::array();
    }
    if (r->method == "POST" || r->method == "PUT" || r->method == "PATCH") {
      add("413", "Body too large");
      add("415", "Unsupported media type");
    }
    if (r->options.rate_limited) add("429", "Rate limited; see Retry-After");
    add("503", "Shutting down, overloaded or not ready");
    doc["paths"][r->path_template][Lower(r->method)] = std::move(op);
  }
  doc["components"]["securitySchemes"]["bearer"] = {
      {"type", "http"}, {"scheme", "bearer"},
      {"description", "An Assure token (assure token create); on /api/v1/live also the WebSocket subprotocols assure-live, assure-token.<token>; never in the URL"}};
  doc["components"]["schemas"]["Problem"] = {
      {"type", "object"},
      {"description", "RFC 9457 problem details"},
      {"required", {"type", "title", "status"}},
      {"properties",
       {{"type", {{"type", "string"}, {"description", "urn:assure:problem:<slug>"}}},
        {"title", {{"type", "string"}}},
        {"status", {{"type", "integer"}}},
        {"detail", {{"type", "string"}}},
        {"field", {{"type", "string"}}},
        {"current_version", {{"type", "integer"}}},
        {"correlation_id", {{"type", "string"}}}}}};
  return doc;
}

}  // namespace assure::api::http
