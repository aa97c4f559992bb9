#include "api/http/live_credential.h"

#include <cctype>

#include "api/http/request.h"

namespace assure::api::http {

std::optional<std::string> TokenFromSubprotocols(std::string_view header) {
  bool live = false;
  std::optional<std::string> token;
  while (true) {
    const std::size_t comma = header.find(',');
    const std::string_view item = TrimOws(header.substr(0, comma));
    if (item == kLiveProtocol) {
      live = true;
    } else if (item.size() > kLiveTokenProtocolPrefix.size() &&
               item.substr(0, kLiveTokenProtocolPrefix.size()) == kLiveTokenProtocolPrefix) {
      token = std::string(item.substr(kLiveTokenProtocolPrefix.size()));
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  if (!live) return std::nullopt;
  return token;
}

Result<LiveCredential> LiveCredentialOf(std::optional<std::string_view> authorization,
                                        std::optional<std::string_view> protocols,
                                        const std::vector<QueryParam>& query) {
  for (const auto& q : query) {
    std::string key = q.key;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key == "token" || key == "access_token") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a token must not be sent in the URL: send it as 'Authorization: Bearer <token>' or, "
                       "from a browser, as the WebSocket subprotocols 'assure-live, assure-token.<token>'");
    }
  }
  LiveCredential out;
  if (authorization) {
    out.credential = std::string(*authorization);
  } else if (protocols) {
    if (auto token = TokenFromSubprotocols(*protocols)) {
      out.credential = "Bearer " + *token;
      out.subprotocol = std::string(kLiveProtocol);
    }
  }
  return out;
}

}  // namespace assure::api::http
