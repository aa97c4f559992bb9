#include "api/backup/backup_routes.h"

#include <nlohmann/json.hpp>

#include "api/http/openapi.h"
#include "domain/json_text.h"

namespace assure::api::backup {

using http::Request;
using http::Response;

Status RegisterBackupRoutes(http::Router& router, std::shared_ptr<BackupService> service,
                            std::function<std::int64_t()> now_us) {
  http::RouteOptions options;
  options.permission = auth::Permission::kAdminRead;  // admin only
  options.openapi = http::OpenApiOperation(
      "Back up the store while it runs (admin): a consistent copy holding every write "
      "acknowledged before the request, in backup_dir/<name> on the server's machine",
      "admin", 201, "The backup's manifest");
  options.openapi["requestBody"] = http::OpenApiJsonBody(
      {{"type", "object"},
       {"required", {"name"}},
       {"properties", {{"name", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$"}}}}}});
  return router.Add(
      "POST", "/api/v1/admin/backups",
      [service, now_us](const Request& req) {
        auto body = domain::ParseJsonText(req.body);
        if (!domain::JsonDepthWithin(req.body) || body.is_discarded() || !body.is_object()) {
          return Response::Problem(MakeError(ErrorCode::kInvalidArgument, "the body must be a JSON object"),
                                   req.correlation_id);
        }
        auto name = body.find("name");
        if (name == body.end() || !name->is_string()) {
          return Response::Problem(
              MakeError(ErrorCode::kInvalidArgument, "name is required (a string)", "name"), req.correlation_id);
        }
        auto taken = service->Take(name->get<std::string>(), now_us());
        if (!taken.ok()) return Response::Problem(taken.error(), req.correlation_id);
        auto j = nlohmann::json::parse(ManifestJson(*taken));
        j["name"] = name->get<std::string>();
        j["file_count"] = taken->files.size();
        j["shared_files"] = taken->shared_files;
        return Response::Json(201, j);
      },
      options);
}

}  // namespace assure::api::backup
