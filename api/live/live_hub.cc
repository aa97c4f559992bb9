#include "api/live/live_hub.h"

#include <pthread.h>

#include <chrono>

#include "api/auth/token_codec.h"
#include "api/core/history.h"
#include "api/live/entity_state.h"
#include "domain/json_read.h"
#include "domain/json_text.h"
#include "domain/calendar.h"

namespace assure::api::live {

namespace {

std::shared_ptr<const std::string> Message(const nlohmann::json& j) {
  return std::make_shared<const std::string>(j.dump());
}

nlohmann::json ErrorMessage(std::string detail) {
  return {{"type", "error"}, {"detail", std::move(detail)}};
}

}  // namespace

LiveHubOptions LiveHubOptions::ForQueueLimit(std::size_t queue_limit) {
  LiveHubOptions o;
  const std::size_t quarter = std::max(queue_limit, kMinQueueLimit) / 4;
  o.replay_batch = quarter;
  o.replay_max_pending = quarter;
  return o;
}

LiveHub::LiveHub(std::shared_ptr<storage::EventStore> store, std::shared_ptr<ProjectionRunner> runner,
                 std::shared_ptr<NetworkProjection> network, PostWork post_work,
                 LiveHubOptions options)
    : store_(std::move(store)),
      runner_(std::move(runner)),
      network_(std::move(network)),
      post_work_(std::move(post_work)),
      options_(options) {}

LiveHub::~LiveHub() { Stop(); }

void LiveHub::Start() {
  {
    std::lock_guard l(mu_);
    published_ = store_->Head().position;
  }
  subscription_ = store_->Subscribe(
      [this](const std::vector<storage::RecordedEvent>& events) { OnCommitted(events); });
  fanout_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "assure-fanout");
    FanOutLoop();
  });
}

void LiveHub::Stop() {
  if (subscription_) {
    store_->Unsubscribe(subscription_);
    subscription_ = 0;
  }
  {
    std::lock_guard l(queue_mu_);
    stop_ = true;
  }
  queue_cv_.notify_all();
  if (fanout_.joinable()) fanout_.join();
}

std::size_t LiveHub::backlog() const {
  std::lock_guard l(queue_mu_);
  return backlog_.size();
}

std::size_t LiveHub::clients() const {
  std::lock_guard l(mu_);
  return clients_.size();
}

void LiveHub::OnCommitted(const std::vector<storage::RecordedEvent>& events) {
  // On the committing thread: only enqueue.
  {
    std::lock_guard l(queue_mu_);
    backlog_.insert(backlog_.end(), events.begin(), events.end());
  }
  queue_cv_.notify_one();
}

namespace {

std::shared_ptr<const std::string> RenderEvent(const NetworkModel& m, const storage::RecordedEvent& e) {
  // Token lifecycle events (names, roles, secret hashes) are for admins, who
  // read them from /api/v1/events; the feed says only that they happened.
  const bool redacted = e.stream_id.starts_with(auth::kTokenStreamPrefix);
  auto data = redacted ? nlohmann::json{{"redacted", "token lifecycle events are shown to admins only"}}
                       : ReadableData(e);  // personal fields decrypted, or shown erased
  nlohmann::json msg = {{"type", "event"},
                        {"position", e.position},
                        {"stream_id", e.stream_id},
                        {"stream_version", e.stream_version},
                        {"event_type", e.type},
                        {"recorded_at", domain::FormatTimestampUs(e.recorded_at_us)},
                        {"actor", e.metadata.actor},
                        {"actor_name", ActorNameIn(m, e.metadata.actor)},
                        {"reason", e.metadata.reason},
                        {"data", data.is_discarded() ? nlohmann::json::object() : data},
                        {"entity", EntityState(m, e.stream_id, e.position)}};
  return Message(msg);
}

}  // namespace

std::vector<LiveHub::Prepared> LiveHub::Prepare(const std::vector<storage::RecordedEvent>& events,
                                                bool render) {
  std::vector<Prepared> out;
  out.reserve(events.size());
  auto lock = runner_->ReadLock();
  const NetworkModel& m = network_->model();
  for (const auto& e : events) {
    Prepared p;
    p.position = e.position;
    p.stream_id = e.stream_id;
    p.group_id = GroupOfStream(m, e.stream_id);
    p.also_group_id = AlsoGroupOfStream(m, e.stream_id);
    if (render) p.message = RenderEvent(m, e);
    out.push_back(std::move(p));
  }
  return out;
}

std::shared_ptr<const std::string> LiveHub::Render(const storage::RecordedEvent& e) {
  auto lock = runner_->ReadLock();
  return RenderEvent(network_->model(), e);
}

bool LiveHub::Matches(const Filter& f, const Prepared& p) {
  if (f.all) return true;
  if (!f.stream_id.empty()) return p.stream_id == f.stream_id;
  return !f.group_id.empty() && (p.group_id == f.group_id || p.also_group_id == f.group_id);
}

