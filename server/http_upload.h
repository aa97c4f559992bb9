// `assure import FILE... --server URL`: upload work programme files to a
// running server's POST /api/v1/imports with a bearer token, one request per
// file, and print the server's import report. A small synchronous HTTP/1.1
// client (Boost.Beast; plain http:// only). The token is sent in the
// Authorization header and never printed or logged.
//
// Thread safety: free functions over values; each call has its own socket.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace assure::server {

// http://HOST[:PORT][/BASE]; PORT defaults to 80, BASE (a path prefix in front
// of /api/v1, e.g. behind a proxy) to "".
struct HttpEndpoint {
  std::string host;
  std::string port = "80";
  std::string base;
};
// kInvalidArgument for another scheme (https:// included), no host, a bad port.
Result<HttpEndpoint> ParseHttpUrl(std::string_view url);

struct HttpReplyData {
  int status = 0;
  std::string content_type;
  std::string body;
};
// One request on a fresh connection (Connection: close). kUnavailable when
// the host cannot be resolved or reached, or the exchange fails or passes
// `timeout` (for the whole exchange).
Result<HttpReplyData> HttpRequest(const HttpEndpoint& endpoint, const std::string& method,
                                  const std::string& target, const std::string& bearer_token,
                                  std::string body, const std::string& content_type,
                                  std::chrono::milliseconds timeout);

// Percent-encodes a query parameter value (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view value);

struct UploadOptions {
  std::string server;  // http://HOST:PORT
  std::string token;   // bearer token; never printed
  bool dry_run = false;
  bool overwrite = false;  // apply the file's values over changes made in Assure
  bool link_owners = false;  // link owners that name one person (the proposed links)
  bool json = false;   // print the server's JSON report as it came
  bool rows = false;   // list every row even when over 200
  std::string title;   // programme title for tables without one
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

// Exit codes of UploadImports (and of `assure import --server`).
inline constexpr int kUploadOk = 0;
inline constexpr int kUploadRefused = 1;  // a file unreadable, or refused by the server
inline constexpr int kUploadError = 2;    // usage, connection or protocol error

// Uploads each file in turn (stopping at the first refused one: the files
// before it stay imported) and prints each report to `out` (human readable,
// or with opts.json the server's JSON: one object for one file, an array for
// several); errors go to `err`.
int UploadImports(const UploadOptions& opts, const std::vector<std::string>& paths, std::FILE* out,
                  std::FILE* err);

}  // namespace assure::server
