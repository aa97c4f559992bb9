// Checks on a request's header that decide whether its body can be read at
// all (framing) and whether a route takes it (media type).
//
// Thread safety: pure functions.
#pragma once

#include <boost/beast/http/fields.hpp>

#include <string>
#include <string_view>

namespace assure::server {

// RFC 9112 6.1 and 6.3: the only transfer coding accepted is a lone
// `chunked`, and never together with Content-Length. Anything else (gzip,
// xchunked, "chunked, gzip", chunked twice, chunked with parameters) would
// leave the body's framing to guesswork: the caller answers 400 and closes.
// Returns the reason, or empty when the framing is acceptable.
std::string UnsupportedFraming(const boost::beast::http::fields& h);

// True when the Content-Type `header` names `type` (parameters ignored,
// case-insensitive).
bool MediaTypeIs(std::string_view header, std::string_view type);

}  // namespace assure::server
