// The board's dashboard as public GET routes: the files under web/ at the
// repository root, embedded into the binary at build time by
// api/web/embed_assets.cmake (no files are read at run time).
//
// Each embedded file is served at its own path ("/js/app.js", "/css/app.css")
// and "/index.html" also at "/". Only those exact paths are registered, so a
// request for anything else (including "..", encoded or not) never reaches
// these handlers: the router answers 404 or 405. The routes are public
// (no token: the page itself asks for one, and every /api/v1 route stays
// authenticated), not rate limited (a page load fetches a dozen modules) and
// run inline (a lookup in memory never blocks).
//
// Every response carries the Content-Type for the file's extension, a strong
// ETag (If-None-Match with it answers 304 without a body: `no-cache` makes the
// browser ask, and the answer is that small), `Vary: Accept-Encoding` (text
// files are gzipped once, at start, and sent so to a browser that accepts
// gzip), `X-Content-Type-Options: nosniff`, `Cache-Control: no-cache` and a
// Content-Security-Policy that allows only this origin (scripts, styles,
// images, fetch and the live-feed WebSocket): the page can make no external
// request even if a file tried to.
//
// Thread safety: the assets are immutable; handlers may run concurrently.
#pragma once

#include <span>
#include <string_view>

#include "api/http/router.h"
#include "domain/result.h"

namespace assure::api::web {

struct Asset {
  std::string_view path;  // "/index.html", "/js/app.js"
  std::string_view body;
};

// Every file of web/, sorted by path. Generated at build time.
std::span<const Asset> EmbeddedAssets();

// "text/javascript; charset=utf-8" for ".js", ...; "application/octet-stream"
// for an unknown extension.
std::string_view ContentTypeFor(std::string_view path);

// The Content-Security-Policy sent with every asset.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Registers GET routes for `assets` (and "/" for "/index.html" when present).
// Errors: as Router::Add (a path registered twice, a malformed path).
Status RegisterStaticAssets(http::Router& router, std::span<const Asset> assets = EmbeddedAssets());

}  // namespace assure::api::web
