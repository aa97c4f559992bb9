#include "server/json_log_formatter.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

namespace assure::server {

namespace {

thread_local const RequestLogFields* current_request_fields = nullptr;

void Append(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

// A JSON string literal: escaped by nlohmann::json, invalid UTF-8 replaced.
void AppendString(spdlog::memory_buf_t& dest, std::string_view text) {
  Append(dest, nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void AppendField(spdlog::memory_buf_t& dest, std::string_view name) {
  Append(dest, ",\"");
  Append(dest, name);
  Append(dest, "\":");
}

// 2026-12-03T14:20:00.123Z
void AppendTime(spdlog::memory_buf_t& dest, std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                              static_cast<int>(((ms % 1000) + 1000) % 1000));
  Append(dest, std::string_view(buf, static_cast<std::size_t>(n)));
}

}  // namespace

ScopedRequestLogFields::ScopedRequestLogFields(const RequestLogFields& fields)
    : fields_(fields), previous_(current_request_fields) {
  current_request_fields = &fields_;
}

ScopedRequestLogFields::~ScopedRequestLogFields() { current_request_fields = previous_; }

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  Append(dest, "{\"time\":");
  AppendTime(dest, msg.time);
  AppendField(dest, "level");
  const auto level = spdlog::level::to_string_view(msg.level);
  AppendString(dest, std::string_view(level.data(), level.size()));
  AppendField(dest, "logger");
  AppendString(dest, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
  AppendField(dest, "thread");
  Append(dest, std::to_string(msg.thread_id));
  AppendField(dest, "msg");
  AppendString(dest, std::string_view(msg.payload.data(), msg.payload.size()));
  if (const RequestLogFields* f = current_request_fields) {
    AppendField(dest, "method");
    AppendString(dest, f->method);
    AppendField(dest, "path");
    AppendString(dest, f->path);
    AppendField(dest, "status");
    Append(dest, std::to_string(f->status));
    AppendField(dest, "duration_ms");
    Append(dest, nlohmann::json(f->duration_ms).dump());
    AppendField(dest, "client_ip");
    AppendString(dest, f->client_ip);
    AppendField(dest, "correlation_id");
    AppendString(dest, f->correlation_id);
  }
  Append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

void UseJsonLogFormat() {
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) {
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
  });
}

}  // namespace assure::server
