// The CLI's HTTP client for commands that talk to a running server
// (`assure import --server`, `assure backup --server`): one synchronous
// HTTP/1.1 request per connection, over http:// or https:// (Boost.Beast,
// OpenSSL). With https the server's certificate must chain to the system's
// CAs, or to those of `ca_file`, and name the host (DNS name or IP address).
//
// Thread safety: free functions over values; each call has its own socket.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace assure::server {

// http://HOST[:PORT][/BASE] or https://...; PORT defaults to 80 (443 for
// https), BASE (a path prefix in front of /api/v1, e.g. behind a proxy) to "".
struct HttpEndpoint {
  std::string host;
  std::string port = "80";
  std::string base;
  bool tls = false;     // https
  std::string ca_file;  // https: the PEM CAs to trust; empty: the system's
};
// kInvalidArgument for another scheme, no host, a bad port, or a CA file
// with http://.
Result<HttpEndpoint> ParseHttpUrl(std::string_view url, std::string ca_file = {});

struct HttpReplyData {
  int status = 0;
  std::string content_type;
  std::string body;
};
// One request to endpoint.base + target on a fresh connection
// (Connection: close). kUnavailable when the host cannot be resolved or
// reached, the certificate is not trusted, or the exchange fails or passes
// `timeout` (for the whole exchange).
Result<HttpReplyData> HttpRequest(const HttpEndpoint& endpoint, const std::string& method,
                                  const std::string& target, const std::string& bearer_token,
                                  std::string body, const std::string& content_type,
                                  std::chrono::milliseconds timeout);

// Percent-encodes a query parameter value (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view value);

}  // namespace assure::server
