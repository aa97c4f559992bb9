// Reading the common request parameters of the REST resources: as_of /
// at_position, paging, If-Match, Idempotency-Key, JSON bodies. Every problem
// is a field-named error (HTTP 400/422), never an exception.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "api/core/event_mapping.h"
#include "api/http/request.h"
#include "storage/event_store.h"

namespace assure::api::rest {

// The log position a read is "as at": at_position, or the last event recorded
// at or before as_of (domain::ParseAsAt: a date is the end of that UTC day),
// or nullopt for "now". Either is a whole append: an
// at_position inside one command's events is read as the position just before
// that command's first event (WholeAppendPosition); one append's events share
// their recorded time, so as_of never falls inside one.
Result<std::optional<std::uint64_t>> ReadAsAt(const http::Request& req, storage::EventStore& store);

// What as_of means, said once for every route that takes it (OpenAPI, and the
// README says the same): domain::ParseAsAt.
inline constexpr std::string_view kAsOfMeaning =
    "The state as at this date or instant. A date (YYYY-MM-DD) means the end of that UTC day, "
    "inclusive: as_of=2024-03-31 includes everything recorded on 31 March. A date-time needs Z "
    "or an offset (2024-03-31T09:30:00Z, 2024-03-31T10:30:00.5+01:00; '.' as the decimal mark, "
    "at most 6 fraction digits). Anything else, or a day that does not exist (2024-02-30), is a "
    "400.";

// The OpenAPI descriptions of the as_of and at_position query parameters.
nlohmann::json AsOfParam();
nlohmann::json AtPositionParam();
// Appends the OpenAPI descriptions of `offset` and `limit` (ReadPage's) to
// `parameters`, naming what a page holds ("rows", "changes", "notes").
// With max_window, offset's text says that offset + limit is at most that.
void AddPageParams(nlohmann::json& parameters, const std::string& what = "rows", std::size_t max_window = 0);

struct Page {
  std::size_t offset = 0;
  std::size_t limit = 100;
};
// offset (default 0) and limit (default 100, at most `max_limit`); offset +
// limit at most `max_window` (a list sorted across the read model holds that
// many keys while it scans: api/queries/first_keys.h), else a 422 naming
// offset.
Result<Page> ReadPage(const http::Request& req, std::size_t max_limit = 1000,
                      std::size_t max_window = SIZE_MAX);

// A JSON object body (an empty body is {}); malformed JSON, or JSON nested
// deeper than domain::kMaxJsonDepth, is a 400.
Result<nlohmann::json> ReadJsonBody(const http::Request& req);

// The RequestContext of a write: actor from the principal, If-Match,
// Idempotency-Key, correlation id, the server clock.
Result<RequestContext> WriteContext(const http::Request& req, std::int64_t now_us);

// An optional unsigned integer query parameter.
Result<std::optional<std::uint64_t>> ReadUint(const http::Request& req, std::string_view key);

// {items: [...], total, offset, limit, position}: the page's items and the
// number of rows in all.
nlohmann::json PageJson(std::vector<nlohmann::json> items, std::size_t total, const Page& page,
                        std::uint64_t position);

}  // namespace assure::api::rest
