// Everything `assure serve` can be configured with, and its defaults.
//
// A config file (--config FILE) is a JSON object; every key is optional and
// an unknown key is an error (so a typo never silently keeps a default):
//
//   {
//     "listen": "127.0.0.1:8080",
//     "metrics_listen": "127.0.0.1:9100",
//     "log_format": "text",
//     "master_key_file": "/etc/assure/master.key",
//     "backup_dir": "/var/backups/assure",
//     "tls_certificate": "/etc/assure/tls/cert.pem", "tls_private_key": "/etc/assure/tls/key.pem",
//     "trusted_proxies": ["127.0.0.1", "10.0.0.0/8"], "forwarded_header": "x-forwarded-for",
//     "io_threads": 2,
//     "shutdown_timeout_ms": 10000,
//     "http": {"header_limit_bytes": 16384, "body_limit_bytes": 1048576,
//              "document_body_limit_bytes": 67108864, "max_body_bytes_in_flight": 268435456,
//              "header_timeout_ms": 10000,
//              "body_timeout_ms": 60000, "idle_timeout_ms": 30000,
//              "write_timeout_ms": 30000, "max_pipelined": 8, "max_connections": 1024,
//              "max_connections_per_client": 64, "connection_reserve_percent": 5},
//     "workers": {"threads": 32, "queue_limit": 1024, "heavy_concurrency": 2},
//     "websocket": {"queue_limit": 1024, "idle_timeout_ms": 30000,
//                   "handshake_timeout_ms": 10000, "max_message_bytes": 65536,
//                   "overflow_close_timeout_ms": 5000},
//     "rate_limit": {"enabled": true, "token_per_second": 20, "token_burst": 40,
//                    "ip_per_second": 10, "ip_burst": 20, "max_keys": 100000},
//     "storage": {"min_free_bytes": 67108864, "writer_cache_bytes": 67108864,
//                 "memtable_bytes": 67108864, "block_cache_bytes": 33554432,
//                 "partitioned_index": true,
//                 "stream_heads_bytes": 16777216,
//                 "history_cache_bytes": 16777216}
//   }
//
// Thread safety: a plain value.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <vector>

#include "api/http/rate_limiter.h"
#include "domain/result.h"
#include "server/client_address.h"

namespace assure::server {

using Millis = std::chrono::milliseconds;

// The smallest websocket.queue_limit accepted: a replay pages by a quarter of
// the limit (equal to api::live::LiveHubOptions::kMinQueueLimit).
inline constexpr std::size_t kMinWsQueueLimit = 16;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (tests)
  int io_threads = 2;
  Millis shutdown_timeout{10000};  // in-flight requests get this long to finish
  // "HOST:PORT" of a second listener that serves GET /metrics only, with no
  // token (server/metrics_listener.h): for a Prometheus on this machine or a
  // private network. Empty (the default): none; GET /metrics on the main
  // listener needs an admin token either way.
  std::string metrics_listen;
  // "text" (default): one line per event, as `assure serve` always wrote;
  // "json": one JSON object per line for log shippers (server/json_log_formatter.h).
  std::string log_format = "text";

  // HTTP
  std::size_t header_limit_bytes = 16 * 1024;         // 431 beyond
  std::size_t body_limit_bytes = 1 << 20;             // 413 beyond (JSON routes)
  std::size_t document_body_limit_bytes = 64 << 20;   // 413 beyond (document uploads)
  Millis header_timeout{10000};  // from a request's first byte (or accept) to its last header byte
  Millis body_timeout{60000};    // from the end of the header to the end of the body
  Millis idle_timeout{30000};    // a kept-alive connection waiting for its next request
  Millis write_timeout{30000};   // writing one response
  // Bytes of request bodies the whole server holds at once (being read or
  // handled; a chunked body counts as its route's limit): a request whose
  // body would pass it is answered 503 with Retry-After at once, its body
  // unread. At least the larger of the two body limits.
  std::size_t max_body_bytes_in_flight = 256u << 20;
  std::size_t max_pipelined = 8;       // requests read ahead of their responses, per connection
  std::size_t max_connections = 1024;  // further connections get 503 at accept and are closed
  // One client address may hold this many connections; beyond, a new one is
  // answered 503 (problem+json, Retry-After) and closed. Behind a reverse
  // proxy every client has the proxy's address: raise it.
  std::size_t max_connections_per_client = 64;
  // The last connection_reserve_percent of max_connections (at least one) are
  // only for addresses holding fewer than the mean connections per connected
  // address (a health check, a new client): one or a few addresses cannot
  // fill them. 0: no reserve.
  std::size_t connection_reserve_percent = 5;

