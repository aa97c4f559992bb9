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
  ~ResponseFile();
  ResponseFile(const ResponseFile&) = delete;
  ResponseFile& operator=(const ResponseFile&) = delete;
  // Hands the descriptor over (to the server's writer); -1 when it was.
  int Release();

 private:
  int fd_;
};

// A name for a response's file, reserved in `dir` (an empty file made
// there, removed unless opened): the caller writes the file under that
// name (replacing it), then Open unlinks the name and keeps the open file.
class TemporaryFile {
 public:
  TemporaryFile(TemporaryFile&& other) noexcept : path(std::move(other.path)) { other.path.clear(); }
  TemporaryFile& operator=(TemporaryFile&&) = delete;
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile();
  // The file written under `path`, opened and unnamed.
  Result<std::shared_ptr<ResponseFile>> Open();

  std::string path;

 private:
  friend Result<TemporaryFile> MakeTemporaryFile(const std::string& dir, const std::string& prefix);
  explicit TemporaryFile(std::string p) : path(std::move(p)) {}
};
// kIoError when `dir` has no room or is not writable.
Result<TemporaryFile> MakeTemporaryFile(const std::string& dir, const std::string& prefix);

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
