// The route groups RegisterRestRoutes installs. Internal to api/rest.
#pragma once

#include "api/rest/rest_service.h"

namespace assure::api::rest {

// Adds routes and keeps the first failure (e.g. a duplicate route).
class RouteAdder {
 public:
  explicit RouteAdder(http::Router& router) : router_(router) {}
  void operator()(std::string method, std::string path, http::Handler handler,
                  http::RouteOptions options) {
    Keep(router_.Add(std::move(method), std::move(path), std::move(handler), std::move(options)));
  }
  void operator()(std::string method, std::string path, http::AsyncHandler handler,
                  http::RouteOptions options) {
    Keep(router_.Add(std::move(method), std::move(path), std::move(handler), std::move(options)));
  }
  const Status& status() const { return status_; }

 private:
  void Keep(Status s) {
    if (!s.ok() && status_.ok()) status_ = std::move(s);
  }

  http::Router& router_;
  Status status_;
};

// The eight aggregate kinds as collections (entity_kinds.cc).
Status RegisterEntityKinds(http::Router& router, std::shared_ptr<RestDeps> deps);
// The registers: risks, issues and escalations (register_kinds.cc).
Status RegisterRegisterKinds(http::Router& router, std::shared_ptr<RestDeps> deps);
// Draft risks from the Interdependencies/ Risks column, and confirming them
// (risk_draft_routes.cc).
Status RegisterRiskDraftRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);
// Every progress note of a deliverable, paged (note_routes.cc).
Status RegisterDeliverableNoteRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);
// Deliverable filters, memberships on a date, attendance, review due, open
// actions, QSIN coverage (query_routes.cc).
Status RegisterQueryRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);
// Uploading and downloading controlled documents' contents (document_routes.cc).
Status RegisterDocumentContentRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);
// Imports, programme export and evidence packs (exchange_routes.cc).
Status RegisterExchangeRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);
// Raw events, streams, chain verification, checkpoints and proofs (log_routes.cc).
Status RegisterLogRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);
// GET /api/v1/people/{id}/subject-access (subject_access.cc).
Status RegisterSubjectAccessRoutes(http::Router& router, std::shared_ptr<RestDeps> deps);

}  // namespace assure::api::rest
