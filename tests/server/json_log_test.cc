// The JSON log format (server/json_log_formatter.h): whatever a message
// holds - quotes, backslashes, newlines, control characters, non-ASCII,
// bytes that are not UTF-8 - it is one line holding one JSON object, and
// the request log line's fields come with it.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/json_log_formatter.h"

namespace assure::server {
namespace {

std::string LogOnce(const std::string& message, const RequestLogFields* fields = nullptr) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("json-test", sink);
  logger.set_formatter(std::make_unique<JsonLogFormatter>());
  if (fields != nullptr) {
    // A temporary, as Dispatcher::LogRequest passes them: the scope keeps a copy.
    ScopedRequestLogFields scoped(RequestLogFields{*fields});
    logger.warn("{}", message);
  } else {
    logger.warn("{}", message);
  }
  return out.str();
}

TEST(JsonLogTest, AnyMessageIsOneParseableJsonLine) {
  const std::string message = "say \"hi\" \\ back\\slash\nsecond line\r\t\x01 caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x99\x82";
  const std::string line = LogOnce(message);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j["msg"], message);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["logger"], "json-test");
  EXPECT_TRUE(j["thread"].is_number_unsigned());
  EXPECT_TRUE(std::regex_match(j["time"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << j["time"];
  EXPECT_FALSE(j.contains("method"));
}

TEST(JsonLogTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  const std::string line = LogOnce(std::string("bad \xff\xfe end"));
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j["msg"], "bad \xef\xbf\xbd\xef\xbf\xbd end");
}

TEST(JsonLogTest, TheRequestLineCarriesItsFieldsOnlyWhileScoped) {
  RequestLogFields f;
  f.method = "GET";
  f.path = "/api/v1/x?q=\"1\"";
  f.status = 404;
  f.duration_ms = 1.5;
  f.client_ip = "127.0.0.1";
  f.correlation_id = "abc";
  const auto j = nlohmann::json::parse(LogOnce("GET /api/v1/x 404", &f), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["path"], "/api/v1/x?q=\"1\"");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["duration_ms"], 1.5);
  EXPECT_EQ(j["client_ip"], "127.0.0.1");
  EXPECT_EQ(j["correlation_id"], "abc");
  // The next line, logged without them, has none.
  const auto next = nlohmann::json::parse(LogOnce("later"), nullptr, false);
  EXPECT_FALSE(next.contains("method"));
}

}  // namespace
}  // namespace assure::server
