// The JSON log format (config log_format "json", `assure serve --log-format
// json`): one JSON object per line, for log shippers.
//
//   {"time":"2026-12-03T14:20:00.123Z","level":"info","logger":"requests",
//    "thread":4242,"msg":"GET /api/v1/groups 200 1.2ms ip=127.0.0.1 cid=ab12",
//    "method":"GET","path":"/api/v1/groups","status":200,"duration_ms":1.2,
//    "client_ip":"127.0.0.1","correlation_id":"ab12"}
//
// time: RFC 3339, UTC, milliseconds. level: spdlog's name (trace, debug,
// info, warning, error, critical). The request log line (one per request,
// Dispatcher::LogRequest) adds its fields, as the text line has them; other
// lines have the first five. Every string is JSON-escaped (quotes,
// backslashes, control characters; bytes that are not UTF-8 become U+FFFD),
// so a message can never break its line or the object.
//
// Thread safety: a formatter belongs to one sink, which calls it under its
// lock. RequestLogFields reach the formatter through the logging thread
// (a thread_local set while Dispatcher::LogRequest logs): sinks must format
// on the calling thread, as every sink `assure serve` installs does (no
// asynchronous logger).
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

namespace assure::server {

// The structured fields of the request log line.
struct RequestLogFields {
  std::string_view method;
  std::string_view path;  // redacted target, as in the text line
  int status = 0;
  double duration_ms = 0;
  std::string_view client_ip;
  std::string_view correlation_id;
};

// While alive, the line the current thread logs carries `fields` (JSON
// format only; the text format ignores them).
class ScopedRequestLogFields {
 public:
  // Copies `fields` (views: what they view must outlive this).
  explicit ScopedRequestLogFields(const RequestLogFields& fields);
  ~ScopedRequestLogFields();
  ScopedRequestLogFields(const ScopedRequestLogFields&) = delete;
  ScopedRequestLogFields& operator=(const ScopedRequestLogFields&) = delete;

 private:
  const RequestLogFields fields_;
  const RequestLogFields* previous_;
};

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Gives every registered logger (the default one included) the JSON
// formatter. Call after the loggers are registered.
void UseJsonLogFormat();

}  // namespace assure::server
