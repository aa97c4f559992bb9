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

namespace {

// Uploads up to this size are answered without a worker (see inline_when).
constexpr std::size_t kInlineUploadBytes = 256 << 10;

// A draft version's write: the command, with its content stored in the same
// commit, and only if the command writes (a refused upload, a document that
// does not exist, a version already in effect leave no bytes behind).
std::vector<WritePart> VersionParts(const std::string& id, domain::ControlledDocumentAggregate::Command command,
                                    storage::Blob content) {
  auto parts = CommandParts<domain::ControlledDocumentAggregate>(id, std::move(command), {});
  parts[0].decide = [id, decide = std::move(parts[0].decide), content = std::move(content)](
                        EntityWriter& w, const RequestContext& rc, std::size_t first, DecidedPart& out) -> Status {
    Status s = decide(w, rc, first, out);
    // (An id that cannot form a stream id names no document either.)
    if (!s.ok() && (s.error().code == ErrorCode::kNotFound ||
                    (s.error().code == ErrorCode::kInvalidArgument && s.error().field == "stream_id"))) {
      return MakeError(ErrorCode::kNotFound, "no controlled document '" + id + "'", "id");
    }
    ASSURE_TRY(s);
    out.append.blobs.clear();
    if (!out.append.events.empty()) out.append.blobs.push_back(content);
    return {};
  };
  return parts;
}

}  // namespace

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
  // Without an Idempotency-Key a small upload is checked on the I/O thread
  // and handed to the writer without waiting, as a command is; the rest
  // (hashing a large body, recording a key) start on a worker.
  upload.inline_when = [](const http::Request& req) {
    return !req.Header("Idempotency-Key") && req.body.size() <= kInlineUploadBytes;
  };
  add("POST", "/api/v1/documents/{id}/versions",
      http::AsyncHandler([deps](const http::Request& req, http::Respond respond) {
        auto refuse = [&](const Error& e) { respond(ErrorResponse(e, req)); };
        if (auto s = AuthorizeScope(*deps, req, auth::Permission::kManageDocuments, std::nullopt); !s.ok()) {
          return refuse(s.error());
        }
        auto rc = WriteContext(req, deps->clock->NowMicros());
        if (!rc.ok()) return refuse(rc.error());
        if (req.body.empty()) {
          return refuse(MakeError(ErrorCode::kInvalidArgument, "the content is empty", "body"));
        }
        std::string media = std::string(req.Header("Content-Type").value_or("application/octet-stream"));
        storage::Blob content(req.body);  // hashed here, not on the writer's thread
        const std::string sha256 = storage::HexEncode(content.sha256());
        nlohmann::json body = {{"content_sha256", sha256}, {"media_type", media}, {"size_bytes", req.body.size()}};
        for (const char* k : {"version_label", "summary", "author"}) {
          if (auto v = req.Query(k)) body[k] = std::string(*v);
        }
        auto cmd = domain::ControlledDocumentAggregate::ParseCommand("add-draft-version", body);
        if (!cmd.ok()) return refuse(cmd.error());
        const std::string id(req.PathParam("id"));
        auto parts = VersionParts(id, std::move(cmd).value(), std::move(content));
        auto answer = [id, sha256](const WriteResult& r, const std::vector<std::string>& warnings) {
          auto res = WriteResponse(201, r, "/api/v1/documents/" + id, warnings);
          res.SetHeader("X-Content-SHA256", sha256);
          return res;
        };
        if (rc->idempotency_key.empty()) {
          const bool if_match = rc->if_match.has_value();
          deps->writer->Submit(std::move(parts), std::move(rc).value(),
                               [respond = std::move(respond), answer, cid = req.correlation_id,
                                if_match](Result<WriteResult> r) {
                                 if (!r.ok()) {
                                   return respond(ErrorResponse(
                                       WriteRaceError<domain::ControlledDocumentAggregate>(r.error(), if_match), cid));
                                 }
                                 respond(answer(*r, {}));
                               });
          return;
        }
        const std::string canonical = media + '\0' + req.body;
        if (auto s = CheckIdempotencyKey(*deps->store, *rc, req, canonical); !s.ok()) return refuse(s.error());
        auto r = ExecuteWriteParts<domain::ControlledDocumentAggregate>(*deps->writer, id, std::move(parts), *rc);
        if (!r.ok()) return refuse(r.error());
        std::vector<std::string> warnings;
        if (!r->replayed && r->events_written > 0) {
          NoteAfterCommit(RememberIdempotencyKey(*deps->store, *rc, req, canonical), "recording the Idempotency-Key",
                          warnings);
        }
        respond(answer(*r, warnings));
      }),
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
