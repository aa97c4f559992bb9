// Draft risks from the work programmes' Interdependencies/ Risks column
// (issue 22): GET /api/v1/risk-drafts lists them (api/queries/risk_drafts.h);
// POST /api/v1/risk-drafts/confirm raises the ones a person scored, linked to
// their deliverables, in one all-or-nothing commit.
#include <set>

#include "api/http/openapi.h"
#include "api/programme_files/programme_title.h"
#include "api/queries/risk_drafts.h"
#include "api/rest/entity_routes.h"
#include "api/rest/idempotency.h"
#include "api/rest/route_groups.h"
#include "domain/json_read.h"
#include "domain/mm_qsin_reference.h"

namespace assure::api::rest {

namespace {

using nlohmann::json;
using domain::RiskAggregate;

// Drafts one confirmation may raise (one commit).
constexpr std::size_t kMaxConfirm = 500;

// The source recorded on the raised risks' events.
constexpr const char* kDraftSource = "risk-drafts";

std::optional<std::string> DraftQuery(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (!v || v->empty()) return std::nullopt;
  return std::string(*v);
}

Error AtDraft(Error e, const std::string& prefix) {
  e.field = e.field.empty() ? prefix : prefix + "." + e.field;
  return e;
}

// One confirmed draft, checked: its risk's id and raise command, the group
// whose register it joins, and the reason its events carry.
struct Confirmed {
  std::string risk_id;
  domain::RaiseRisk raise;
  std::string group_id;
  std::string reason;
};

// The draft of `item` (drafts[i]) with the confirmer's score and edits, as
// a raise command decided against nothing (so its refusals name the item).
// `group` is set as soon as the deliverable is known (for the scope check).
Result<Confirmed> CheckDraft(const NetworkModel& m, const std::set<std::string>& linked, const json& item,
                             const std::string& at, std::optional<std::string>& group) {
  if (!item.is_object()) return MakeError(ErrorCode::kInvalidArgument, "each draft is an object", at);
  const json& did = domain::GetMember(item, "deliverable_id");
  if (!did.is_string() || did.get_ref<const std::string&>().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the deliverable whose draft to confirm is required",
                     at + ".deliverable_id");
  }
  const std::string& deliverable_id = did.get_ref<const std::string&>();
  if (auto d = m.deliverables.Find(deliverable_id)) {
    if (auto p = m.programmes.Find(d->programme_id)) group = p->group_id;
  }
  std::string why;
  auto body = DraftRiskBody(m, linked, deliverable_id, why);
  if (!body) return MakeError(ErrorCode::kInvalidArgument, "no draft to confirm: " + why, at + ".deliverable_id");
  if (!item.contains("inherent")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a draft has no score until someone gives one: inherent {likelihood, impact}, each 1-5",
                     at + ".inherent");
  }
  for (const char* key : {"inherent", "title", "owner_person_id", "category", "review_date"}) {
    if (item.contains(key)) (*body)[key] = item[key];
  }
  const std::string owner = domain::GetStr(*body, "owner_person_id");
  if (!owner.empty() && !m.people.Find(owner)) {
    return MakeError(ErrorCode::kInvalidArgument, "no person '" + owner + "'", at + ".owner_person_id");
  }
  auto cmd = RiskAggregate::ParseCommand("raise", *body);
  if (!cmd.ok()) return AtDraft(cmd.error(), at);
  Confirmed c;
  // One risk per deliverable's draft: a second confirmation racing this one
  // finds the risk there and is refused rather than raising it twice.
  c.risk_id = programme_files::StableId("rsk-", "risks-column|" + deliverable_id);
  c.raise = std::get<domain::RaiseRisk>(std::move(cmd).value());
  c.group_id = c.raise.description.group_id;
  auto d = m.deliverables.Find(deliverable_id);
  c.reason = "drafted from the Interdependencies/ Risks column of deliverable " +
             (d->reference.empty() ? std::string() : d->reference + " ") + "'" + d->title + "'";
  auto decided = RiskAggregate::Decide(domain::RiskState{}, c.raise, domain::CommandContext{"", 0, c.risk_id});
  if (!decided.ok()) return AtDraft(decided.error(), at);
  return c;
}

// A part raising `c`, its events carrying the draft's reason.
WritePart RaisePart(const Confirmed& c) {
  WritePart part = CommandPart<RiskAggregate>(c.risk_id, {c.raise}, /*check_if_match=*/false);
  part.decide = [decide = std::move(part.decide), reason = c.reason](
                    EntityWriter& w, const RequestContext& rc, std::size_t first, DecidedPart& out) -> Status {
    ASSURE_TRY(decide(w, rc, first, out));
    for (auto& e : out.append.events) e.metadata.reason = reason;
    return {};
  };
  return part;
}

