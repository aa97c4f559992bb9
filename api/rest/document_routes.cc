// Controlled documents' contents: upload a draft version's bytes (stored
// content-addressed) and download any version's content.
#include <cctype>

#include "api/rest/download_name.h"
#include "api/rest/entity_routes.h"
#include "api/rest/route_groups.h"
#include "domain/calendar.h"
#include "domain/controlled_document.h"
#include "storage/codec.h"

namespace assure::api::rest {

Status RegisterDocumentContentRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  http::RouteOptions upload;
  upload.permission = auth::Permission::kManageDocuments;
  upload.body = http::BodyKind::kDocument;
  upload.scope_checked_by_handler = true;
  upload.openapi = http::OpenApiOperation(
      "Add a draft version: the body is the content (any media type)", "documents", 201, "Created");
  upload.openapi["parameters"] = {
      http::OpenApiQueryParam("version_label", "string", "e.g. 2.0", true),
      http::OpenApiQueryParam("summary", "string", "summary of amendments"),
      http::OpenApiQueryParam("author", "string", "author")};
  add("POST", "/api/v1/documents/{id}/versions",
             [deps](const http::Request& req) -> http::Response {
               if (auto s = AuthorizeScope(*deps, req, auth::Permission::kManageDocuments, std::nullopt); !s.ok()) {
                 return ErrorResponse(s.error(), req);
               }
               auto rc = WriteContext(req, deps->clock->NowMicros());
               if (!rc.ok()) return ErrorResponse(rc.error(), req);
               if (req.body.empty()) {
                 return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "the content is empty", "body"), req);
               }
               std::string media = std::string(req.Header("Content-Type").value_or("application/octet-stream"));
               const std::string canonical = media + '\0' + req.body;
               if (auto s = CheckIdempotencyKey(*deps->store, *rc, req, canonical); !s.ok()) {
                 return ErrorResponse(s.error(), req);
               }
               const std::string sha256 = storage::HexEncode(storage::Sha256(req.body));
               nlohmann::json body = {{"content_sha256", sha256},
                                      {"media_type", media},
                                      {"size_bytes", req.body.size()}};
               for (const char* k : {"version_label", "summary", "author"}) {
                 if (auto v = req.Query(k)) body[k] = std::string(*v);
               }
               auto cmd = domain::ControlledDocumentAggregate::ParseCommand("add-draft-version", body);
               if (!cmd.ok()) return ErrorResponse(cmd.error(), req);
               const std::string id(req.PathParam("id"));
               // Store the content only for a valid upload to a document that
               // exists: a refused upload must not leave its bytes behind. A
               // document's stream begins with its creation, so the stream's
               // head says whether it exists, at a cost that does not grow
               // with the document's versions (folding it here did).
               auto info = deps->store->GetStreamInfo(domain::StreamId(domain::ControlledDocumentAggregate::kKind, id));
               // (An id that cannot form a stream id, kInvalidArgument, names
               // no document either.)
               if (!info.ok() && info.error().code != ErrorCode::kInvalidArgument) {
                 return ErrorResponse(info.error(), req);
               }
               if (!info.ok() || !info->exists) {
                 return ErrorResponse(MakeError(ErrorCode::kNotFound, "no controlled document '" + id + "'", "id"),
                                      req);
               }
               auto hash = deps->store->PutBlob(req.body);
               if (!hash.ok()) return ErrorResponse(hash.error(), req);
               auto r = ExecuteWrite<domain::ControlledDocumentAggregate>(*deps->writer, id, *cmd, *rc);
               if (!r.ok()) return ErrorResponse(r.error(), req);
               std::vector<std::string> warnings;
               if (!r->replayed && r->events_written > 0) {
                 NoteAfterCommit(RememberIdempotencyKey(*deps->store, *rc, req, canonical),
                                 "recording the Idempotency-Key", warnings);
               }
               auto res = WriteResponse(201, *r, "/api/v1/documents/" + id, warnings);
               res.SetHeader("X-Content-SHA256", sha256);
               return res;
             },
             upload);

  http::RouteOptions download;
  download.openapi = http::OpenApiOperation("Download a version's content", "documents");
  download.openapi["description"] =
      "The stored bytes, with the media type they were uploaded with, X-Content-SHA256, and a "
      "Content-Disposition naming the file by the document's first number, its title and the version, with "
      "the extension of its type (\"WMIN-GOV-003 Governance policy v2.1.pdf\"; RFC 6266 filename and "
      "RFC 8187 filename*).";
  add("GET", "/api/v1/documents/{id}/versions/{version_id}/content",
             [deps](const http::Request& req) -> http::Response {
               auto loaded = LoadAggregate<domain::ControlledDocumentAggregate>(*deps->store, req.PathParam("id"));
               if (!loaded.ok()) return ErrorResponse(loaded.error(), req);
               if (!loaded->state.exists) {
                 return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such document", "id"), req);
               }
               for (const auto& v : loaded->state.versions) {
                 if (v.version_id != req.PathParam("version_id")) continue;
                 auto hash = storage::HexDecodeHash(v.content_sha256);
                 if (!hash.ok()) return ErrorResponse(hash.error(), req);
                 auto blob = deps->store->GetBlob(*hash);
                 if (!blob.ok()) return ErrorResponse(blob.error(), req);
                 if (!blob->has_value()) {
                   return ErrorResponse(MakeError(ErrorCode::kCorruption, "the content of this version is missing"), req);
                 }
                 auto res = http::Response::Text(200, std::move(**blob), v.media_type);
                 res.SetHeader("X-Content-SHA256", v.content_sha256);
                 res.SetHeader("Content-Disposition", ContentDisposition(DownloadFileName(loaded->state, v)));
                 return res;
               }
               return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such version", "version_id"), req);
             },
             download);
  // Which version was in force on a business date: by dates adopted (the
  // board's axis), read from the record as it stands now or as_of /
  // at_position (the recorded axis).
  http::RouteOptions in_force;
  in_force.openapi = http::OpenApiOperation(
      "The version in force on a date: the approved version with the latest date adopted on or "
      "before `on` (dates adopted, not recorded times); as_of / at_position say which state of "
      "the record to ask (recorded time)",
      "documents");
  in_force.openapi["parameters"] = {
      http::OpenApiQueryParam("on", "string", "YYYY-MM-DD: the business date asked about", true),
      AsOfParam(),
      AtPositionParam()};
  add("GET", "/api/v1/documents/{id}/in-force",
      [deps](const http::Request& req) -> http::Response {
        const std::string on(req.Query("on").value_or(""));
        if (!domain::ParseIsoDate(on)) {
          return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "give the date asked about as YYYY-MM-DD", "on"),
                               req);
        }
        auto at = ReadAsAt(req, *deps->store);
        if (!at.ok()) return ErrorResponse(at.error(), req);
        const std::string id(req.PathParam("id"));
        auto loaded = LoadAggregate<domain::ControlledDocumentAggregate>(*deps->store, id, at->value_or(UINT64_MAX));
        if (!loaded.ok()) return ErrorResponse(loaded.error(), req);
        const auto& doc = loaded->state;
        if (!doc.exists) {
          return ErrorResponse(MakeError(ErrorCode::kNotFound, "no controlled document '" + id + "'" +
                                                                   (at->has_value() ? " in the record at that time" : ""),
                                         "id"),
                               req);
        }
        const domain::DocumentVersion* v = doc.InForceOn(on);
        if (v == nullptr) {
          const domain::DocumentVersion* first = nullptr;
          std::string detail = "no version of '" + doc.title + "' had been adopted by " + on;
          for (const auto& each : doc.versions) {
            if (!each.date_adopted.empty() && (first == nullptr || each.date_adopted < first->date_adopted)) first = &each;
          }
          if (first != nullptr) detail += " (the first, " + first->version_label + ", was adopted on " + first->date_adopted + ")";
          return ErrorResponse(MakeError(ErrorCode::kNotFound, detail, "on"), req);
        }
        nlohmann::json all = domain::ControlledDocumentAggregate::ToJson(doc);
        nlohmann::json version;
        for (const auto& each : all["versions"]) {
          if (each["version_id"] == v->version_id) version = each;
        }
        return http::Response::Json(200, {{"id", doc.id},
                                          {"title", doc.title},
                                          {"on", on},
                                          {"withdrawn", doc.withdrawn},
                                          {"version", std::move(version)},
                                          {"position", loaded->last_position}});
      },
      in_force);
  return add.status();
}

}  // namespace assure::api::rest
