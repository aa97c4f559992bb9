#include "api/web/static_assets.h"

#include <string>

namespace assure::api::web {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

http::Response Serve(const Asset& asset) {
  http::Response res;
  res.status = 200;
  res.content_type = std::string(ContentTypeFor(asset.path));
  res.body = std::string(asset.body);
  res.SetHeader("Cache-Control", "no-cache");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
  res.SetHeader("Referrer-Policy", "no-referrer");
  return res;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view path) {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  for (const auto& t : kTypes) {
    if (EndsWith(path, t.ext)) return t.type;
  }
  return "application/octet-stream";
}

Status RegisterStaticAssets(http::Router& router, std::span<const Asset> assets) {
  http::RouteOptions o;
  o.permission = std::nullopt;  // public: the dashboard's own files, no data
  o.while_starting = true;       // the dashboard waits out the 503s itself
  o.rate_limited = false;
  o.run_inline = true;
  for (const Asset& asset : assets) {
    const Asset* a = &asset;  // the span's storage outlives the router
    o.openapi = {{"summary", "Dashboard file " + std::string(a->path)}, {"tags", {"dashboard"}}};
    ASSURE_TRY(router.Add("GET", std::string(a->path),
                          [a](const http::Request&) { return Serve(*a); }, o));
    if (a->path == "/index.html") {
      o.openapi = {{"summary", "The board's dashboard"}, {"tags", {"dashboard"}}};
      ASSURE_TRY(router.Add("GET", "/", [a](const http::Request&) { return Serve(*a); }, o));
    }
  }
  return {};
}

}  // namespace assure::api::web