// The answer to a retried confirmation (the same Idempotency-Key, from the
// same caller, with the same body): what the first one raised, and nothing
// written. Its drafts are linked by then, so checking them again would
// refuse the retry that a lost answer calls for. The key's events are found
// by their ids (api/core/event_mapping.h); none: a new confirmation.
Result<std::optional<http::Response>> ReplayedConfirm(RestDeps& deps, const RequestContext& rc,
                                                      const http::Request& req, const json& body) {
  std::optional<http::Response> none;
  if (rc.idempotency_key.empty()) return none;
  ASSURE_TRY(CheckIdempotencyKey(*deps.store, rc, req, req.body, &body));
  const std::string prefix = domain::StreamId(RiskAggregate::kKind, "");
  json ids = json::array();
  std::set<std::string> seen;
  std::uint64_t position = 0;
  bool other_kind = false;  // the key was used by another kind of request
  ASSURE_TRY(ForEachEventOfKey(*deps.store, rc, [&](const storage::RecordedEvent& event) {
    if (!event.stream_id.starts_with(prefix)) {
      other_kind = true;
      return false;
    }
    std::string risk_id = event.stream_id.substr(prefix.size());
    if (seen.insert(risk_id).second) ids.push_back(std::move(risk_id));
    position = std::max(position, event.position);
    return true;
  }));
  if (other_kind) {
    return MakeError(ErrorCode::kIdempotencyConflict, "this Idempotency-Key was already used for a different request",
                     "Idempotency-Key");
  }
  if (ids.empty()) return none;
  return std::optional<http::Response>(http::Response::Json(
      201, {{"risk_ids", std::move(ids)}, {"position", position}, {"events_written", 0}, {"replayed", true}}));
}

http::Response Confirm(RestDeps& deps, const http::Request& req) {
  auto body = ReadJsonBody(req);
  if (!body.ok()) return ErrorResponse(body.error(), req);
  auto rc = WriteContext(req, deps.clock->NowMicros());
  if (!rc.ok()) return ErrorResponse(rc.error(), req);
  rc->source = kDraftSource;
  const json& drafts = domain::GetMember(*body, "drafts");
  if (!drafts.is_array() || drafts.empty()) {
    return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                   "drafts: a list of {deliverable_id, inherent: {likelihood, impact}}", "drafts"),
                         req);
  }
  if (drafts.size() > kMaxConfirm) {
    return ErrorResponse(MakeError(ErrorCode::kInvalidArgument,
                                   "at most " + std::to_string(kMaxConfirm) + " drafts in one confirmation", "drafts"),
                         req);
  }
  std::vector<Confirmed> confirmed;
  std::set<std::string> groups;
  std::optional<Error> refused;
  {
    auto lock = deps.runner->ReadLock();
    const NetworkModel& m = deps.network->model();
    const std::set<std::string> linked = RiskLinkedDeliverables(m);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < drafts.size(); ++i) {
      const std::string at = "drafts[" + std::to_string(i) + "]";
      std::optional<std::string> group;
      auto c = CheckDraft(m, linked, drafts[i], at, group);
      if (group) groups.insert(*group);
      if (refused) continue;  // the first refusal is the answer; the scope of all is checked
      if (!c.ok()) {
        refused = c.error();
      } else if (!seen.insert(c->risk_id).second) {
        refused = MakeError(ErrorCode::kInvalidArgument, "the deliverable's draft is listed twice",
                            at + ".deliverable_id");
      } else {
        confirmed.push_back(std::move(c).value());
      }
    }
  }
  for (const std::string& g : groups) {
    if (auto s = AuthorizeScope(deps, req, auth::Permission::kEditProgrammeContent, g); !s.ok()) {
      return ErrorResponse(s.error(), req);
    }
  }
  auto replayed = ReplayedConfirm(deps, *rc, req, *body);
  if (!replayed.ok()) return ErrorResponse(replayed.error(), req);
  if (replayed->has_value()) return std::move(**replayed);
  if (refused) return ErrorResponse(*refused, req);
  std::vector<WritePart> parts;
  for (const Confirmed& c : confirmed) parts.push_back(RaisePart(c));
  auto r = deps.writer->Run(std::move(parts), *rc);
  if (!r.ok() || r->replayed) {
    // A retry that raced its first attempt (the same key): answer as a
    // retry does, whether the writer found the key's events or the risks.
    auto again = ReplayedConfirm(deps, *rc, req, *body);
    if (again.ok() && again->has_value()) return std::move(**again);
  }
  if (!r.ok()) {
    Error e = r.error();
    if (e.code == ErrorCode::kAlreadyExists || e.code == ErrorCode::kWrongExpectedVersion) {
      e = MakeError(ErrorCode::kAlreadyExists,
                    "a draft was confirmed by someone else meanwhile; nothing was raised: reload the drafts");
    }
    return ErrorResponse(e, req);
  }
  json ids = json::array();
  for (const Confirmed& c : confirmed) ids.push_back(c.risk_id);
  json answer = {{"risk_ids", std::move(ids)},
                 {"position", r->position},
                 {"events_written", r->events_written},
                 {"replayed", r->replayed}};
  if (!r->replayed && r->events_written > 0) {
    std::vector<std::string> warnings;
    NoteAfterCommit(RememberIdempotencyKey(*deps.store, *rc, req, req.body), "recording the Idempotency-Key",
                    warnings);
    if (!warnings.empty()) answer["warnings"] = warnings;
  }
  return http::Response::Json(201, answer);
}

}  // namespace

