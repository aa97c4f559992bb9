// The live feed: subscriptions with replay-then-live, filters and meeting
// presence (protocol: api/live/PROTOCOL.md).
//
// How "no gap, no duplicate" holds: a fan-out thread takes committed events
// from the store's listener (so writers never wait for subscribers) and, under
// the hub's lock, sends each to every live subscriber whose filter matches and
// whose next position it is at or past, then records it as published. A new
// subscriber first replays from the log on the worker pool, up to the last
// published position, and is switched to live under that same lock only once
// its next position is past everything published; until then the fan-out skips
// it. Each subscriber's `next` only grows, so nothing is sent twice.
//
// Thread safety: LiveFeed callbacks come from I/O strands, the fan-out runs on
// its own thread, replays on the worker pool; all shared state is under mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "api/core/projection_runner.h"
#include "api/http/live_feed.h"
#include "api/queries/network_model.h"
#include "storage/event_store.h"

namespace assure::api::live {

struct LiveHubOptions {
  // Events a replay reads per step. Default 256.
  std::size_t replay_batch = 256;
  // A replay waits while the client has more than this many messages queued.
  // Default 256. At most replay_max_pending + replay_batch replayed messages
  // are ever queued for a client: keep that well below the connection's
  // queue limit, or a client reading as fast as it can is cut off.
  std::size_t replay_max_pending = 256;
  // Committed events waiting for fan-out before the hub drops every live
  // subscriber with an overflow (they resume by position). Default 100,000.
  std::size_t max_backlog = 100000;

  // The smallest per-connection queue limit a replay can work with.
  static constexpr std::size_t kMinQueueLimit = 16;
  // Replay pacing for connections that queue at most `queue_limit` messages
  // (>= kMinQueueLimit): pages of a quarter of the limit, sent while at most
  // a quarter is pending, so replayed messages fill at most half the queue
  // and the rest is left for live messages (subscribed, caught_up, presence).
  static LiveHubOptions ForQueueLimit(std::size_t queue_limit);
};

class LiveHub final : public http::LiveFeed, public std::enable_shared_from_this<LiveHub> {
 public:
  using PostWork = std::function<bool(std::function<void()>)>;
  LiveHub(std::shared_ptr<storage::EventStore> store, std::shared_ptr<ProjectionRunner> runner,
          std::shared_ptr<NetworkProjection> network, PostWork post_work,
          LiveHubOptions options = {});
  ~LiveHub() override;

  // Subscribes to the store (after the projection runner, so entity states
  // are current) and starts the fan-out thread.
  void Start();
  void Stop();

  void OnOpen(std::shared_ptr<http::LiveClient> client) override;
  void OnMessage(const std::shared_ptr<http::LiveClient>& client, std::string_view text) override;
  void OnClose(const std::shared_ptr<http::LiveClient>& client) override;

  std::size_t clients() const;
  // Committed events waiting for the fan-out thread, and how many times the
  // hub fell more than max_backlog behind and dropped its live subscribers
  // (for metrics).
  std::size_t backlog() const;
  std::uint64_t backlog_overflows() const { return backlog_overflows_.load(std::memory_order_relaxed); }

  struct Filter {
    bool all = true;
    std::string group_id;    // group or meeting filter: events of this group
    std::string meeting_id;  // meeting filter (presence)
    std::string stream_id;   // one entity's stream
  };
  // The `filter` of a subscribe message (PROTOCOL.md): null or {} is
  // everything; otherwise exactly one known key. kInvalidArgument with the
  // message the client is sent. A meeting filter's group_id is left empty
  // (the caller looks the meeting up).
  static Result<Filter> ParseFilter(const nlohmann::json& filter);

  // An event ready to send: its group (for filters) and its message.
  struct Prepared {
    std::uint64_t position = 0;
    std::string stream_id;
    std::string group_id;
    std::string also_group_id;  // a second group it concerns (an escalation's group below)
    std::shared_ptr<const std::string> message;
  };

 private:
  struct Client {
    std::weak_ptr<http::LiveClient> client;
    std::string name;
    std::string role;
    bool subscribed = false;
    bool live = false;
    Filter filter;
    std::uint64_t next = 1;        // the next position this client needs
    std::uint64_t generation = 0;  // bumped by each subscribe: stale replays stop
  };

  void OnCommitted(const std::vector<storage::RecordedEvent>& events);
  void FanOutLoop();
  void Replay(std::uint64_t client_id, std::uint64_t generation);
  // With render=false, only what matching needs (position, stream, group);
  // the message is rendered later by Render, when a client wants it.
  std::vector<Prepared> Prepare(const std::vector<storage::RecordedEvent>& events, bool render = true);
  std::shared_ptr<const std::string> Render(const storage::RecordedEvent& e);
  static bool Matches(const Filter& f, const Prepared& p);
  // Sends presence to the meeting's subscribers. Caller holds mu_.
  void PresenceLocked(const std::string& meeting_id);

  std::shared_ptr<storage::EventStore> store_;
  std::shared_ptr<ProjectionRunner> runner_;
  std::shared_ptr<NetworkProjection> network_;
  PostWork post_work_;
  LiveHubOptions options_;

  mutable std::mutex mu_;  // clients_, published_
  std::map<std::uint64_t, Client> clients_;
  std::uint64_t published_ = 0;

  mutable std::mutex queue_mu_;  // backlog_, stop_
  std::condition_variable queue_cv_;
  std::deque<storage::RecordedEvent> backlog_;
  bool stop_ = false;
  std::thread fanout_;
  std::uint64_t subscription_ = 0;
  std::atomic<std::uint64_t> backlog_overflows_{0};
};

}  // namespace assure::api::live
