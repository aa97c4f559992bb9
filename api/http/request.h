// The transport-independent request value a route handler receives.
//
// The server fills every field before calling a handler; handlers never see
// Beast types. `principal` is set when the route requires a permission (the
// server authenticated and authorised the caller first); the actor recorded on
// events must come from it, never from the request body.
//
// Thread safety: a plain value; a handler gets its own copy.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth/principal.h"

namespace assure::api::http {

struct Header {
  std::string name;
  std::string value;
};

// Header fields in arrival order; lookups ignore ASCII case.
// A header list element without its optional whitespace (RFC 9110 §5.6.3:
// spaces and tabs around it).
inline std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class Headers {
 public:
  void Add(std::string name, std::string value) {
    fields_.push_back({std::move(name), std::move(value)});
  }
  // The first field with this name, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  const std::vector<Header>& all() const { return fields_; }

 private:
  std::vector<Header> fields_;
};

struct QueryParam {
  std::string key;    // percent-decoded
  std::string value;  // percent-decoded
};

// ASCII lower case (HTTP header names, query keys); other bytes unchanged.
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct Request {
  std::string method;                              // "GET", "POST", ...
  std::string target;                              // raw request-target (may hold secrets: never log)
  std::string path;                                // the encoded path, without the query
  std::vector<QueryParam> query;                   // decoded, in order
  std::map<std::string, std::string> path_params;  // from {name} segments, decoded
  Headers headers;
  std::string body;
  std::string client_ip;
  std::string correlation_id;                      // echoed as X-Correlation-Id
  std::optional<auth::Principal> principal;        // set on authenticated routes

  // The first query parameter with this key, or nullopt.
  std::optional<std::string_view> Query(std::string_view key) const;
  std::optional<std::string_view> Header(std::string_view name) const {
    return headers.Get(name);
  }
  // The value of a {name} path segment; empty when the route has none.
  std::string_view PathParam(std::string_view name) const;
};

}  // namespace assure::api::http