Status RegisterRiskDraftRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);

  http::RouteOptions list;
  list.openapi = http::OpenApiOperation("Draft risks from the deliverables' Interdependencies/ Risks column", "risks");
  list.openapi["parameters"] = {AsOfParam(), AtPositionParam(),
                                http::OpenApiQueryParam("programme_id", "string", "only this programme's deliverables"),
                                http::OpenApiQueryParam("group_id", "string", "only this group's programmes")};
  list.openapi["description"] =
      "One draft per deliverable whose Interdependencies/ Risks text says something (not empty, not a "
      "placeholder such as none, n/a, -, tbc, nil) and that no risk links (any status): the deliverable, "
      "the text as written, and the body of the raise a confirmation would make (title: the text's first "
      "sentence, event: the whole text, the programme's group, the deliverable's linked owner and QSIN "
      "codes). A draft has no score: confirm it with one. Nothing is raised until confirmed.";
  add("GET", "/api/v1/risk-drafts", [deps](const http::Request& req) -> http::Response {
    if (auto s = AwaitMinPosition(*deps, req); !s.ok()) return ErrorResponse(s.error(), req);
    auto at = ReadAsAt(req, *deps->store);
    if (!at.ok()) return ErrorResponse(at.error(), req);
    auto out = WithModel(*deps, *at, [&](const NetworkModel& m) -> Result<json> {
      auto drafts = RiskDrafts(m, RiskDraftFilter{DraftQuery(req, "programme_id"), DraftQuery(req, "group_id")});
      if (!drafts.ok()) return drafts.error();
      (*drafts)["position"] = m.position;
      return drafts;
    });
    if (!out.ok()) return ErrorResponse(out.error(), req);
    return http::Response::Json(200, *out);
  }, list);

  http::RouteOptions confirm;
  confirm.permission = auth::Permission::kEditProgrammeContent;
  confirm.scope_checked_by_handler = true;
  confirm.openapi = http::OpenApiOperation("Confirm draft risks: raise them, linked to their deliverables", "risks",
                                           201, "The risks raised");
  confirm.openapi["requestBody"] = http::OpenApiJsonBody(
      {{"type", "object"},
       {"required", {"drafts"}},
       {"properties",
        {{"drafts",
          {{"type", "array"},
           {"items",
            {{"type", "object"},
             {"required", {"deliverable_id", "inherent"}},
             {"properties",
              {{"deliverable_id", {{"type", "string"}}},
               {"inherent",
                {{"type", "object"},
                 {"properties", {{"likelihood", {{"type", "integer"}}}, {"impact", {{"type", "integer"}}}}}}},
               {"title", {{"type", "string"}}},
               {"owner_person_id", {{"type", "string"}}},
               {"category", {{"type", "string"}}},
               {"review_date", {{"type", "string"}}}}}}}}}}}});
  confirm.openapi["description"] =
      "Raises every listed draft (GET /api/v1/risk-drafts) as a risk on its group's register, linked to its "
      "deliverable, with the score given (inherent {likelihood, impact}, each 1-5: required) and the title, "
      "owner, category or review date given in place of the draft's, in one all-or-nothing commit. Each "
      "risk's events carry the reason that it was drafted from the deliverable's Risks column (source "
      "risk-drafts). Anything wrong raises nothing: 422 naming the field, e.g. drafts[2].inherent.likelihood, "
      "or drafts[0].deliverable_id for a deliverable with no draft (unknown, placeholder text, or a risk "
      "links it already: confirming twice raises nothing the second time). A group-scoped token must hold "
      "every draft's group (403). With an Idempotency-Key, a retry of the same body by the same caller answers "
      "201 with what the first raised and replayed true, writing nothing; another body with that key is 409. "
      "Answer: {risk_ids, position, events_written, replayed}.";
  add("POST", "/api/v1/risk-drafts/confirm",
      [deps](const http::Request& req) -> http::Response { return Confirm(*deps, req); }, confirm);
  return add.status();
}

}  // namespace assure::api::rest
