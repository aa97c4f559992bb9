// The REST test harness: a real `assure serve` assembly (an Application over
// a RocksDB store in a fresh temp directory, server::InstallRoutes, a Server
// on 127.0.0.1:<free port>) with a settable clock and a token for every kind
// of caller, plus small client helpers over real loopback sockets.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/application.h"
#include "server/server.h"
#include "storage/backend.h"
#include "tests/server/test_client.h"
#include "tests/server/test_server.h"

namespace assure::rest_test {

using server::testing::Headers;
using server::testing::HttpReply;
using server::testing::ManualClock;
using json = nlohmann::json;

// Small limits so 413 is cheap to provoke; no rate limit to speak of.
server::ServerConfig RestConfig();

// Every kind of caller the tests use.
struct Tokens {
  std::string admin, editor, secretary, viewer, assessor;
  std::string scoped_editor;  // editor restricted to one group (RestServer::ScopeEditorTo)
  std::string expired;        // an editor token whose expiry has passed
  std::string revoked;        // an editor token that was revoked
  std::string unknown;        // well-formed, never issued
};

class RestServer {
 public:
  // `dir` empty: a fresh temp directory; else a store directory left by
  // another RestServer's KeepDir() (a restart). The directory is deleted
  // with the server unless KeepDir() was called.
  // `wrap`, when given, wraps the RocksDB backend under the store (e.g. in a
  // storage::FaultBackend that a test makes fail).
  using BackendWrapper =
      std::function<std::unique_ptr<storage::Backend>(std::unique_ptr<storage::Backend>)>;
  explicit RestServer(server::ServerConfig config = RestConfig(), std::filesystem::path dir = {},
                      BackendWrapper wrap = {});
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  server::Application& app() { return *app_; }
  storage::EventStore& store() { return *store_; }
  ManualClock& clock() { return *clock_; }
  const Tokens& tokens() const { return tokens_; }
  // Issues tokens().scoped_editor: an editor token restricted to `group_id`.
  void ScopeEditorTo(const std::string& group_id);
  // The store's head position (every appended event moves it).
  std::uint64_t Head() const { return store_->Head().position; }
  // Keeps the store directory after this server is destroyed; returns it.
  std::filesystem::path KeepDir() {
    keep_dir_ = true;
    return dir_;
  }

 private:
  std::string Issue(auth::Role role, std::optional<std::string> group,
                    std::optional<std::int64_t> expires_at_us);

  std::filesystem::path dir_;
  bool keep_dir_ = false;
  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<storage::EventStore> store_;
  std::unique_ptr<server::Application> app_;
  std::unique_ptr<server::Server> server_;
  Tokens tokens_;
};

// A request over a fresh loopback connection. `token` empty: no Authorization.
HttpReply Send(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& token, const std::string& body = {}, Headers headers = {});

// Asserts an RFC 9457 problem+json body: media type, stable type URN, title,
// status equal to the HTTP status, a detail, and `field` when given.
::testing::AssertionResult IsProblem(const HttpReply& r, int status,
                                     const std::string& field = {});

// The base fixture: one server per test.
class RestTest : public ::testing::Test {
 public:
  void SetUp() override { server_ = std::make_unique<RestServer>(); }
  void TearDown() override { server_.reset(); }

  RestServer& srv() { return *server_; }
  const Tokens& tok() const { return server_->tokens(); }
  std::uint64_t Head() const { return server_->Head(); }

  HttpReply Get(const std::string& target, const std::string& token) {
    return Send(server_->port(), "GET", target, token);
  }
  HttpReply Get(const std::string& target) { return Get(target, tok().viewer); }
  HttpReply Post(const std::string& target, const json& body, const std::string& token,
                 Headers headers = {}) {
    return Send(server_->port(), "POST", target, token, body.dump(), std::move(headers));
  }
  // POSTs and expects `status`; returns the JSON answer.
  json Must(const std::string& target, const json& body, const std::string& token,
            int status = 200);
  // Creates an entity (201) and returns its id.
  std::string Create(const std::string& collection, const json& body, const std::string& token);

  std::unique_ptr<RestServer> server_;
};

// A small network built through the API with the admin token: an
// organisation, three people, two groups ("in", whose chair and member are
// appointed, and "out"), a programme and a deliverable in each, a QSIN
// statement. Then the scoped editor token is issued for group "in".
struct World {
  std::string org, chair, member, outsider;
  std::string group_in, group_out;
  std::string programme_in, programme_out;
  std::string deliverable_in, deliverable_out;
  std::string qsin_code;
};
World BuildWorld(RestTest& t);

// A RestTest whose server holds the World.
class RestWorldTest : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    w_ = BuildWorld(*this);
  }
  World w_;
};

// Runs fn(0) .. fn(n - 1) on n threads at once and waits for them.
void InParallel(int n, const std::function<void(int)>& fn);

}  // namespace assure::rest_test
