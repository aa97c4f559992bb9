// The live-feed plumbing seen by whoever implements the subscription
// protocol: a LiveClient per WebSocket connection and a LiveFeed that receives
// its lifecycle and inbound messages. No transport types appear here.
//
// Thread safety and timing
// - LiveClient::Send and Close may be called from any thread at any time,
//   also after the connection has gone (they then do nothing).
// - Send never blocks: it enqueues on the connection's bounded queue. When the
//   queue is full the client is sent {"type":"overflow",...}, a close frame
//   (1013 try again later) and is disconnected; it can reconnect and resume
//   from the last position it saw.
// - LiveFeed callbacks run on the connection's I/O strand: they must be quick
//   and never block (no RocksDB reads): hand blocking work to the worker pool
//   (Application::PostWork) and Send from there. For one client, callbacks are
//   never concurrent and come in the order OnOpen, OnMessage*, OnClose.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "api/auth/principal.h"

namespace assure::api::http {

// WebSocket close codes of the live feed (api/live/PROTOCOL.md).
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseTryAgainLater = 1013;   // overflow
inline constexpr std::uint16_t kCloseTokenInvalid = 4401;    // revoked or expired
inline constexpr std::uint16_t kCloseTokenForbidden = 4403;  // role or scope changed

class LiveClient {
 public:
  virtual ~LiveClient() = default;
  // Unique for the life of the process.
  virtual std::uint64_t id() const = 0;
  virtual const auth::Principal& principal() const = 0;
  // Queues one text message. Returns false when the client is closed or
  // closing (the message is dropped).
  virtual bool Send(std::shared_ptr<const std::string> text) = 0;
  // Sends a close frame (1000 normal, reason truncated to 120 bytes) and
  // disconnects once queued messages have been written.
  virtual void Close(std::string reason) = 0;
  // The same with a close code (e.g. kCloseTryAgainLater). Default: Close.
  virtual void CloseWith(std::uint16_t code, std::string reason) {
    (void)code;
    Close(std::move(reason));
  }
  // Messages queued and not yet written (approximate; for pacing replays).
  virtual std::size_t pending() const { return 0; }
};

class LiveFeed {
 public:
  virtual ~LiveFeed() = default;
  virtual void OnOpen(std::shared_ptr<LiveClient> client) = 0;
  virtual void OnMessage(const std::shared_ptr<LiveClient>& client, std::string_view text) = 0;
  virtual void OnClose(const std::shared_ptr<LiveClient>& client) = 0;
};

}  // namespace assure::api::http
