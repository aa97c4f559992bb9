#include "server/server.h"

#include <pthread.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <optional>

#include "api/auth/token_codec.h"
#include "server/listener.h"
#include "server/metrics_listener.h"
#include "server/server_context.h"
#include "server/systemd_notify.h"
#include "server/websocket_session.h"

namespace assure::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Open live-feed connections have their token re-checked this often (and
// whenever a token event is committed): an expiry is noticed within it.
constexpr std::chrono::milliseconds kTokenCheckInterval{1000};

struct Server::Impl {
  explicit Impl(Application& application)
      : app(application),
        ioc(application.config().io_threads),
        ctx(std::make_shared<ServerContext>(application)),
        drain_timer(ioc),
        token_strand(net::make_strand(ioc)),
        token_timer(token_strand) {}

  void BeginDrain();
  // Closes every live-feed connection whose token no longer authenticates
  // (4401) or whose role or scope changed (4403). On token_strand.
  void CheckTokens();
  void ScheduleTokenCheck();
  void PollDrain();
  void FinishDrain();
  void PollClosed();

  Application& app;
  net::io_context ioc;
  std::shared_ptr<ServerContext> ctx;
  std::shared_ptr<Listener> listener;
  std::shared_ptr<MetricsListener> metrics_listener;  // config metrics_listen
  std::optional<net::signal_set> signals;
  std::optional<net::signal_set> reload_signals;  // SIGHUP
  void AwaitReload();
  net::steady_timer drain_timer;
  net::strand<net::io_context::executor_type> token_strand;
  net::steady_timer token_timer;  // on token_strand
  std::uint64_t token_subscription = 0;
  std::vector<std::thread> threads;
  std::atomic<bool> shutdown_started{false};
  Clock::time_point deadline;
  std::mutex wait_mu;
  bool waited = false;
};

void Server::Impl::BeginDrain() {
  NotifySystemd("STOPPING=1");
  spdlog::info("shutting down: no new connections; {} request(s) in flight",
               ctx->in_flight.load());
  ctx->draining = true;
  if (listener) listener->Stop();
  if (metrics_listener) metrics_listener->Stop();
  if (signals) {
    boost::system::error_code ec;
    signals->cancel(ec);
  }
  if (reload_signals) {
    boost::system::error_code ec;
    reload_signals->cancel(ec);
  }
  deadline = Clock::now() + app.config().shutdown_timeout;
  net::post(token_strand, [this] { token_timer.cancel(); });
  PollDrain();
}

void Server::Impl::CheckTokens() {
  for (auto& client : ctx->websockets.Members()) {
    Status st = app.authorizer().Recheck(client->principal());
    if (st.ok()) continue;
    auto ws = std::dynamic_pointer_cast<WebSocketSession>(client);
    if (!ws) continue;
    const std::uint16_t code = st.error().code == ErrorCode::kForbidden
                                   ? api::http::kCloseTokenForbidden
                                   : api::http::kCloseTokenInvalid;
    spdlog::info("live client {} ({}) closed {}: {}", ws->id(), client->principal().token_id,
                 code, st.error().message);
    ws->CloseNow(code, st.error().message);
  }
}

void Server::Impl::ScheduleTokenCheck() {
  token_timer.expires_after(kTokenCheckInterval);
  token_timer.async_wait([this](boost::system::error_code ec) {
    if (ec || ctx->draining) return;
    CheckTokens();
    ScheduleTokenCheck();
  });
}

void Server::Impl::PollDrain() {
  if (ctx->in_flight.load() <= 0 || Clock::now() >= deadline) {
    FinishDrain();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) PollDrain();
  });
}

void Server::Impl::FinishDrain() {
  const auto left = ctx->in_flight.load();
  if (left > 0) {
    spdlog::warn("shutdown deadline passed with {} request(s) unanswered", left);
  }
  for (auto& client : ctx->websockets.Members()) {
    if (auto ws = std::dynamic_pointer_cast<WebSocketSession>(client)) {
      ws->CloseWith(static_cast<std::uint16_t>(1001), "server shutting down");
    }
  }
  for (auto& s : ctx->Sessions()) s->CloseGracefully();
  deadline = Clock::now() + std::max(app.config().write_timeout,
                                     app.config().ws_overflow_close_timeout);
  PollClosed();
}

void Server::Impl::PollClosed() {
  if (ctx->connections.load() == 0 || Clock::now() >= deadline) {
    spdlog::info("shutdown complete");
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) PollClosed();
  });
}

Server::Server(Application& app) : impl_(std::make_unique<Impl>(app)) {}

Server::~Server() {
  if (!impl_->threads.empty()) {
    Shutdown();
    Wait();
  }
}

