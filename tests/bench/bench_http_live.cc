// assure-bench-http's live phase: N WebSocket subscribers (the token in an
// Authorization header) subscribed to the group from "now"; for each of A appends (one at a
// time, spaced), the time from the HTTP response (the append's
// acknowledgement) to receipt by every subscriber: p50 / p99 / max over all
// pairs.
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_http_phases.h"
#include "tests/bench/http_harness.h"

namespace assure::bench::http_load {

namespace {

namespace ws = beast::websocket;

struct Subscriber : std::enable_shared_from_this<Subscriber> {
  Subscriber(net::io_context& io, int idx) : ws_(io), index(idx) {}
  ws::stream<tcp::socket> ws_;
  beast::flat_buffer buf;
  int index;
  bool subscribed = false;
  bool failed = false;
  std::vector<Wall::time_point> events;  // receipt time of each event message
  std::vector<std::uint64_t> positions;  // only for subscriber 0 (checked)
};

struct LiveState {
  net::io_context io;
  std::uint16_t port = 0;
  std::string target, authorization, subscribe_msg;
  std::vector<std::shared_ptr<Subscriber>> subs;
  int next = 0, in_flight = 0, max_in_flight = 64;
  std::atomic<int> subscribed{0}, failed{0};

  void Fail(Subscriber& s, const std::string& why) {
    if (!s.failed) {
      s.failed = true;
      ++failed;
      if (failed.load() <= 3) std::fprintf(stderr, "subscriber %d: %s\n", s.index, why.c_str());
    }
  }

  void OpenMore() {
    while (in_flight < max_in_flight && next < static_cast<int>(subs.size())) {
      ++in_flight;
      auto s = subs[next++];
      s->ws_.next_layer().async_connect(
          tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [this, s](beast::error_code ec) {
            if (ec) return Done(*s, "connect: " + ec.message());
            s->ws_.next_layer().set_option(tcp::no_delay(true));
            s->ws_.set_option(ws::stream_base::decorator(
                [auth = authorization](ws::request_type& r) { r.set(beast::http::field::authorization, auth); }));
            s->ws_.async_handshake("127.0.0.1", target, [this, s](beast::error_code ec) {
              if (ec) return Done(*s, "handshake: " + ec.message());
              s->ws_.text(true);
              s->ws_.async_write(net::buffer(subscribe_msg), [this, s](beast::error_code ec, std::size_t) {
                if (ec) return Done(*s, "subscribe: " + ec.message());
                Read(s);
              });
            });
          });
    }
  }
  void Done(Subscriber& s, const std::string& err) {
    Fail(s, err);
    --in_flight;
    OpenMore();
  }
  void Read(std::shared_ptr<Subscriber> s) {
    s->ws_.async_read(s->buf, [this, s](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!s->subscribed) return Done(*s, "read: " + ec.message());
        if (ec != net::error::operation_aborted && ec != ws::error::closed) Fail(*s, "read: " + ec.message());
        return;
      }
      auto now = Wall::now();
      std::string_view msg(static_cast<const char*>(s->buf.data().data()), s->buf.size());
      if (msg.find("\"type\":\"event\"") != std::string_view::npos) {
        s->events.push_back(now);
        if (s->index == 0) {
          json j = json::parse(msg, nullptr, false);
          s->positions.push_back(j.is_object() ? j.value("position", std::uint64_t{0}) : 0);
        }
      } else if (!s->subscribed && msg.find("\"type\":\"subscribed\"") != std::string_view::npos) {
        s->subscribed = true;
        ++subscribed;
        --in_flight;
        OpenMore();
      } else if (msg.find("\"type\":\"error\"") != std::string_view::npos ||
                 msg.find("\"type\":\"overflow\"") != std::string_view::npos) {
        if (!s->subscribed) return Done(*s, std::string(msg));
        Fail(*s, std::string(msg));
      }
      s->buf.consume(s->buf.size());
      Read(s);
    });
  }
  void CloseAll() {
    for (auto& s : subs) {
      beast::error_code ec;
      s->ws_.next_layer().close(ec);
    }
  }
};

}  // namespace

