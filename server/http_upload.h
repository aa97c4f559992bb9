// `assure import FILE... --server URL`: upload work programme files to a
// running server's POST /api/v1/imports with a bearer token, one request per
// file, and print the server's import report, over server/http_client.h
// (http:// or https://). The token is sent in the Authorization header and
// never printed or logged.
//
// Thread safety: free functions over values; each call has its own socket.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "server/http_client.h"

namespace assure::server {

struct UploadOptions {
  std::string server;  // http://HOST:PORT or https://HOST:PORT
  std::string ca_file;  // https: trust this PEM file's CAs instead of the system's
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
