#include "api/web/static_assets.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "api/http/compression.h"
#include "domain/hex.h"

namespace assure::api::web {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// An asset as served: its strong ETag (the first 128 bits of its SHA-256,
// in hex) and, for text, its gzip (made once, at the smallest size).
struct Served {
  const Asset* asset = nullptr;
  std::string etag;
  std::string gzip;  // empty: sent as it is
};

std::string EtagOf(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(body.data(), body.size(), digest, &n, EVP_sha256(), nullptr);
  std::string out = "\"";
  domain::AppendHex(out, std::string_view(reinterpret_cast<const char*>(digest), std::min(n, 16u)));
  return out + "\"";
}

// Whether an If-None-Match value names `etag` (or is "*"); weak
// validators compare by their opaque tag (RFC 9110 §13.1.2).
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (true) {
    const std::size_t comma = header.find(',');
    std::string_view tag = http::TrimOws(header.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) return false;
    header.remove_prefix(comma + 1);
  }
}

http::Response Serve(const Served& served, const http::Request& request) {
  http::Response res;
  res.status = 200;
  res.content_type = std::string(ContentTypeFor(served.asset->path));
  res.SetHeader("Cache-Control", "no-cache");
  res.SetHeader("ETag", served.etag);
  res.SetHeader("Vary", "Accept-Encoding");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
  res.SetHeader("Referrer-Policy", "no-referrer");
  if (auto inm = request.Header("If-None-Match"); inm && NoneMatchHits(*inm, served.etag)) {
    res.status = 304;  // the browser's copy is current: no body
    return res;
  }
  auto accept = request.Header("Accept-Encoding");
  if (!served.gzip.empty() && accept && http::AcceptsGzip(*accept)) {
    res.body = served.gzip;
    res.SetHeader("Content-Encoding", "gzip");
  } else {
    res.body = std::string(served.asset->body);
  }
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
  // Made once; the routes hold them for as long as the router lives.
  auto served = std::make_shared<std::vector<Served>>();
  served->reserve(assets.size());
  for (const Asset& asset : assets) {
    Served s{&asset, EtagOf(asset.body), {}};
    const std::string_view type = ContentTypeFor(asset.path);
    if (asset.body.size() >= 256 && (type.starts_with("text/") || type.starts_with("image/svg"))) {
      s.gzip = http::Gzip(asset.body, 9);
      if (s.gzip.size() >= asset.body.size()) s.gzip.clear();
    }
    served->push_back(std::move(s));
  }
  for (const Served& s : *served) {
    const Served* a = &s;
    auto handler = [served, a](const http::Request& request) { return Serve(*a, request); };
    o.openapi = {{"summary", "Dashboard file " + std::string(a->asset->path)}, {"tags", {"dashboard"}}};
    ASSURE_TRY(router.Add("GET", std::string(a->asset->path), handler, o));
    if (a->asset->path == "/index.html") {
      o.openapi = {{"summary", "The board's dashboard"}, {"tags", {"dashboard"}}};
      ASSURE_TRY(router.Add("GET", "/", handler, o));
    }
  }
  return {};
}

}  // namespace assure::api::web
