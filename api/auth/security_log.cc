#include "api/auth/security_log.h"

#include <charconv>
#include <cstdio>
#include <utility>

#include "api/auth/iso_time.h"
#include "domain/json_text.h"

namespace assure::auth {

namespace {

constexpr const char* kPrefix = "security/";
constexpr const char* kNextKey = "security-meta/next";

std::string Key(std::uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "security/%020llu", static_cast<unsigned long long>(seq));
  return buf;
}

}  // namespace

nlohmann::json SecurityEvent::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  j["seq"] = seq;
  j["at"] = FormatIsoUtc(at_us);
  j["at_us"] = at_us;
  j["kind"] = kind;
  j["token_id"] = token_id;
  j["role"] = role;
  j["client_ip"] = client_ip;
  j["method"] = method;
  j["path"] = path;
  j["status"] = status;
  j["detail"] = detail;
  j["correlation_id"] = correlation_id;
  return j;
}

SecurityEvent SecurityEvent::FromJson(const nlohmann::json& j) {
  SecurityEvent e;
  if (!j.is_object()) return e;
  e.seq = j.value("seq", std::uint64_t{0});
  e.at_us = j.value("at_us", std::int64_t{0});
  e.kind = j.value("kind", "");
  e.token_id = j.value("token_id", "");
  e.role = j.value("role", "");
  e.client_ip = j.value("client_ip", "");
  e.method = j.value("method", "");
  e.path = j.value("path", "");
  e.status = j.value("status", 0);
  e.detail = j.value("detail", "");
  e.correlation_id = j.value("correlation_id", "");
  return e;
}

SecurityLog::SecurityLog(storage::EventStore& store, std::shared_ptr<storage::Clock> clock)
    : store_(store), clock_(clock ? std::move(clock) : storage::SystemClock()) {}

Status SecurityLog::Open() {
  auto next = store_.GetState(kNextKey);
  if (!next.ok()) return std::move(next).error();
  std::lock_guard lock(mu_);
  next_seq_ = 1;
  if (next->has_value()) {
    const std::string& v = **next;
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n == 0) {
      return MakeError(ErrorCode::kCorruption, "security-meta/next is not a number");
    }
    next_seq_ = n;
  }
  return {};
}

Status SecurityLog::Record(SecurityEvent event) {
  std::lock_guard lock(mu_);
  event.seq = next_seq_;
  event.at_us = clock_->NowMicros();
  std::vector<storage::KeyValue> batch;
  batch.push_back({Key(event.seq), event.ToJson().dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace)});
  batch.push_back({kNextKey, std::to_string(event.seq + 1)});
  auto st = store_.PutState(batch);
  if (!st.ok()) return st;
  ++next_seq_;
  return {};
}

Result<std::vector<SecurityEvent>> SecurityLog::Read(std::uint64_t from_seq, std::size_t limit) {
  auto all = store_.ScanState(kPrefix);
  if (!all.ok()) return std::move(all).error();
  std::vector<SecurityEvent> out;
  const std::string from_key = Key(from_seq);
  for (const auto& kv : *all) {
    if (out.size() >= limit) break;
    if (kv.key < from_key) continue;
    auto j = domain::ParseJsonText(kv.value);
    if (j.is_discarded()) continue;
    out.push_back(SecurityEvent::FromJson(j));
  }
  return out;
}

}  // namespace assure::auth