  // The one pool ("assure-worker", api/core/thread_pool.h) that runs
  // handlers (RocksDB calls block) and the parallel parts of their work.
  // Durable writes block a thread in fsync while the store groups them into
  // one commit: as many threads as concurrent writers to be grouped.
  std::size_t worker_threads = 32;
  std::size_t worker_queue_limit = 1024;  // 503 when full
  // Heavy operations (imports, evidence packs, programme exports, as_of /
  // at_position list reads, chain verification) running at once; one more is
  // answered 503 with Retry-After.
  std::size_t heavy_concurrency = 2;

  // WebSocket live feed
  // Outgoing messages per client; overflow disconnects. A replay sends pages
  // of a quarter of this and waits while a quarter is pending, so at most
  // half is used by replayed events. At least kMinWsQueueLimit.
  std::size_t ws_queue_limit = 1024;
  Millis ws_idle_timeout{30000};      // ping after half of this idle, close after all of it
  Millis ws_handshake_timeout{10000};
  std::size_t ws_max_message_bytes = 64 * 1024;  // inbound
  Millis ws_overflow_close_timeout{5000};        // a cut-off client gets this long to take its close

  api::http::RateLimitConfig rate_limit;

  // The store's free-space reserve (storage::StoreOptions::min_free_bytes):
  // writes stop (503 writes-suspended) before the disk holding the store has
  // less than this free, and resume by themselves when it has again.
  std::size_t store_min_free_bytes = 64u << 20;
  // The entity writer's budget for the states it holds between writes
  // (api/core/entity_writer.h): beyond it the least recently written idle
  // entities are dropped and refolded from their snapshot when next written.
  std::size_t writer_cache_bytes = 64u << 20;
  // RocksDB's memory (storage::StoreOptions): all memtables together, and
  // the one block cache (data, index and filter blocks).
  std::size_t store_memtable_bytes = 64u << 20;
  std::size_t store_block_cache_bytes = 32u << 20;
  // How tables written from now on keep their index and filters
  // (storage::StoreOptions::partitioned_index).
  bool store_partitioned_index = true;
  // The store's cache of recently written streams' heads
  // (storage::StoreOptions::stream_heads_bytes).
  std::size_t store_stream_heads_bytes = 16u << 20;
  // The master key's file (api/privacy/master_key.h): the environment's
  // ASSURE_MASTER_KEY_FILE wins over it; neither: master.key in the data
  // directory, created when the store has never held encrypted personal data.
  std::string master_key_file;
  // Where POST /api/v1/admin/backups writes (each backup a sub-directory
  // named by the request). Empty: `<data>-backups` beside the data
  // directory (same file system, so table files are hard-linked).
  std::string backup_dir;
  // TLS (server/tls_context.h): PEM files of the certificate (chain, leaf
  // first) and its private key. Both set: HTTPS and WSS only, TLS 1.2 or
  // later; both are read again on SIGHUP. Both empty: plain HTTP.
  std::string tls_certificate;
  std::string tls_private_key;
  // Reverse proxies (addresses or networks) whose forwarding header names
  // the client (server/client_address.h). Empty: the headers are ignored and
  // the peer is the client.
  std::vector<IpNetwork> trusted_proxies;
  // Which one header those proxies write: "x-forwarded-for" (default:
  // nginx, HAProxy, Caddy) or "forwarded" (RFC 7239). The other is never
  // read: proxies pass it on from the client as it came.
  bool forwarded_header_rfc7239 = false;
  // Rendered history pages kept for the next reader of the same page
  // (api/core/history_cache.h); 0: none kept.
  std::size_t history_cache_bytes = 16u << 20;
};

// Applies the keys of a JSON config text onto `base`. Errors:
// kInvalidArgument naming the key (unknown key, wrong type, out of range).
Result<ServerConfig> ParseServerConfig(std::string_view json_text, ServerConfig base);
Result<ServerConfig> LoadServerConfigFile(const std::string& path, ServerConfig base);

// "HOST:PORT" (IPv4, a name, or "[v6]:PORT").
Status ParseListen(std::string_view text, ServerConfig& config);

}  // namespace assure::server
