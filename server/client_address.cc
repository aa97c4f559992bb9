#include "server/client_address.h"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace assure::server {

namespace {

using boost::asio::ip::address;

std::optional<address> ParseAddress(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  boost::system::error_code ec;
  address a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return address(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()));
  }
  return a;
}

bool Contains(const IpNetwork& n, const address& a) {
  if (n.v4 != a.is_v4()) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    bytes = a.to_v6().to_bytes();
  }
  const unsigned full = n.prefix / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (bytes[i] != n.bytes[i]) return false;
  }
  const unsigned rest = n.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (bytes[full] & mask) == (n.bytes[full] & mask);
}

bool Trusted(const address& a, const std::vector<IpNetwork>& networks) {
  for (const auto& n : networks) {
    if (Contains(n, a)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A node (RFC 7239 section 6, also used for X-Forwarded-For entries):
// IPv4[:port], [IPv6][:port] or a bare IPv6 address. nullopt for "unknown",
// obfuscated names and anything else.
std::optional<address> ParseNode(std::string_view node) {
  if (!node.empty() && node.front() == '[') {
    const auto close = node.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto a = ParseAddress(node.substr(1, close - 1));
    if (!a || !a->is_v6()) return std::nullopt;
    const std::string_view rest = node.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    return a;
  }
  if (node.find(':') != node.rfind(':')) return ParseAddress(node);  // bare IPv6
  auto a = ParseAddress(node.substr(0, node.find(':')));
  if (!a || !a->is_v4()) return std::nullopt;
  return a;
}

// The for= node of each element of a Forwarded value, left to right (an
// element without one: nullopt). False when the syntax is broken.
bool ForwardedNodes(std::string_view value, std::vector<std::optional<address>>& out) {
  std::optional<address> node;
  bool has_for = false;
  std::size_t i = 0;
  auto end_element = [&] {
    out.push_back(has_for ? node : std::nullopt);
    node.reset();
    has_for = false;
  };
  while (true) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    // forwarded-pair: token "=" ( token / quoted-string )
    const std::size_t name_start = i;
    while (i < value.size() && value[i] != '=' && value[i] != ';' && value[i] != ',') ++i;
    const std::string_view name = Trim(value.substr(name_start, i - name_start));
    if (i >= value.size() || value[i] != '=' || name.empty()) return false;
    ++i;
    std::string text;
    if (i < value.size() && value[i] == '"') {
      ++i;
      while (i < value.size() && value[i] != '"') {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        text += value[i++];
      }
      if (i >= value.size()) return false;  // unterminated
      ++i;
    } else {
      const std::size_t start = i;
      while (i < value.size() && value[i] != ';' && value[i] != ',') ++i;
      text = std::string(Trim(value.substr(start, i - start)));
      if (text.empty()) return false;
    }
    if (name.size() == 3 && (name[0] | 0x20) == 'f' && (name[1] | 0x20) == 'o' &&
        (name[2] | 0x20) == 'r') {
      if (has_for) return false;  // a parameter may appear once per element
      has_for = true;
      node = ParseNode(text);
    }
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    if (i >= value.size()) {
      end_element();
      return true;
    }
    if (value[i] == ',') end_element();
    else if (value[i] != ';') return false;
    ++i;
    if (out.size() > kMaxForwardedEntries) return false;
  }
}

// X-Forwarded-For from the right: the first untrusted address; the last
// trusted one passed when an entry is not an address or the entries run out;
// nullopt when the right-most entry is not an address.
std::optional<address> FromXForwardedFor(std::string_view value, const std::vector<IpNetwork>& trusted) {
  if (value.size() > kMaxForwardedBytes) {
    // Only whole entries of the last kMaxForwardedBytes bytes.
    value = value.substr(value.size() - kMaxForwardedBytes);
    const auto comma = value.find(',');
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  std::optional<address> passed;
  for (std::size_t n = 0; n < kMaxForwardedEntries && !value.empty(); ++n) {
    const auto comma = value.rfind(',');
    const std::string_view item = Trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(0, comma);
    auto a = ParseNode(item);
    if (!a) return passed;
    if (!Trusted(*a, trusted)) return a;
    passed = a;
  }
  return passed;
}

// Right to left past the trusted proxies; nullopt when the deciding entry
// is not an address.
std::optional<address> Decide(const std::vector<std::optional<address>>& nodes,
                              const std::vector<IpNetwork>& trusted) {
  if (nodes.empty() || nodes.size() > kMaxForwardedEntries) return std::nullopt;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    if (!*it) return std::nullopt;
    if (!Trusted(**it, trusted)) return *it;
  }
  return nodes.front();  // every hop is a trusted proxy: the first one asked
}

}  // namespace

Result<IpNetwork> ParseIpNetwork(std::string_view text) {
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + std::string(text) + "' is not an IP address or address/prefix");
  };
  const auto slash = text.find('/');
  auto a = ParseAddress(text.substr(0, slash));
  if (!a) return bad();
  IpNetwork n;
  n.v4 = a->is_v4();
  if (n.v4) {
    const auto b = a->to_v4().to_bytes();
    std::copy(b.begin(), b.end(), n.bytes.begin());
  } else {
    n.bytes = a->to_v6().to_bytes();
  }
  const unsigned max = n.v4 ? 32 : 128;
  n.prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    unsigned prefix = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || prefix > max) return bad();
    n.prefix = prefix;
  }
  return n;
}

bool InNetworks(std::string_view text, const std::vector<IpNetwork>& networks) {
  auto a = ParseAddress(text);
  return a && Trusted(*a, networks);
}

std::string ClientAddress(std::string_view peer, const std::optional<std::string>& header, bool rfc7239,
                          const std::vector<IpNetwork>& trusted_proxies) {
  if (trusted_proxies.empty() || !InNetworks(peer, trusted_proxies) || !header) return std::string(peer);
  std::optional<address> client;
  if (rfc7239) {
    std::vector<std::optional<address>> nodes;
    if (header->size() <= kMaxForwardedBytes && ForwardedNodes(*header, nodes)) client = Decide(nodes, trusted_proxies);
  } else {
    client = FromXForwardedFor(*header, trusted_proxies);
  }
  return client ? client->to_string() : std::string(peer);
}

}  // namespace assure::server