void LiveHub::FanOutLoop() {
  for (;;) {
    std::vector<storage::RecordedEvent> batch;
    {
      std::unique_lock l(queue_mu_);
      queue_cv_.wait(l, [&] { return stop_ || !backlog_.empty(); });
      if (stop_) return;
      const bool overflow = backlog_.size() > options_.max_backlog;
      std::size_t n = std::min<std::size_t>(backlog_.size(), 1024);
      batch.assign(std::make_move_iterator(backlog_.begin()),
                   std::make_move_iterator(backlog_.begin() + static_cast<long>(n)));
      backlog_.erase(backlog_.begin(), backlog_.begin() + static_cast<long>(n));
      if (overflow) {
        backlog_overflows_.fetch_add(1, std::memory_order_relaxed);
        // Far behind: tell every live subscriber to resume by position.
        std::lock_guard h(mu_);
        for (auto& [id, c] : clients_) {
          if (auto client = c.client.lock(); client && c.live) {
            client->Send(Message({{"type", "overflow"},
                                  {"reason", "the server fell behind; reconnect and resume from "
                                             "the last position seen"},
                                  {"queue_limit", nullptr}}));
            client->CloseWith(http::kCloseTryAgainLater, "server fell behind");
          }
        }
      }
    }
    // Rendering a message costs a JSON parse and the entity's state: only
    // when someone has subscribed (a client subscribing meanwhile gets it
    // rendered below, when it matches).
    bool anyone = false;
    {
      std::lock_guard l(mu_);
      for (const auto& [id, c] : clients_) anyone = anyone || c.subscribed;
    }
    auto prepared = Prepare(batch, anyone);
    std::lock_guard l(mu_);
    for (std::size_t i = 0; i < prepared.size(); ++i) {
      auto& p = prepared[i];
      for (auto& [id, c] : clients_) {
        if (!c.live || p.position < c.next) continue;
        if (Matches(c.filter, p)) {
          // Lock order mu_ -> runner lock is safe: no holder of the runner
          // lock ever waits for mu_.
          if (!p.message) p.message = Render(batch[i]);
          if (auto client = c.client.lock()) client->Send(p.message);
        }
        c.next = p.position + 1;
      }
      published_ = std::max(published_, p.position);
    }
  }
}

void LiveHub::OnOpen(std::shared_ptr<http::LiveClient> client) {
  std::lock_guard l(mu_);
  Client c;
  c.client = client;
  c.name = client->principal().name;
  c.role = std::string(auth::RoleName(client->principal().role));
  clients_[client->id()] = std::move(c);
}

void LiveHub::OnClose(const std::shared_ptr<http::LiveClient>& client) {
  std::lock_guard l(mu_);
  auto it = clients_.find(client->id());
  if (it == clients_.end()) return;
  std::string meeting = it->second.filter.meeting_id;
  clients_.erase(it);
  if (!meeting.empty()) PresenceLocked(meeting);
}

Result<LiveHub::Filter> LiveHub::ParseFilter(const nlohmann::json& filter) {
  static constexpr const char* kKeys =
      "all (true), group_id, meeting_id, deliverable_id or document_id";
  Filter f;
  if (filter.is_null()) return f;
  if (!filter.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("filter is an object with exactly one of ") + kKeys);
  }
  if (filter.empty()) return f;
  std::string keys;
  for (auto it = filter.begin(); it != filter.end(); ++it) {
    const std::string& k = it.key();
    if (k != "all" && k != "group_id" && k != "meeting_id" && k != "deliverable_id" &&
        k != "document_id") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown filter key '" + k + "'; a filter has exactly one of " + kKeys);
    }
    keys += (keys.empty() ? "" : ", ") + k;
  }
  if (filter.size() > 1) {
    return MakeError(ErrorCode::kInvalidArgument, "a filter has exactly one key; got " + keys);
  }
  const std::string& key = filter.begin().key();
  const nlohmann::json& value = filter.begin().value();
  if (key == "all") {
    if (!value.is_boolean() || !value.get<bool>()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "filter {\"all\": ...} must be true (omit the filter for everything)");
    }
    return f;
  }
  if (!value.is_string() || value.get<std::string>().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "filter " + key + " must be a non-empty string");
  }
  const std::string id = value.get<std::string>();
  f.all = false;
  if (key == "group_id") {
    f.group_id = id;
  } else if (key == "meeting_id") {
    f.meeting_id = id;  // group_id is the meeting's, set by the caller
  } else if (key == "deliverable_id") {
    f.stream_id = domain::StreamId("deliverable", id);
  } else {
    f.stream_id = domain::StreamId("controlled_document", id);
  }
  return f;
}

