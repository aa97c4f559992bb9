// The log itself: raw events and streams, chain verification, signed
// checkpoints and Merkle proofs (formats: storage/FORMAT.md sections 4-5).
#include "api/auth/token_codec.h"
#include "api/core/history.h"
#include "api/privacy/personal_data_vault.h"
#include "api/rest/entity_routes.h"
#include "api/rest/route_groups.h"
#include "domain/json_text.h"
#include "storage/codec.h"
#include "storage/merkle.h"
#include "domain/calendar.h"

namespace assure::api::rest {

namespace {

// Token lifecycle events (names, roles, secret hashes, scopes) are for
// admins: anyone else sees that the event exists, not its data.
bool Redacted(const http::Request& req, const storage::RecordedEvent& e) {
  return e.stream_id.starts_with(auth::kTokenStreamPrefix) &&
         !(req.principal && req.principal->role == auth::Role::kAdmin);
}

// The actors' names for one answer, if the server names them.
std::optional<ActorNameMemo> NamesFor(const RestDeps& deps) {
  if (!deps.actor_names) return std::nullopt;
  return std::optional<ActorNameMemo>(std::in_place, *deps.actor_names);
}

nlohmann::json EventJson(const storage::RecordedEvent& e, bool redacted, std::optional<ActorNameMemo>& names) {
  nlohmann::json out = {{"position", e.position},
                        {"stream_id", e.stream_id},
                        {"stream_version", e.stream_version},
                        {"event_id", e.event_id.ToString()},
                        {"type", e.type},
                        {"schema_version", e.schema_version},
                        {"recorded_at", domain::FormatTimestampUs(e.recorded_at_us)},
                        {"recorded_at_us", e.recorded_at_us},
                        {"hash", storage::HexEncode(e.hash)}};
  if (redacted) {
    out["redacted"] = "token lifecycle events are shown to admins only";
    return out;
  }
  // `data` as people read it (a person's personal fields decrypted, or the
  // placeholder once erased); `stored_data` the bytes the hash covers when
  // they differ (sealed personal fields, FORMAT.md section 7).
  auto data = domain::ParseJsonText(e.data);
  if (data.is_discarded()) {
    out["data"] = e.data;
  } else if (privacy::HasEnvelopes(data)) {
    out["data"] = ReadableData(e);
    out["stored_data"] = std::move(data);
  } else {
    out["data"] = std::move(data);
  }
  out["metadata"] = {{"actor", e.metadata.actor},
                     {"reason", e.metadata.reason},
                     {"correlation_id", e.metadata.correlation_id},
                     {"causation_id", e.metadata.causation_id},
                     {"source", e.metadata.source}};
  if (names) out["metadata"]["actor_name"] = names->NameOf(e.metadata.actor);
  return out;
}

nlohmann::json HashList(const std::vector<storage::Hash256>& hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hashes) out.push_back(storage::HexEncode(h));
  return out;
}

Result<std::uint64_t> Required(const http::Request& req, std::string_view key) {
  auto v = ReadUint(req, key);
  if (!v.ok()) return v.error();
  if (!v->has_value()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(key) + " is required", std::string(key));
  }
  return **v;
}

}  // namespace

