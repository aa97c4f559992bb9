#include "api/auth/security_log.h"

#include <pthread.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <exception>
#include <cstdio>
#include <utility>

#include "domain/calendar.h"
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
  j["at"] = domain::FormatIsoSeconds(at_us);
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

SecurityLog::Slots::Slots(Slots&& other) noexcept : log_(other.log_), count_(other.count_) {
  other.log_ = nullptr;
  other.count_ = 0;
}

SecurityLog::Slots& SecurityLog::Slots::operator=(Slots&& other) noexcept {
  if (this != &other) {
    if (log_ && count_ > 0) log_->Release(count_);
    log_ = other.log_;
    count_ = other.count_;
    other.log_ = nullptr;
    other.count_ = 0;
  }
  return *this;
}

SecurityLog::Slots::~Slots() {
  if (log_ && count_ > 0) log_->Release(count_);
}

SecurityLog::SecurityLog(storage::EventStore& store, std::shared_ptr<storage::Clock> clock,
                         SecurityLogOptions options)
    : store_(store),
      clock_(clock ? std::move(clock) : storage::SystemClock()),
      options_(options) {}

SecurityLog::~SecurityLog() { Stop(); }

Status SecurityLog::Open() {
  auto next = store_.GetState(kNextKey);
  if (!next.ok()) return std::move(next).error();
  std::lock_guard lock(write_mu_);
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

void SecurityLog::Start() {
  std::lock_guard lock(mu_);
  if (running_ || writer_.joinable()) return;
  running_ = true;
  stopping_ = false;
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-seclog");
    try {
      WriterLoop();
    } catch (const std::exception& e) {
      // Not expected (writes report errors as values): from here entries are
      // written by whoever submits them.
      Report(std::string("security log: the writer thread stopped: ") + e.what());
      std::deque<Queued> left;
      {
        std::lock_guard lock(mu_);
        running_ = false;
        left.swap(queue_);
        used_ = 0;
      }
      room_cv_.notify_all();
      for (auto& q : left) {
        std::vector<Queued> one;
        one.push_back(std::move(q));
        Status st;
        {
          std::lock_guard w(write_mu_);
          st = WriteBatchLocked(one);
        }
        if (one[0].done) one[0].done->set_value(st);
      }
    }
  });
}

void SecurityLog::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!writer_.joinable()) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  room_cv_.notify_all();
  writer_.join();
}

std::optional<SecurityLog::Slots> SecurityLog::Reserve(std::size_t n,
                                                       std::chrono::milliseconds wait) {
  if (n == 0 || n > options_.queue_limit) return std::nullopt;
  std::unique_lock lock(mu_);
  // No writer (not started, or stopping): Submit writes synchronously.
  if (!running_ || stopping_) return Slots(nullptr, n);
  const bool room = room_cv_.wait_for(lock, wait, [&] {
    return stopping_ || used_ + n <= options_.queue_limit;
  });
  if (stopping_) return Slots(nullptr, n);
  if (!room) return std::nullopt;
  used_ += n;
  return Slots(this, n);
}

void SecurityLog::Release(std::size_t n) {
  {
    std::lock_guard lock(mu_);
    used_ -= std::min(used_, n);
  }
  room_cv_.notify_all();
}

void SecurityLog::Submit(Slots& slots, SecurityEvent event) {
  assert(slots.count_ > 0 && "SecurityLog::Submit without a reserved slot");
  const bool counted = slots.log_ != nullptr;
  if (slots.count_ > 0) --slots.count_;
  if (counted) {
    std::unique_lock lock(mu_);
    if (running_) {
      event.at_us = clock_->NowMicros();
      queue_.push_back({std::move(event), nullptr});
      lock.unlock();
      work_cv_.notify_one();
      return;
    }
  }
  // No writer: write here (the slot, if counted, is given back after).
  event.at_us = clock_->NowMicros();
  std::vector<Queued> one;
  one.push_back({std::move(event), nullptr});
  Status st;
  {
    std::lock_guard w(write_mu_);
    st = WriteBatchLocked(one);
  }
  if (!st.ok()) {
    Report("security log: an entry (" + one[0].event.kind +
           ") could not be written: " + st.error().message);
  }
  if (counted) Release(1);
}