void LiveHub::OnMessage(const std::shared_ptr<http::LiveClient>& client, std::string_view text) {
  auto j = domain::ParseJsonText(text);
  if (j.is_discarded() || !j.is_object() || domain::GetStr(j, "type") != "subscribe") {
    client->Send(Message(ErrorMessage("send {\"type\":\"subscribe\",\"from\":N|\"now\",\"filter\":{...}}")));
    return;
  }
  auto parsed = ParseFilter(domain::GetMember(j, "filter"));
  if (!parsed.ok()) {
    client->Send(Message(ErrorMessage(parsed.error().message)));
    return;
  }
  Filter f = std::move(parsed).value();
  if (!f.meeting_id.empty()) {
    auto lock = runner_->ReadLock();
    auto meeting = network_->model().meetings.Find(f.meeting_id);
    if (!meeting) {
      client->Send(Message(ErrorMessage("no meeting '" + f.meeting_id + "'")));
      return;
    }
    f.group_id = meeting->group_id;
  }
  const nlohmann::json& from = domain::GetMember(j, "from");
  std::optional<std::uint64_t> start;
  if (from.is_number_unsigned() || (from.is_number_integer() && from.get<std::int64_t>() >= 0)) {
    start = std::max<std::uint64_t>(1, from.get<std::uint64_t>());
  } else if (!from.is_null() && !(from.is_string() && from.get<std::string>() == "now")) {
    client->Send(Message(ErrorMessage("from is a position (a whole number) or \"now\"")));
    return;
  }

  std::uint64_t generation = 0;
  {
    std::lock_guard l(mu_);
    auto it = clients_.find(client->id());
    if (it == clients_.end()) return;
    Client& c = it->second;
    std::string old_meeting = c.filter.meeting_id;
    c.filter = f;
    c.subscribed = true;
    generation = ++c.generation;
    c.next = start.value_or(published_ + 1);
    c.live = false;
    client->Send(Message({{"type", "subscribed"}, {"from", c.next}, {"head", store_->Head().position}}));
    if (!old_meeting.empty() && old_meeting != f.meeting_id) PresenceLocked(old_meeting);
    if (!f.meeting_id.empty()) PresenceLocked(f.meeting_id);
  }
  auto self = shared_from_this();
  const std::uint64_t id = client->id();
  if (!post_work_([self, id, generation] { self->Replay(id, generation); })) {
    client->Send(Message(ErrorMessage("the server is busy; subscribe again shortly")));
  }
}

void LiveHub::Replay(std::uint64_t client_id, std::uint64_t generation) {
  for (int step = 0;; ++step) {
    std::uint64_t from, target;
    std::shared_ptr<http::LiveClient> client;
    Filter filter;
    {
      std::lock_guard l(mu_);
      auto it = clients_.find(client_id);
      if (it == clients_.end() || it->second.generation != generation) return;
      client = it->second.client.lock();
      if (!client) return;
      Client& c = it->second;
      from = c.next;
      target = published_;
      filter = c.filter;
      if (from > target) {
        // Everything published has been sent: from here the fan-out delivers.
        c.live = true;
        client->Send(Message({{"type", "caught_up"}, {"position", from - 1}}));
        return;
      }
    }
    // Pace the replay to what the connection drains.
    for (int wait = 0; client->pending() > options_.replay_max_pending && wait < 2000; ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    storage::ReadAllFilter rf;
    if (!filter.stream_id.empty()) rf.stream_prefix = filter.stream_id;
    auto page = store_->ReadAll(from, options_.replay_batch, rf);
    if (!page.ok()) {
      client->Send(Message(ErrorMessage("replay failed: " + page.error().message)));
      client->Close("replay failed");
      return;
    }
    std::vector<storage::RecordedEvent> events;
    for (auto& e : page->events) {
      if (e.position > target) break;
      events.push_back(std::move(e));
    }
    auto prepared = Prepare(events);
    std::lock_guard l(mu_);
    auto it = clients_.find(client_id);
    if (it == clients_.end() || it->second.generation != generation) return;
    Client& c = it->second;
    for (const auto& p : prepared) {
      if (p.position < c.next) continue;
      if (Matches(c.filter, p)) client->Send(p.message);
      c.next = p.position + 1;
    }
    // Filtered reads may skip non-matching positions: advance past them.
    c.next = std::max(c.next, std::min(page->next_position, target + 1));
  }
}

void LiveHub::PresenceLocked(const std::string& meeting_id) {
  nlohmann::json connected = nlohmann::json::array();
  std::vector<std::shared_ptr<http::LiveClient>> members;
  for (auto& [id, c] : clients_) {
    if (c.filter.meeting_id != meeting_id) continue;
    connected.push_back({{"client_id", id}, {"name", c.name}, {"role", c.role}});
    if (auto client = c.client.lock()) members.push_back(client);
  }
  auto msg = Message({{"type", "presence"}, {"meeting_id", meeting_id}, {"connected", connected}});
  for (auto& m : members) m->Send(msg);
}

}  // namespace assure::api::live
