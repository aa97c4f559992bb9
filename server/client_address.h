// Which address a request came from when the server sits behind reverse
// proxies it trusts (config `trusted_proxies`).
//
// Only a connection from a trusted proxy may name the client, and only in
// the one header the proxies are configured to write (config
// `forwarded_header`: `X-Forwarded-For` by default, or RFC 7239
// `Forwarded: for=`); the other header is never read, as proxies pass it on
// from the client unchanged. The header is read from the right (the entry
// the nearest proxy added) past every trusted proxy; the first untrusted
// address is the client. From any other peer the headers are ignored, so a
// client cannot choose its own address.
// X-Forwarded-For: only its last kMaxForwardedBytes bytes and last
// kMaxForwardedEntries entries are read (what a client prepends cannot push
// out what the proxies appended); an entry that is not an address stops the
// walk at the proxy that wrote it. Forwarded (written whole by the proxy):
// one that is malformed, too long or has too many elements, or whose
// deciding entry is not an address ("unknown", an obfuscated name), is
// ignored. Where nothing names a client the peer's address stands.
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

// The client's address (canonical text) for a request from `peer`.
// `header`: every line of the configured header joined by ", " (nullopt
// when absent); `rfc7239`: it is `Forwarded`, else `X-Forwarded-For`.
std::string ClientAddress(std::string_view peer, const std::optional<std::string>& header, bool rfc7239,
                          const std::vector<IpNetwork>& trusted_proxies);

}  // namespace assure::server