Status RegisterLogRoutes(http::Router& router, std::shared_ptr<RestDeps> deps) {
  RouteAdder add(router);
  http::RouteOptions events;
  events.openapi = http::OpenApiOperation("Raw events in log order", "log");
  events.openapi["parameters"] = {http::OpenApiQueryParam("from", "integer", "first position (default 1)"),
                                  http::OpenApiQueryParam("limit", "integer", "max 1000"),
                                  http::OpenApiQueryParam("stream_prefix", "string", "e.g. deliverable-"),
                                  http::OpenApiQueryParam("type", "string", "an event type")};
  add("GET", "/api/v1/events", [deps](const http::Request& req) -> http::Response {
    auto from = ReadUint(req, "from");
    if (!from.ok()) return ErrorResponse(from.error(), req);
    auto page = ReadPage(req, deps->max_page);
    if (!page.ok()) return ErrorResponse(page.error(), req);
    storage::ReadAllFilter filter;
    if (auto p = req.Query("stream_prefix")) filter.stream_prefix = std::string(*p);
    if (auto t = req.Query("type")) filter.event_types.push_back(std::string(*t));
    auto r = deps->store->ReadAll(from->value_or(1), page->limit, filter);
    if (!r.ok()) return ErrorResponse(r.error(), req);
    nlohmann::json items = nlohmann::json::array();
    auto names = NamesFor(*deps);
    for (const auto& e : r->events) items.push_back(EventJson(e, Redacted(req, e), names));
    return http::Response::Json(200, {{"items", std::move(items)},
                                      {"next", r->next_position},
                                      {"end_of_log", r->end_of_log},
                                      {"head", deps->store->Head().position}});
  }, events);

  http::RouteOptions stream;
  stream.openapi = http::OpenApiOperation("The events of one stream", "log");
  stream.openapi["parameters"] = {http::OpenApiQueryParam("from", "integer", "first version"),
                                  http::OpenApiQueryParam("limit", "integer", "max 1000"),
                                  http::OpenApiQueryParam("direction", "string", "forwards|backwards")};
  add("GET", "/api/v1/streams/{id}", [deps](const http::Request& req) -> http::Response {
    auto from = ReadUint(req, "from");
    if (!from.ok()) return ErrorResponse(from.error(), req);
    auto page = ReadPage(req, deps->max_page);
    if (!page.ok()) return ErrorResponse(page.error(), req);
    auto dir = req.Query("direction").value_or("forwards");
    if (dir != "forwards" && dir != "backwards") {
      return ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "direction is forwards or backwards", "direction"), req);
    }
    const bool back = dir == "backwards";
    auto r = deps->store->ReadStream(req.PathParam("id"), from->value_or(back ? UINT64_MAX : 0),
                                     back ? storage::Direction::kBackwards : storage::Direction::kForwards,
                                     page->limit);
    if (!r.ok()) {
      Error e = r.error();
      if (e.code == ErrorCode::kInvalidArgument) e = MakeError(ErrorCode::kNotFound, "no such stream", "id");
      return ErrorResponse(e, req);
    }
    nlohmann::json items = nlohmann::json::array();
    auto names = NamesFor(*deps);
    for (const auto& e : *r) items.push_back(EventJson(e, Redacted(req, e), names));
    return http::Response::Json(200, {{"items", std::move(items)}});
  }, stream);

  http::RouteOptions verify;
  verify.openapi = http::OpenApiOperation("Walk the hash chain and report the first bad position", "audit");
  add("GET", "/api/v1/audit/verify", [deps](const http::Request& req) -> http::Response {
    auto from = ReadUint(req, "from");
    auto to = ReadUint(req, "to");
    if (!from.ok()) return ErrorResponse(from.error(), req);
    if (!to.ok()) return ErrorResponse(to.error(), req);
    auto permit = TakeHeavy(*deps, "a chain verification");
    if (!permit.ok()) return ErrorResponse(permit.error(), req);
    auto r = deps->store->Verify(from->value_or(1), to->value_or(0));
    if (!r.ok()) return ErrorResponse(r.error(), req);
    return http::Response::Json(200, {{"ok", r->ok},
                                      {"from", r->from},
                                      {"to", r->to},
                                      {"checked", r->checked},
                                      {"first_bad_position", r->ok ? nlohmann::json(nullptr) : nlohmann::json(r->first_bad_position)},
                                      {"problem", r->problem},
                                      {"head_hash", storage::HexEncode(deps->store->Head().hash)}});
  }, verify);

  if (!deps->checkpoints) return add.status();

  http::RouteOptions latest;
  latest.openapi = http::OpenApiOperation("The newest signed checkpoint (tree head)", "audit");
  add("GET", "/api/v1/audit/checkpoint", [deps](const http::Request& req) -> http::Response {
    auto c = deps->checkpoints->Latest();
    if (!c.ok()) return ErrorResponse(c.error(), req);
    if (!c->has_value()) {
      return ErrorResponse(MakeError(ErrorCode::kNotFound,
                                     "no checkpoint has been published yet; POST /api/v1/audit/checkpoint"),
                           req);
    }
    return http::Response::Json(200, CheckpointToJson(**c));
  }, latest);

  http::RouteOptions publish;
  publish.permission = auth::Permission::kEditProgrammeContent;
  publish.openapi = http::OpenApiOperation("Sign and publish a checkpoint of the log now", "audit", 201, "Created");
  add("POST", "/api/v1/audit/checkpoint", [deps](const http::Request& req) -> http::Response {
    auto c = deps->checkpoints->Publish(deps->clock->NowMicros(), "on demand");
    if (!c.ok()) return ErrorResponse(c.error(), req);
    return http::Response::Json(201, CheckpointToJson(*c));
  }, publish);

  http::RouteOptions inclusion;
  inclusion.openapi = http::OpenApiOperation("Merkle inclusion proof (RFC 9162 2.1.3)", "audit");
  inclusion.openapi["parameters"] = {http::OpenApiQueryParam("position", "integer", "event position", true),
                                     http::OpenApiQueryParam("tree_size", "integer", "default: the head")};
  add("GET", "/api/v1/audit/proof/inclusion", [deps](const http::Request& req) -> http::Response {
    auto pos = Required(req, "position");
    if (!pos.ok()) return ErrorResponse(pos.error(), req);
    auto size = ReadUint(req, "tree_size");
    if (!size.ok()) return ErrorResponse(size.error(), req);
    const std::uint64_t n = size->value_or(deps->store->Head().position);
    auto proof = deps->store->InclusionProof(*pos, n);
    if (!proof.ok()) return ErrorResponse(proof.error(), req);
    auto root = deps->store->MerkleRoot(n);
    if (!root.ok()) return ErrorResponse(root.error(), req);
    auto event = deps->store->ReadEvent(*pos);
    if (!event.ok()) return ErrorResponse(event.error(), req);
    std::string canonical = storage::CanonicalBytes(*event);
    return http::Response::Json(200, {{"position", *pos},
                                      {"leaf_index", *pos - 1},
                                      {"tree_size", n},
                                      {"root_hash", storage::HexEncode(*root)},
                                      {"leaf_hash", storage::HexEncode(storage::MerkleLeafHash(canonical))},
                                      {"audit_path", HashList(*proof)}});
  }, inclusion);

  http::RouteOptions consistency;
  consistency.openapi = http::OpenApiOperation("Merkle consistency proof (RFC 9162 2.1.4)", "audit");
  consistency.openapi["parameters"] = {http::OpenApiQueryParam("from", "integer", "earlier tree size", true),
                                       http::OpenApiQueryParam("to", "integer", "later tree size (default head)")};
  add("GET", "/api/v1/audit/proof/consistency", [deps](const http::Request& req) -> http::Response {
    auto from = Required(req, "from");
    if (!from.ok()) return ErrorResponse(from.error(), req);
    auto to = ReadUint(req, "to");
    if (!to.ok()) return ErrorResponse(to.error(), req);
    const std::uint64_t n = to->value_or(deps->store->Head().position);
    auto proof = deps->store->ConsistencyProof(*from, n);
    if (!proof.ok()) return ErrorResponse(proof.error(), req);
    auto r1 = deps->store->MerkleRoot(*from);
    auto r2 = deps->store->MerkleRoot(n);
    if (!r1.ok() || !r2.ok()) return ErrorResponse(r1.ok() ? r2.error() : r1.error(), req);
    return http::Response::Json(200, {{"from", *from},
                                      {"to", n},
                                      {"from_root", storage::HexEncode(*r1)},
                                      {"to_root", storage::HexEncode(*r2)},
                                      {"proof", HashList(*proof)}});
  }, consistency);

  if (deps->signer) {
    http::RouteOptions key;
    key.permission = std::nullopt;  // public: anyone may check signatures
    key.openapi = http::OpenApiOperation("The server's Ed25519 public key", "audit");
    add("GET", "/api/v1/audit/public-key", [deps](const http::Request&) -> http::Response {
      return http::Response::Json(200, {{"algorithm", "Ed25519"},
                                        {"public_key", deps->signer->PublicKeyHex()},
                                        {"pem", deps->signer->PublicKeyPem()}});
    }, key);
  }
  return add.status();
}

}  // namespace assure::api::rest
