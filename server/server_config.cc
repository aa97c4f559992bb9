#include "server/server_config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/read_file.h"

namespace assure::server {

namespace {

using Json = nlohmann::json;
using Setter = std::function<Status(const Json&, const std::string&)>;

Error Bad(const std::string& key, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, "config: " + key + " " + what, key);
}

Setter Count(std::size_t& out, std::size_t min, std::size_t max) {
  return [&out, min, max](const Json& v, const std::string& key) -> Status {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
      return Bad(key, "must be a non-negative integer");
    }
    const auto n = v.get<std::uint64_t>();
    if (n < min || n > max) {
      return Bad(key, "must be from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = static_cast<std::size_t>(n);
    return {};
  };
}

Setter Ms(Millis& out) {
  return [&out](const Json& v, const std::string& key) -> Status {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
        v.get<std::int64_t>() > 86400000) {
      return Bad(key, "must be milliseconds from 1 to 86400000");
    }
    out = Millis(v.get<std::int64_t>());
    return {};
  };
}

Setter Rate(double& out) {
  return [&out](const Json& v, const std::string& key) -> Status {
    if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 1e9) {
      return Bad(key, "must be a positive number");
    }
    out = v.get<double>();
    return {};
  };
}

Setter Flag(bool& out) {
  return [&out](const Json& v, const std::string& key) -> Status {
    if (!v.is_boolean()) return Bad(key, "must be true or false");
    out = v.get<bool>();
    return {};
  };
}

Setter File(std::string& out) {
  return [&out](const Json& v, const std::string& key) -> Status {
    if (!v.is_string() || v.get<std::string>().empty()) return Bad(key, "must be a file path");
    out = v.get<std::string>();
    return {};
  };
}

Status Apply(const Json& obj, const std::string& prefix,
             const std::map<std::string, Setter>& setters) {
  if (!obj.is_object()) return Bad(prefix.empty() ? "(top level)" : prefix, "must be an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    auto s = setters.find(it.key());
    if (s == setters.end()) return Bad(key, "is not a known setting");
    ASSURE_TRY(s->second(it.value(), key));
  }
  return {};
}

}  // namespace

Status ParseListen(std::string_view text, ServerConfig& config) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "listen address must be HOST:PORT", "listen");
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "listen port must be 0..65535", "listen");
  }
  config.host = std::string(host);
  config.port = static_cast<std::uint16_t>(port);
  return {};
}

