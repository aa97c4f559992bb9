// Reading the common request parameters of the REST resources: as_of /
// at_position, paging, If-Match, Idempotency-Key, JSON bodies. Every problem
// is a field-named error (HTTP 400/422), never an exception.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "api/core/event_mapping.h"
#include "api/http/request.h"
#include "storage/event_store.h"

namespace assure::api::rest {

// The log position a read is "as at": at_position, or the last event recorded
// at or before as_of (ISO 8601 date — the end of that UTC day — or date-time
// with Z or an offset), or nullopt for "now". Either is a whole append: an
// at_position inside one command's events is read as the position just before
// that command's first event (WholeAppendPosition); one append's events share
// their recorded time, so as_of never falls inside one.
Result<std::optional<std::uint64_t>> ReadAsAt(const http::Request& req, storage::EventStore& store);

// The OpenAPI description of the at_position query parameter.
nlohmann::json AtPositionParam();

// Parses an ISO 8601 date or date-time to UTC microseconds. A bare date means
// the end of that day (23:59:59.999999Z).
Result<std::int64_t> ParseInstant(std::string_view text, std::string_view field);

struct Page {
  std::size_t offset = 0;
  std::size_t limit = 100;
};
// offset (default 0) and limit (default 100, at most `max_limit`).
Result<Page> ReadPage(const http::Request& req, std::size_t max_limit = 1000);

// A JSON object body (an empty body is {}); malformed JSON, or JSON nested
// deeper than domain::kMaxJsonDepth, is a 400.
Result<nlohmann::json> ReadJsonBody(const http::Request& req);

// The RequestContext of a write: actor from the principal, If-Match,
// Idempotency-Key, correlation id, the server clock.
Result<RequestContext> WriteContext(const http::Request& req, std::int64_t now_us);

// An optional unsigned integer query parameter.
Result<std::optional<std::uint64_t>> ReadUint(const http::Request& req, std::string_view key);

// {items: [...], total, offset, limit, position}.
nlohmann::json PageJson(const std::vector<nlohmann::json>& rows, const Page& page,
                        std::uint64_t position);

}  // namespace assure::api::rest
