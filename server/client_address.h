// Which address a request came from when the server sits behind reverse
// proxies it trusts (config `trusted_proxies`).
//
// Only a connection from a trusted proxy may name the client: its
// `Forwarded: for=` (RFC 7239), or else its `X-Forwarded-For`, is read from
// the right (the entry the nearest proxy added) past every trusted proxy;
// the first untrusted address is the client. From any other peer both
// headers are ignored, so a client cannot choose its own address. A header
// that is malformed, longer than kMaxForwardedBytes, with more than
// kMaxForwardedEntries entries, or whose deciding entry is not an IP
// address ("unknown", an obfuscated name) is ignored: the peer's address
// stands.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace assure::server {

inline constexpr std::size_t kMaxForwardedBytes = 2048;
inline constexpr std::size_t kMaxForwardedEntries = 16;

// An IPv4 or IPv6 network ("10.0.0.0/8", "::1", "192.0.2.7" = /32).
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match as IPv4.
struct IpNetwork {
  bool v4 = true;
  std::array<std::uint8_t, 16> bytes{};  // the first 4 for IPv4
  unsigned prefix = 32;
};

// kInvalidArgument for anything but an address or address/prefix.
Result<IpNetwork> ParseIpNetwork(std::string_view text);

// True when `address` (textual; anything unparsable is false) is in one of
// the networks.
bool InNetworks(std::string_view address, const std::vector<IpNetwork>& networks);

// The client's address (canonical text) for a request from `peer`. The
// header values are every line of the header joined by ", " (nullopt when
// absent).
std::string ClientAddress(std::string_view peer, const std::optional<std::string>& forwarded,
                          const std::optional<std::string>& x_forwarded_for,
                          const std::vector<IpNetwork>& trusted_proxies);

}  // namespace assure::server
