// The transport-independent response value a route handler returns.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http/request.h"
#include "domain/result.h"

namespace assure::api::http {

// A body sent from an open file as it is written to the client: for a
// response too large to hold in memory (a whole-network evidence pack is
// hundreds of MB). Owns the descriptor, read from offset 0; the file
// should have no name (unlinked), so that closing it frees it.
class ResponseFile {
 public:
  explicit ResponseFile(int fd) : fd_(fd) {}
  // A new file in `dir`, readable only by this user and unnamed at once
  // (it never outlives the response). kIoError when `dir` cannot hold it.
  static Result<std::shared_ptr<ResponseFile>> CreateUnnamed(const std::string& dir);
  ~ResponseFile();
  ResponseFile(const ResponseFile&) = delete;
  ResponseFile& operator=(const ResponseFile&) = delete;
  // Hands the descriptor over (to the server's writer); -1 when it was.
  int Release();
  // The descriptor, to write the body into (at offset 0) before it is sent.
  int fd() const { return fd_; }

 private:
  int fd_;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<Header> headers;  // extra fields (Content-Type/Length are set by the server)
  std::string body;
  // When set, the body instead of `body` (which is then empty).
  std::shared_ptr<ResponseFile> file;

  // A JSON body (compact).
  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
  static Response File(int status, std::shared_ptr<ResponseFile> file, std::string content_type);
  // An RFC 9457 problem+json response for `error` (see problem.h).
  static Response Problem(const Error& error, std::string_view correlation_id = {});

  Response& SetHeader(std::string name, std::string value);
  // The first extra header with this name, or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

}  // namespace assure::api::http
