#include "server/request_checks.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>

#include "api/http/request.h"

namespace assure::server {

namespace http = boost::beast::http;

namespace {

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string UnsupportedFraming(const http::fields& h) {
  std::size_t codings = 0;
  bool only_chunked = true;
  bool any = false;
  for (const auto& f : h) {
    if (f.name() != http::field::transfer_encoding) continue;
    any = true;
    std::string_view rest(f.value());
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view item = TrimOws(rest.substr(0, comma));
      if (!item.empty()) {
        ++codings;
        if (!api::http::EqualsIgnoreCase(item, "chunked")) only_chunked = false;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!any) return {};
  if (h.find(http::field::content_length) != h.end()) {
    return "a request must not carry both Transfer-Encoding and Content-Length";
  }
  if (codings != 1 || !only_chunked) {
    return "unsupported Transfer-Encoding: only 'chunked' (alone) is accepted";
  }
  return {};
}

bool MediaTypeIs(std::string_view header, std::string_view type) {
  const auto semi = header.find(';');
  std::string_view base = header.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  while (!base.empty() && base.front() == ' ') base.remove_prefix(1);
  return api::http::EqualsIgnoreCase(base, type);
}

}  // namespace assure::server
