#include "api/rest/params.h"

#include "api/core/append_boundary.h"
#include "api/http/query.h"
#include "api/core/json_fast_parse.h"
#include "api/http/openapi.h"

#include <charconv>

#include "domain/calendar.h"
#include "domain/json_text.h"

namespace assure::api::rest {

Result<std::optional<std::uint64_t>> ReadUint(const http::Request& req, std::string_view key) {
  auto v = req.Query(key);
  if (!v) return std::optional<std::uint64_t>{};
  std::uint64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || v->empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "must be a whole number", std::string(key));
  }
  return std::optional<std::uint64_t>{out};
}

Result<std::optional<std::uint64_t>> ReadAsAt(const http::Request& req, storage::EventStore& store) {
  auto at = ReadUint(req, "at_position");
  if (!at.ok()) return at.error();
  auto as_of = req.Query("as_of");
  if (at->has_value() && as_of) {
    return MakeError(ErrorCode::kInvalidArgument, "give as_of or at_position, not both", "as_of");
  }
  if (at->has_value()) {
    if (**at > store.Head().position) {
      return MakeError(ErrorCode::kInvalidArgument, "at_position is past the end of the log",
                       "at_position");
    }
    // Never inside an append: a command's events are seen together or not at all.
    auto whole = WholeAppendPosition(store, **at);
    if (!whole.ok()) return whole.error();
    return std::optional<std::uint64_t>{*whole};
  }
  if (!as_of) return std::optional<std::uint64_t>{};
  auto ts = domain::ParseAsAt(*as_of, "as_of");
  if (!ts.ok()) return ts.error();
  auto pos = store.PositionAt(*ts);
  if (!pos.ok()) return pos.error();
  return std::optional<std::uint64_t>{*pos};
}

nlohmann::json AsOfParam() {
  return http::OpenApiQueryParam("as_of", "string", std::string(kAsOfMeaning));
}

nlohmann::json AtPositionParam() {
  return http::OpenApiQueryParam("at_position", "integer",
                                 "a log position: the log as it was after the last whole append ending at or "
                                 "before it (one command's events are seen together or not at all)");
}

void AddPageParams(nlohmann::json& parameters, const std::string& what, std::size_t max_window) {
  std::string offset = what + " to skip, in the list's order";
  if (max_window > 0) offset += " (offset + limit at most " + std::to_string(max_window) + ")";
  parameters.push_back(http::OpenApiQueryParam("offset", "integer", offset));
  parameters.push_back(http::OpenApiQueryParam("limit", "integer", what + " to return (default 100, max 1000)"));
}

Result<Page> ReadPage(const http::Request& req, std::size_t max_limit, std::size_t max_window) {
  // The one pagination parser (api/http/query.h), also the token routes'.
  auto p = http::ParsePageParams(req.query, Page{}.limit, max_limit);
  if (!p.ok()) return p.error();
  if (p->offset > max_window || p->limit > max_window - p->offset) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "offset + limit is at most " + std::to_string(max_window) +
                         " on this list: narrow it with its filters instead of paging deeper",
                     "offset");
  }
  return Page{p->offset, p->limit};
}

Result<nlohmann::json> ReadJsonBody(const http::Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  if (!domain::JsonDepthWithin(req.body)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the body nests arrays and objects more than " +
                         std::to_string(domain::kMaxJsonDepth) + " levels deep");
  }
  nlohmann::json j = ParseJson(req.body);
  if (j.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, "the body is not valid JSON");
  if (!j.is_object()) return MakeError(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  return j;
}

Result<RequestContext> WriteContext(const http::Request& req, std::int64_t now_us) {
  RequestContext rc;
  if (req.principal) rc.actor = req.principal->actor();
  rc.correlation_id = req.correlation_id;
  rc.now_us = now_us;
  if (auto m = req.Header("If-Match")) {
    std::string_view v = *m;
    if (v.starts_with("W/")) v.remove_prefix(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    std::uint64_t version = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc() || p != v.data() + v.size() || v.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "If-Match must be an ETag this server gave, e.g. \"3\"", "If-Match");
    }
    rc.if_match = version;
  }
  if (auto k = req.Header("Idempotency-Key")) {
    if (k->empty() || k->size() > 200) {
      return MakeError(ErrorCode::kInvalidArgument, "Idempotency-Key must be 1 to 200 characters",
                       "Idempotency-Key");
    }
    rc.idempotency_key = std::string(*k);
  }
  return rc;
}

nlohmann::json PageJson(std::vector<nlohmann::json> items, std::size_t total, const Page& page,
                        std::uint64_t position) {
  nlohmann::json array = nlohmann::json::array();
  for (auto& item : items) array.push_back(std::move(item));
  return {{"items", std::move(array)},
          {"total", total},
          {"offset", page.offset},
          {"limit", page.limit},
          {"position", position}};
}

}  // namespace assure::api::rest
