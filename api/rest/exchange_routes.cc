// Spreadsheets in and out, and evidence packs: POST /api/v1/imports,
// GET /api/v1/programmes/{id}/export, POST /api/v1/evidence-packs.
#include "api/core/append_boundary.h"
#include "api/evidence/evidence_pack.h"
#include "api/programme_files/export_programme.h"
#include "api/programme_files/import_report.h"
#include "api/programme_files/importer.h"
#include "api/rest/entity_routes.h"
#include "api/rest/route_groups.h"
#include "domain/calendar.h"
#include "domain/json_read.h"

#include <filesystem>

namespace assure::api::rest {

Status RegisterExchangeRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);

  http::RouteOptions upload;
  upload.permission = auth::Permission::kEditProgrammeContent;
  upload.body = http::BodyKind::kDocument;
  upload.openapi = http::OpenApiOperation(
      "Import work programmes: the body is a CSV, Markdown or .xlsx file", "imports");
  upload.openapi["description"] =
      "CSV and Markdown may be UTF-8 (with or without a BOM) or Windows-1252 (Excel's \"CSV "
      "(Comma delimited)\"), detected; the report's `encodings` (parallel to `files`) says which "
      "was read. A table whose programme cannot be told is refused (422) naming `title=`.";
  upload.openapi["parameters"] = {
      http::OpenApiQueryParam("file_name", "string", "the file's name (its extension picks the reader)", true),
      http::OpenApiQueryParam("dry_run", "boolean",
                              "report what would change, and the conflicts; write nothing"),
      http::OpenApiQueryParam("overwrite", "boolean",
                              "apply the file's values even to fields changed in Assure since the "
                              "last import (by default Assure's are kept and listed in conflicts)"),
      http::OpenApiQueryParam("link_owners", "boolean",
                              "link each Owner that names exactly one person to that person (the "
                              "report's owners lists the proposed links; without this none is made)"),
      http::OpenApiQueryParam("title", "string", "programme title for tables without one")};
  add("POST", "/api/v1/imports", [deps](const http::Request& req) -> http::Response {
    auto name = req.Query("file_name");
    if (!name || name->empty() || name->find('/') != std::string_view::npos) {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                     "file_name (without directories) is required", "file_name"),
                           req);
    }
    // A scoped token may not import: a file can name any group's programme.
    if (auto s = AuthorizeScope(*deps, req, auth::Permission::kEditProgrammeContent, std::nullopt); !s.ok()) {
      return ErrorResponse(s.error(), req);
    }
    auto permit = TakeHeavy(*deps, "an import");
    if (!permit.ok()) return ErrorResponse(permit.error(), req);
    programme_files::ImportOptions o;
    o.writer = deps->writer.get();
    o.dry_run = req.Query("dry_run") == "true";
    o.overwrite = req.Query("overwrite") == "true";
    o.link_owners = req.Query("link_owners") == "true";
    o.actor = req.principal->actor();
    o.now_us = deps->clock->NowMicros();
    o.correlation_id = req.correlation_id;
    if (auto t = req.Query("title")) o.programme_title = std::string(*t);
    auto report = programme_files::ImportFiles(*deps->store, {{std::string(*name), req.body}}, o);
    if (!report.ok()) return ErrorResponse(report.error(), req);
    return http::Response::Json(o.dry_run ? 200 : 201, programme_files::ToJson(*report));
  }, upload);

  http::RouteOptions exp;
  exp.openapi = http::OpenApiOperation("A work programme as boards know it (CSV or xlsx), as at a date",
                                       "programmes");
  exp.openapi["parameters"] = {http::OpenApiQueryParam("format", "string", "csv (default) or xlsx"),
                               AsOfParam()};
  add("GET", "/api/v1/programmes/{id}/export", [deps](const http::Request& req) -> http::Response {
    auto permit = TakeHeavy(*deps, "an export");
    if (!permit.ok()) return ErrorResponse(permit.error(), req);
    auto file = programme_files::ExportProgrammeFile(*deps->store, std::string(req.PathParam("id")),
                                              req.Query("format").value_or("csv"),
                                              req.Query("as_of").value_or(""));
    if (!file.ok()) return ErrorResponse(file.error(), req);
    auto res = http::Response::Text(200, std::move(file->bytes), file->content_type);
    res.SetHeader("Content-Disposition", "attachment; filename=\"" + file->file_name + "\"");
    return res;
  }, exp);

  http::RouteOptions pack;
  pack.permission = auth::Permission::kBuildEvidencePack;
  pack.openapi = http::OpenApiOperation(
      "Build a QSIN evidence pack (zip) as at a date, verifiable offline", "evidence");
  pack.openapi["requestBody"] = http::OpenApiJsonBody(
      {{"type", "object"},
       {"properties",
        {{"statements", {{"description", "codes, e.g. [\"IN-601\"], or \"all\""}}},
         {"section", {{"type", "string"}}},
         {"as_of", {{"type", "string"}, {"description", std::string(kAsOfMeaning)}}},
         {"at_position", {{"type", "integer"}, {"description", "a log position, 1..head (instead of as_of)"}}},
         {"checkpoint",
          {{"type", "integer"},
           {"description", "the tree size of a published checkpoint covering the as-at position: the same "
                           "request then gives the same pack byte for byte (default: the newest)"}}}}}});
  add("POST", "/api/v1/evidence-packs", [deps](const http::Request& req) -> http::Response {
    auto body = ReadJsonBody(req);
    if (!body.ok()) return ErrorResponse(body.error(), req);
    PackRequest r;
    const nlohmann::json& statements = domain::GetMember(*body, "statements");
    std::string section = domain::GetStr(*body, "section");
    if (statements.is_string() && statements.get<std::string>() == "all") {
      r.scope = PackScope::kAll;
    } else if (statements.is_array() && !statements.empty()) {
      r.scope = PackScope::kCodes;
      for (const auto& c : statements) {
        if (!c.is_string()) {
          return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "statements are codes like IN-601", "statements"), req);
        }
        r.codes.push_back(c.get<std::string>());
      }
    } else if (!section.empty()) {
      r.scope = PackScope::kSection;
      r.section = section;
    } else {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                     "give statements (a list of codes or \"all\") or a section",
                                     "statements"),
                           req);
    }
    const nlohmann::json& at = domain::GetMember(*body, "at_position");
    std::string as_of = domain::GetStr(*body, "as_of");
    if (!at.is_null()) {
      const std::uint64_t head = deps->store->Head().position;
      if (!at.is_number_unsigned() || at.get<std::uint64_t>() < 1 || at.get<std::uint64_t>() > head) {
        return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                       "at_position must be a log position, 1.." + std::to_string(head), "at_position"),
                             req);
      }
      auto whole = WholeAppendPosition(*deps->store, at.get<std::uint64_t>());
      if (!whole.ok()) return ErrorResponse(whole.error(), req);
      r.as_of_position = *whole;
    } else if (!as_of.empty()) {
      auto ts = domain::ParseAsAt(as_of, "as_of");
      if (!ts.ok()) return ErrorResponse(ts.error(), req);
      r.as_of_us = *ts;
    } else {
      r.as_of_us = deps->clock->NowMicros();
    }
    const nlohmann::json& checkpoint = domain::GetMember(*body, "checkpoint");
    if (!checkpoint.is_null()) {
      if (!checkpoint.is_number_unsigned()) {
        return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                       "checkpoint is the tree size of a published checkpoint", "checkpoint"),
                             req);
      }
      r.checkpoint_size = checkpoint.get<std::uint64_t>();
    }
    r.actor = req.principal->actor();
    r.role = std::string(auth::RoleName(req.principal->role));
    r.client_ip = req.client_ip;
    r.correlation_id = req.correlation_id;
    r.transport = "POST /api/v1/evidence-packs";
    r.now_us = deps->clock->NowMicros();
    auto permit = TakeHeavy(*deps, "an evidence pack");
    if (!permit.ok()) return ErrorResponse(permit.error(), req);
    // The zip goes to an unnamed file in the temporary directory and is
    // sent from it: a whole-network pack is hundreds of MB, not held in
    // memory. The file is gone with the response, or at once on a failure.
    auto file = http::ResponseFile::CreateUnnamed(std::filesystem::temp_directory_path().string());
    if (!file.ok()) return ErrorResponse(file.error(), req);
    PackOutput out;
    out.fd = (*file)->fd();
    auto built = BuildEvidencePack(*deps->store, *deps->checkpoints, r, deps->security_log, out);
    if (!built.ok()) return ErrorResponse(built.error(), req);
    auto res = http::Response::File(200, std::move(*file), "application/zip");
    res.SetHeader("Content-Disposition", "attachment; filename=\"evidence-pack-" + built->as_of_date + "-" +
                                             built->identity.substr(0, 12) + ".zip\"");
    res.SetHeader("X-Pack-Identity", built->identity);
    return res;
  }, pack);
  return add.status();
}

}  // namespace assure::api::rest
