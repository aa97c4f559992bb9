#include "api/http/live_credential.h"

namespace assure::api::http {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> TokenFromSubprotocols(std::string_view header) {
  bool live = false;
  std::optional<std::string> token;
  while (true) {
    const std::size_t comma = header.find(',');
    const std::string_view item = Trim(header.substr(0, comma));
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
