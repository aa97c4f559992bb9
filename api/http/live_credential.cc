#include "api/http/live_credential.h"

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

}  // namespace assure::api::http
