// Loopback test clients (127.0.0.1 only), with no Beast types in the header
// so that only test_client.cc pays for Beast. Every wait has a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace assure::server::testing {

using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;
  Headers headers;
  std::string body;
  std::string Header(const std::string& name) const;  // "" when absent
  nlohmann::json Json() const;                        // discarded when not JSON
  bool KeepAlive() const;
};

// The bytes of one HTTP/1.1 request (Host, Content-Length added).
std::string BuildRequest(const std::string& method, const std::string& target,
                         const std::string& body = {}, const Headers& headers = {},
                         bool keep_alive = true);

// One TCP connection to 127.0.0.1:port.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  // From another loopback address (e.g. "127.0.0.2"): the server sees
  // another client.
  RawConnection(std::uint16_t port, const std::string& from_address);
  ~RawConnection();
  bool connected() const;
  bool Send(const std::string& bytes);
  // The next response; nullopt when the connection closed or the timeout passed.
  std::optional<HttpReply> Read(std::chrono::milliseconds timeout = 5000ms);
  // True when the peer closes the connection (EOF or reset) within the timeout.
  bool WaitClosed(std::chrono::milliseconds timeout);
  // Every byte the peer sends until it closes the connection; nullopt when it
  // does not close within the timeout.
  std::optional<std::string> ReadUntilClosed(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A one-shot request on a fresh connection (Connection: close).
HttpReply Call(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& body = {}, const Headers& headers = {});
Headers Bearer(const std::string& token, Headers more = {});

class WsClient {
 public:
  // Connects and upgrades. On refusal returns nullptr and sets *status to the
  // HTTP status (0 when the connection failed). `small_receive_buffer` makes
  // the client's kernel buffer tiny (for slow-consumer tests). With
  // auto_read false the client reads nothing until Read is called.
  static std::unique_ptr<WsClient> Connect(std::uint16_t port, const std::string& target,
                                           const Headers& headers, int* status,
                                           bool auto_read = true,
                                           bool small_receive_buffer = false);
  ~WsClient();

  bool Send(const std::string& text);
  // The next text message; nullopt on timeout or when closed (see closed()).
  std::optional<std::string> Read(std::chrono::milliseconds timeout = 5000ms);
  // Keeps reading (answering pings) for `d`; returns messages received.
  std::vector<std::string> Pump(std::chrono::milliseconds d);
  bool closed() const;
  // The server's Sec-WebSocket-Protocol answer ("" when none).
  std::string protocol() const;
  int close_code() const;  // 0 when none was received
  std::string close_reason() const;

 private:
  WsClient();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace assure::server::testing
