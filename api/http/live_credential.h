// Where the live feed's WebSocket upgrade may carry its token.
//
// A browser cannot set headers on a WebSocket, and a token in the URL shows
// in the browser's history and console and in proxies' logs. So besides
// `Authorization: Bearer`, the upgrade may offer the token as a subprotocol
// (RFC 6455 §1.9, `Sec-WebSocket-Protocol`), next to the protocol's name:
//
//   Sec-WebSocket-Protocol: assure-live, assure-token.<token>
//
// The server answers `Sec-WebSocket-Protocol: assure-live` (a server must
// choose one of the offered protocols; it never echoes the token). A token
// in the query string (`?token=`, `?access_token=`) is refused (400).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/request.h"
#include "domain/result.h"

namespace assure::api::http {

inline constexpr std::string_view kLiveProtocol = "assure-live";
inline constexpr std::string_view kLiveTokenProtocolPrefix = "assure-token.";

// The token offered in a Sec-WebSocket-Protocol value, when the value also
// offers kLiveProtocol; nullopt otherwise (no token, or no assure-live).
std::optional<std::string> TokenFromSubprotocols(std::string_view header);

// The credential an upgrade carries, for Authorizer::Authenticate.
struct LiveCredential {
  std::string credential;   // the Authorization value, or "Bearer <token>"; "" for none
  std::string subprotocol;  // kLiveProtocol when the token came as a subprotocol, else ""
};
// From the upgrade's Authorization and Sec-WebSocket-Protocol values (null
// when absent) and its query. Errors: kInvalidArgument when the query names
// a token (token=, access_token=, any case).
Result<LiveCredential> LiveCredentialOf(std::optional<std::string_view> authorization,
                                        std::optional<std::string_view> protocols,
                                        const std::vector<QueryParam>& query);

}  // namespace assure::api::http
