// gzip for HTTP answers (RFC 9110 §8.4, RFC 1952), through zlib.
//
// The dashboard's files are compressed once, when the routes are made
// (api/web/static_assets.h); JSON and text answers of at least
// kCompressMinBytes are compressed by the thread that made them (a worker
// for reads: never an I/O thread's loop for a large body) when the request
// accepts gzip. A 1,000-deliverable list is ~900 KB of JSON and ~10x less
// gzipped.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/http/request.h"
#include "api/http/response.h"

namespace assure::api::http {

inline constexpr std::size_t kCompressMinBytes = 8192;

// Whether an Accept-Encoding value accepts gzip: "gzip" (or "x-gzip") or
// "*" listed without q=0 (an explicit "gzip;q=0" refuses it even with "*").
bool AcceptsGzip(std::string_view accept_encoding);

// The gzip member of `data` (no file name, modification time 0: the same
// bytes give the same output). `level` 1 (fastest) .. 9 (smallest).
std::string Gzip(std::string_view data, int level);

// Compresses `response`'s body in place (Content-Encoding: gzip, Vary:
// Accept-Encoding) when the request accepts gzip, the status is 200, the
// body is JSON, JavaScript or text of at least `min_bytes`, and it is not
// encoded already. Returns whether it did.
bool CompressIfAccepted(const Request& request, Response& response, std::size_t min_bytes = kCompressMinBytes);

}  // namespace assure::api::http
