#include "server/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

#include "domain/hex.h"

namespace assure::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// Runs the operation `start` begins to completion on `ioc` (whose stream's
// expiry bounds it); returns its error.
template <class Start>
beast::error_code RunToEnd(net::io_context& ioc, Start start) {
  beast::error_code ec;
  start(ec);
  ioc.restart();
  ioc.run();
  return ec;
}

// The request and its answer over a connected (and, for TLS, shaken
// hands) stream. Beast's timeouts apply to asynchronous operations: each
// step is started asynchronously and the io_context run to completion, so
// the call blocks like a synchronous one but never past the stream's expiry.
template <class Stream>
Result<HttpReplyData> Exchange(net::io_context& ioc, Stream& stream, bhttp::request<bhttp::string_body>& req,
                               const std::string& where) {
  const beast::error_code write_ec = RunToEnd(ioc, [&](beast::error_code& ec) {
    bhttp::async_write(stream, req, [&ec](beast::error_code e, std::size_t) { ec = e; });
  });
  // A server that refuses early (401, 413) may close before reading the
  // whole body: still try to read its answer.
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  const beast::error_code read_ec = RunToEnd(ioc, [&](beast::error_code& ec) {
    bhttp::async_read(stream, buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
  });
  if (read_ec) {
    const auto& ec = write_ec ? write_ec : read_ec;
    return MakeError(ErrorCode::kUnavailable,
                     std::string("cannot ") + (write_ec ? "send to " : "read the answer of ") + where + ": " +
                         ec.message(),
                     "server");
  }
  auto& res = parser.get();
  HttpReplyData out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[bhttp::field::content_type]);
  out.body = std::move(res.body());
  return out;
}

}  // namespace

Result<HttpEndpoint> ParseHttpUrl(std::string_view url, std::string ca_file) {
  HttpEndpoint e;
  if (StartsWithIgnoreCase(url, "https://")) {
    e.tls = true;
    e.port = "443";
    url.remove_prefix(8);
  } else if (StartsWithIgnoreCase(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--server must be an http:// or https:// URL, e.g. https://assure.example or "
                     "http://127.0.0.1:8080 (got '" + std::string(url) + "')",
                     "server");
  }
  if (!ca_file.empty() && !e.tls) {
    return MakeError(ErrorCode::kInvalidArgument, "--ca-file needs an https:// --server", "ca-file");
  }
  e.ca_file = std::move(ca_file);
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    e.base = std::string(url.substr(slash));
    while (!e.base.empty() && e.base.back() == '/') e.base.pop_back();
  }
  if (authority.find('@') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "--server: no user in the URL; use --token", "server");
  }
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "--server: unterminated IPv6 address", "server");
    }
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return MakeError(ErrorCode::kInvalidArgument, "--server: bad port", "server");
      e.port = std::string(rest.substr(1));
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    e.port = std::string(authority.substr(colon + 1));
  }
  e.host = std::string(host);
  if (e.host.empty()) return MakeError(ErrorCode::kInvalidArgument, "--server: no host", "server");
  if (e.port.empty() || e.port.size() > 5 ||
      e.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(e.port) == 0 ||
      std::stoi(e.port) > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "--server: bad port '" + e.port + "'", "server");
  }
  return e;
}

std::string UrlEncode(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[3] = {'%'};
      domain::WriteHexUpper(escaped + 1, c);
      out.append(escaped, sizeof escaped);
    }
  }
  return out;
}

Result<HttpReplyData> HttpRequest(const HttpEndpoint& endpoint, const std::string& method,
                                  const std::string& target, const std::string& bearer_token,
                                  std::string body, const std::string& content_type,
                                  std::chrono::milliseconds timeout) {
  const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]"
                                                                        : endpoint.host;
  const std::string where = (endpoint.tls ? "https://" : "http://") + host + ":" + endpoint.port;
  auto fail = [&](const std::string& what, const beast::error_code& ec) -> Error {
    return MakeError(ErrorCode::kUnavailable, "cannot " + what + " " + where + ": " + ec.message(), "server");
  };
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  const auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
  if (ec) return fail("resolve", ec);

  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), endpoint.base + target, 11};
  const bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
  req.set(bhttp::field::host, default_port ? host : host + ":" + endpoint.port);
  req.set(bhttp::field::user_agent, "assure-cli");
  req.set(bhttp::field::accept, "application/json, application/problem+json");
  req.set(bhttp::field::connection, "close");
  if (!bearer_token.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer_token);
  if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();

  auto connect = [&](beast::tcp_stream& stream) {
    stream.expires_after(timeout);
    return RunToEnd(ioc, [&](beast::error_code& e) {
      stream.async_connect(results, [&e](beast::error_code r, const tcp::endpoint&) { e = r; });
    });
  };
  if (!endpoint.tls) {
    beast::tcp_stream stream(ioc);
    if (auto e = connect(stream)) return fail("connect to", e);
    auto reply = Exchange(ioc, stream, req, where);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return reply;
  }

  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  if (endpoint.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(endpoint.ca_file, ec);
  }
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot load the CAs to trust from " +
                         (endpoint.ca_file.empty() ? std::string("the system store") : endpoint.ca_file) +
                         ": " + ec.message(),
                     "ca-file");
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_mode(ssl::verify_peer);
  stream.set_verify_callback(ssl::host_name_verification(endpoint.host));
  boost::system::error_code not_ip;
  net::ip::make_address(endpoint.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str());  // SNI: names only
  if (auto e = connect(beast::get_lowest_layer(stream))) return fail("connect to", e);
  if (auto e = RunToEnd(ioc, [&](beast::error_code& r) {
        stream.async_handshake(ssl::stream_base::client, [&r](beast::error_code h) { r = h; });
      })) {
    std::string hint;
    if (e.category() == net::error::get_ssl_category()) {
      hint = endpoint.ca_file.empty() ? " (a private CA or self-signed certificate: --ca-file FILE)"
                                      : " (is " + endpoint.ca_file + " the CA that signed it?)";
    }
    Error err = fail("establish TLS with", e);
    err.message += hint;
    return err;
  }
  auto reply = Exchange(ioc, stream, req, where);
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
  return reply;
}

}  // namespace assure::server