Status SecurityLog::Record(SecurityEvent event) {
  auto slots = Reserve(1, std::chrono::seconds(10));
  if (!slots) {
    return MakeError(ErrorCode::kUnavailable, "the security log cannot be written at the moment");
  }
  if (slots->log_ != nullptr) {
    auto done = std::make_shared<std::promise<Status>>();
    auto result = done->get_future();
    {
      std::unique_lock lock(mu_);
      if (running_) {
        event.at_us = clock_->NowMicros();
        queue_.push_back({std::move(event), done});
        slots->count_ = 0;  // now the writer's to give back
        lock.unlock();
        work_cv_.notify_one();
        if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
          return MakeError(ErrorCode::kUnavailable,
                           "the security log cannot be written at the moment");
        }
        return result.get();
      }
    }
  }
  event.at_us = clock_->NowMicros();
  std::vector<Queued> one;
  one.push_back({std::move(event), nullptr});
  std::lock_guard w(write_mu_);
  return WriteBatchLocked(one);
}

Status SecurityLog::WriteBatchLocked(std::vector<Queued>& batch) {
  std::vector<storage::KeyValue> pairs;
  pairs.reserve(batch.size() + 1);
  std::uint64_t seq = next_seq_;
  for (auto& q : batch) {
    q.event.seq = seq++;
    pairs.push_back({Key(q.event.seq),
                     q.event.ToJson().dump(-1, ' ', false,
                                           nlohmann::json::error_handler_t::replace)});
  }
  pairs.push_back({kNextKey, std::to_string(seq)});
  Status st;
  try {
    st = store_.PutState(pairs);
  } catch (const std::exception& e) {
    st = MakeError(ErrorCode::kInternal, std::string("security log write threw: ") + e.what());
  }
  if (st.ok()) next_seq_ = seq;
  return st;
}

void SecurityLog::Report(const std::string& message) const {
  if (options_.report) {
    options_.report(message);
  } else {
    std::fprintf(stderr, "%s\n", message.c_str());
  }
}

void SecurityLog::WriterLoop() {
  for (;;) {
    std::vector<Queued> batch;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        running_ = false;  // stopping and drained: Submit writes inline from now
        return;
      }
      const std::size_t n = std::min(queue_.size(), std::max<std::size_t>(1, options_.batch_limit));
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status st;
    auto backoff = options_.retry_backoff;
    for (bool last_try = false;;) {
      {
        std::lock_guard w(write_mu_);
        st = WriteBatchLocked(batch);
      }
      if (st.ok()) break;
      if (last_try) {
        Report("security log: " + std::to_string(batch.size()) +
               " entries were not recorded (stopping): " + st.error().message);
        break;
      }
      Report("security log: writing " + std::to_string(batch.size()) +
             " entries failed: " + st.error().message +
             "; retrying (privileged requests wait or are refused meanwhile)");
      std::unique_lock lock(mu_);
      work_cv_.wait_for(lock, backoff, [&] { return stopping_; });
      last_try = stopping_;
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(1));
    }
    std::size_t counted = 0;
    for (auto& q : batch) {
      if (q.done) {
        q.done->set_value(st);
      }
      ++counted;
    }
    Release(counted);
  }
}

Result<std::vector<SecurityEvent>> SecurityLog::Read(std::uint64_t from_seq, std::size_t limit) {
  std::vector<SecurityEvent> out;
  if (limit == 0) return out;
  // From the first key at or after from_seq's, one entry at a time: a page
  // holds its own entries only, however long the log (anyone can lengthen
  // it by failing to authenticate).
  ASSURE_TRY(store_.VisitState(kPrefix, Key(from_seq), [&](std::string_view, std::string_view value) {
    auto j = domain::ParseJsonText(value);
    if (!j.is_discarded()) out.push_back(SecurityEvent::FromJson(j));
    return out.size() < limit;
  }));
  return out;
}

Result<std::size_t> SecurityLog::Prune(std::int64_t before_us) {
  std::vector<std::string> old;  // keys only: the values are read one at a time
  ASSURE_TRY(store_.VisitState(kPrefix, {}, [&](std::string_view key, std::string_view value) {
    auto j = domain::ParseJsonText(value);
    // An entry that does not read is kept: retention deletes only what it
    // can date.
    if (!j.is_discarded() && SecurityEvent::FromJson(j).at_us < before_us) old.emplace_back(key);
    return true;
  }));
  if (old.empty()) return std::size_t{0};
  ASSURE_TRY(store_.EraseState(old));
  return old.size();
}

}  // namespace assure::auth