void RunLiveFeed(const Options& o, const Server& s, const std::string& group, const std::string& deliverable) {
  const int subscribers = o.subscribers, appends = o.appends, spacing_ms = o.spacing_ms;
  const std::uint16_t port = s.port;
  const std::string& token = s.admin;
  LiveState live;
  live.port = port;
  live.target = "/api/v1/live";
  live.authorization = "Bearer " + token;
  live.subscribe_msg = json{{"type", "subscribe"}, {"from", "now"}, {"filter", {{"group_id", group}}}}.dump();
  for (int i = 0; i < subscribers; ++i) live.subs.push_back(std::make_shared<Subscriber>(live.io, i));
  auto work = net::make_work_guard(live.io);
  std::thread io_thread([&] { live.io.run(); });
  auto open_start = Wall::now();
  net::post(live.io, [&] { live.OpenMore(); });
  while (live.subscribed.load() + live.failed.load() < subscribers &&
         Wall::now() - open_start < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double open_s = std::chrono::duration<double>(Wall::now() - open_start).count();
  std::printf("\nLive feed: %d of %d subscribers subscribed in %.1f s (%d failed); %d appends, %d ms apart\n",
              live.subscribed.load(), subscribers, open_s, live.failed.load(), appends, spacing_ms);
  std::vector<Wall::time_point> acks;
  std::vector<std::uint64_t> ack_positions;
  {
    Conn c(port, token);
    const std::string target = "/api/v1/deliverables/" + deliverable + "/change-ragb";
    for (int i = 0; i < appends; ++i) {
      auto [st, b] = c.Do(http::verb::post, target, json{{"ragb", kRagb[(i + 1) % 3]}, {"reason", "live change " + std::to_string(i)}}.dump());
      auto t = Wall::now();
      if (st < 200 || st >= 300) Die("live append -> " + std::to_string(st) + " " + b);
      acks.push_back(t);
      ack_positions.push_back(json::parse(b).value("position", std::uint64_t{0}));
      std::this_thread::sleep_for(std::chrono::milliseconds(spacing_ms));
    }
  }
  // Let the last deliveries arrive (up to 10 s).
  auto wait_start = Wall::now();
  auto all_in = [&] {
    std::promise<bool> p;
    auto f = p.get_future();
    net::post(live.io, [&] {
      bool ok = true;
      for (auto& s : live.subs) {
        if (s->subscribed && !s->failed && s->events.size() < acks.size()) ok = false;
      }
      p.set_value(ok);
    });
    return f.get();
  };
  while (!all_in() && Wall::now() - wait_start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  net::post(live.io, [&] { live.CloseAll(); });
  work.reset();
  live.io.stop();
  io_thread.join();

  std::vector<double> lat_ms;
  std::uint64_t missing = 0, early = 0, extra = 0;
  int receivers = 0;
  for (auto& s : live.subs) {
    if (!s->subscribed) continue;
    ++receivers;
    if (s->events.size() > acks.size()) extra += s->events.size() - acks.size();
    for (std::size_t k = 0; k < acks.size(); ++k) {
      if (k >= s->events.size()) {
        ++missing;
        continue;
      }
      double ms = std::chrono::duration<double, std::milli>(s->events[k] - acks[k]).count();
      if (ms < 0) ++early;
      lat_ms.push_back(std::max(ms, 0.0));
    }
  }
  bool positions_ok = !live.subs.empty() && live.subs[0]->positions == ack_positions;
  std::sort(lat_ms.begin(), lat_ms.end());
  std::printf("%-34s %8s %8s %8s %10s %8s\n", "append ack -> receipt (ms)", "p50", "p99", "max", "pairs",
              "missing");
  std::printf("%-34s %8.2f %8.2f %8.2f %10zu %8llu\n", "every subscriber", Pct(lat_ms, 0.5),
              Pct(lat_ms, 0.99), Pct(lat_ms, 1.0), lat_ms.size(), static_cast<unsigned long long>(missing));
  std::printf("(%d receiving subscribers; %llu deliveries arrived before the HTTP ack, counted as 0 ms;\n"
              " %llu unexpected extra events; subscriber 0's positions %s the acknowledged positions)\n",
              receivers, static_cast<unsigned long long>(early), static_cast<unsigned long long>(extra),
              positions_ok ? "match" : "DO NOT match");

}

}  // namespace assure::bench::http_load