Result<ServerConfig> ParseServerConfig(std::string_view json_text, ServerConfig c) {
  Json root = Json::parse(json_text, nullptr, false);
  if (root.is_discarded()) {
    return MakeError(ErrorCode::kInvalidArgument, "config: not valid JSON");
  }
  std::size_t io_threads = static_cast<std::size_t>(c.io_threads);
  const std::map<std::string, Setter> http = {
      {"header_limit_bytes", Count(c.header_limit_bytes, 1024, 1 << 20)},
      {"body_limit_bytes", Count(c.body_limit_bytes, 1, std::size_t{1} << 32)},
      {"document_body_limit_bytes", Count(c.document_body_limit_bytes, 1, std::size_t{1} << 36)},
      {"max_body_bytes_in_flight", Count(c.max_body_bytes_in_flight, 1, std::size_t{1} << 40)},
      {"header_timeout_ms", Ms(c.header_timeout)},
      {"body_timeout_ms", Ms(c.body_timeout)},
      {"idle_timeout_ms", Ms(c.idle_timeout)},
      {"write_timeout_ms", Ms(c.write_timeout)},
      {"max_pipelined", Count(c.max_pipelined, 1, 1024)},
      {"max_connections", Count(c.max_connections, 1, 1000000)},
      {"max_connections_per_client", Count(c.max_connections_per_client, 1, 1000000)},
      {"connection_reserve_percent", Count(c.connection_reserve_percent, 0, 50)},
  };
  const std::map<std::string, Setter> workers = {
      {"threads", Count(c.worker_threads, 1, 256)},
      {"queue_limit", Count(c.worker_queue_limit, 1, 1000000)},
      {"heavy_concurrency", Count(c.heavy_concurrency, 1, 256)},
  };
  const std::map<std::string, Setter> ws = {
      // A replay paces itself to a quarter of this (api/live/live_hub.h).
      {"queue_limit", Count(c.ws_queue_limit, kMinWsQueueLimit, 1000000)},
      {"idle_timeout_ms", Ms(c.ws_idle_timeout)},
      {"handshake_timeout_ms", Ms(c.ws_handshake_timeout)},
      {"max_message_bytes", Count(c.ws_max_message_bytes, 16, 16 << 20)},
      {"overflow_close_timeout_ms", Ms(c.ws_overflow_close_timeout)},
  };
  const std::map<std::string, Setter> rate = {
      {"enabled", Flag(c.rate_limit.enabled)},
      {"token_per_second", Rate(c.rate_limit.token_per_second)},
      {"token_burst", Rate(c.rate_limit.token_burst)},
      {"ip_per_second", Rate(c.rate_limit.ip_per_second)},
      {"ip_burst", Rate(c.rate_limit.ip_burst)},
      {"max_keys", Count(c.rate_limit.max_keys, 1, 100000000)},
  };
  const std::map<std::string, Setter> storage = {
      {"min_free_bytes", Count(c.store_min_free_bytes, 0, std::size_t{1} << 50)},
      {"writer_cache_bytes", Count(c.writer_cache_bytes, 0, std::size_t{1} << 40)},
      {"memtable_bytes", Count(c.store_memtable_bytes, 1 << 20, std::size_t{1} << 40)},
      {"block_cache_bytes", Count(c.store_block_cache_bytes, 1 << 20, std::size_t{1} << 40)},
      {"partitioned_index", Flag(c.store_partitioned_index)},
      {"stream_heads_bytes", Count(c.store_stream_heads_bytes, 1 << 16, std::size_t{1} << 40)},
      {"history_cache_bytes", Count(c.history_cache_bytes, 0, std::size_t{1} << 40)},
  };
  const std::map<std::string, Setter> top = {
      {"listen",
       [&c](const Json& v, const std::string& key) -> Status {
         if (!v.is_string()) return Bad(key, "must be a HOST:PORT string");
         return ParseListen(v.get<std::string>(), c);
       }},
      {"metrics_listen",
       [&c](const Json& v, const std::string& key) -> Status {
         ServerConfig probe;
         if (!v.is_string() || !ParseListen(v.get<std::string>(), probe).ok()) {
           return Bad(key, "must be a HOST:PORT string");
         }
         c.metrics_listen = v.get<std::string>();
         return {};
       }},
      {"log_format",
       [&c](const Json& v, const std::string& key) -> Status {
         if (!v.is_string() || (v != "text" && v != "json")) return Bad(key, "must be \"text\" or \"json\"");
         c.log_format = v.get<std::string>();
         return {};
       }},
      {"io_threads", Count(io_threads, 1, 64)},
      {"master_key_file",
       [&c](const Json& v, const std::string& key) -> Status {
         if (!v.is_string() || v.get<std::string>().empty()) return Bad(key, "must be a file path");
         c.master_key_file = v.get<std::string>();
         return {};
       }},
      {"backup_dir",
       [&c](const Json& v, const std::string& key) -> Status {
         if (!v.is_string() || v.get<std::string>().empty()) return Bad(key, "must be a directory path");
         c.backup_dir = v.get<std::string>();
         return {};
       }},
      {"tls_certificate", File(c.tls_certificate)},
      {"tls_private_key", File(c.tls_private_key)},
      {"trusted_proxies",
       [&c](const Json& v, const std::string& key) -> Status {
         if (!v.is_array()) return Bad(key, "must be a list of IP addresses or networks");
         if (v.size() > 1024) return Bad(key, "must list at most 1024 entries");
         std::vector<IpNetwork> networks;
         for (const auto& item : v) {
           if (!item.is_string()) return Bad(key, "must be a list of IP addresses or networks");
           auto n = ParseIpNetwork(item.get<std::string>());
           if (!n.ok()) return Bad(key, n.error().message);
           networks.push_back(*n);
         }
         c.trusted_proxies = std::move(networks);
         return {};
       }},
      {"forwarded_header",
       [&c](const Json& v, const std::string& key) -> Status {
         const std::string name = v.is_string() ? v.get<std::string>() : "";
         if (name != "x-forwarded-for" && name != "forwarded") return Bad(key, "must be \"x-forwarded-for\" or \"forwarded\"");
         c.forwarded_header_rfc7239 = name == "forwarded";
         return {};
       }},
      {"shutdown_timeout_ms", Ms(c.shutdown_timeout)},
      {"http", [&http](const Json& v, const std::string& k) { return Apply(v, k, http); }},
      {"workers", [&workers](const Json& v, const std::string& k) { return Apply(v, k, workers); }},
      {"websocket", [&ws](const Json& v, const std::string& k) { return Apply(v, k, ws); }},
      {"rate_limit", [&rate](const Json& v, const std::string& k) { return Apply(v, k, rate); }},
      {"storage", [&storage](const Json& v, const std::string& k) { return Apply(v, k, storage); }},
  };
  ASSURE_TRY(Apply(root, "", top));
  if (c.max_body_bytes_in_flight < std::max(c.body_limit_bytes, c.document_body_limit_bytes)) {
    return Bad("http.max_body_bytes_in_flight",
               "must be at least http.body_limit_bytes and http.document_body_limit_bytes");
  }
  if (c.tls_certificate.empty() != c.tls_private_key.empty()) {
    return Bad(c.tls_certificate.empty() ? "tls_certificate" : "tls_private_key",
               "is needed too: TLS takes both tls_certificate and tls_private_key");
  }
  c.io_threads = static_cast<int>(io_threads);
  return c;
}

Result<ServerConfig> LoadServerConfigFile(const std::string& path, ServerConfig base) {
  auto text = ReadWholeFile(path);
  if (!text) return MakeError(ErrorCode::kInvalidArgument, "cannot read config file " + path);
  return ParseServerConfig(*text, std::move(base));
}

}  // namespace assure::server
