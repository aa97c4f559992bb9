#include "api/http/response.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "api/http/problem.h"

namespace assure::api::http {

Response Response::Json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

ResponseFile::~ResponseFile() {
  if (fd_ >= 0) ::close(fd_);
}

int ResponseFile::Release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Result<std::shared_ptr<ResponseFile>> ResponseFile::CreateUnnamed(const std::string& dir) {
  std::string path = dir + "/assure-response-XXXXXX";
  const int fd = ::mkstemp(path.data());  // mode 0600
  if (fd < 0) {
    return MakeError(ErrorCode::kIoError, "cannot create a temporary file in " + dir + ": " + std::strerror(errno));
  }
  ::unlink(path.c_str());
  return std::make_shared<ResponseFile>(fd);
}

Response Response::File(int status, std::shared_ptr<ResponseFile> file, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.file = std::move(file);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Problem(const Error& error, std::string_view correlation_id) {
  Response r;
  r.status = HttpStatusFor(error);
  r.content_type = std::string(kProblemContentType);
  r.body = ProblemBody(error, correlation_id)
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Writes suspended on a full or failing disk: try again in a while.
  if (error.code == ErrorCode::kWritesSuspended) r.SetHeader("Retry-After", "30");
  return r;
}

Response& Response::SetHeader(std::string name, std::string value) {
  for (auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) {
      h.value = std::move(value);
      return *this;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

const std::string* Response::FindHeader(std::string_view name) const {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h.value;
  }
  return nullptr;
}

}  // namespace assure::api::http