Status Server::Start() {
  const auto& cfg = impl_->app.config();
  boost::system::error_code ec;
  auto address = net::ip::make_address(cfg.host, ec);
  tcp::endpoint endpoint;
  if (!ec) {
    endpoint = tcp::endpoint(address, cfg.port);
  } else {
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(cfg.host, std::to_string(cfg.port), ec);
    if (ec || results.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "cannot resolve listen host " + cfg.host);
    }
    endpoint = results.begin()->endpoint();
  }
  if (!cfg.tls_certificate.empty()) {
    auto tls = TlsContext::Load(cfg.tls_certificate, cfg.tls_private_key);
    if (!tls.ok()) return tls.error();
    impl_->ctx->tls = std::move(tls).value();
  }
  impl_->listener = std::make_shared<Listener>(impl_->ioc, impl_->ctx);
  ASSURE_TRY(impl_->listener->Open(endpoint));
  port_ = impl_->listener->local_endpoint().port();
  impl_->listener->Run();
  if (!cfg.metrics_listen.empty()) {
    auto metrics = MetricsListener::Start(impl_->ioc, impl_->app, cfg.metrics_listen);
    if (!metrics.ok()) return metrics.error();
    impl_->metrics_listener = std::move(metrics).value();
  }
  const int n = std::max(1, cfg.io_threads);
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([this] {
      pthread_setname_np(pthread_self(), "assure-io");
      while (true) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("I/O thread caught: {}", e.what());
        }
      }
    });
  }
  // A committed token event (a revocation) re-checks open connections at once.
  impl_->token_subscription =
      impl_->app.store().Subscribe([impl = impl_.get()](const std::vector<storage::RecordedEvent>& events) {
        for (const auto& e : events) {
          if (e.stream_id.starts_with(auth::kTokenStreamPrefix)) {
            net::post(impl->token_strand, [impl] { impl->CheckTokens(); });
            return;
          }
        }
      });
  net::post(impl_->token_strand, [impl = impl_.get()] { impl->ScheduleTokenCheck(); });
  spdlog::info("listening on {}:{}{}", endpoint.address().to_string(), port_,
               impl_->ctx->tls ? " (HTTPS and WSS only)" : "");
  // Tokens and personal data cross the network in clear beyond this machine.
  if (!endpoint.address().is_loopback() && !impl_->ctx->tls) {
    spdlog::warn("listening on {} without TLS: tokens and personal data would cross the network in clear; "
                 "set tls_certificate and tls_private_key, put a TLS-terminating reverse proxy in front "
                 "(README \"Running in a trust\") or listen on 127.0.0.1",
                 endpoint.address().to_string());
  }
  return {};
}

void Server::HandleSignals() {
  impl_->signals.emplace(impl_->ioc, SIGTERM, SIGINT);
  impl_->signals->async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {} received", sig);
    Shutdown();
  });
  impl_->reload_signals.emplace(impl_->ioc, SIGHUP);
  impl_->AwaitReload();
}

void Server::Impl::AwaitReload() {
  reload_signals->async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    spdlog::info("SIGHUP received: reloading the TLS certificate and key");
    if (ctx->tls) {
      Status st = ctx->tls->Reload();
      if (st.ok()) {
        spdlog::info("TLS certificate and key reloaded; new connections use them");
      } else {
        spdlog::error("{}; the previous certificate stays in use", st.error().message);
      }
    } else {
      spdlog::info("TLS is not configured: nothing to reload");
    }
    AwaitReload();
  });
}

Status Server::ReloadTls() {
  if (!impl_->ctx->tls) return MakeError(ErrorCode::kInvalidArgument, "TLS is not configured");
  return impl_->ctx->tls->Reload();
}

void Server::Shutdown() {
  if (impl_->shutdown_started.exchange(true)) return;
  net::post(impl_->ioc, [impl = impl_.get()] { impl->BeginDrain(); });
}

int Server::Wait() {
  std::lock_guard lock(impl_->wait_mu);
  if (impl_->waited) return 0;
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  if (impl_->token_subscription != 0) {
    impl_->app.store().Unsubscribe(impl_->token_subscription);
    impl_->token_subscription = 0;
  }
  // Writes still queued in the store answer through the dispatcher and may
  // queue security entries (written by the log's thread until the
  // Application stops it): let them finish first. Handlers
  // still running post to the I/O context: stop them before it goes, then
  // wait for the writes they queued.
  impl_->app.WaitForWrites();
  impl_->app.workers().Stop();
  impl_->app.WaitForWrites();
  impl_->waited = true;
  return 0;
}

std::int64_t Server::in_flight() const { return impl_->ctx->in_flight.load(); }
std::size_t Server::connections() const { return impl_->ctx->connections.load(); }
bool Server::draining() const { return impl_->ctx->draining.load(); }

}  // namespace assure::server
