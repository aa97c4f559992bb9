// The Prometheus text format module (api/metrics) and the per-route request
// counters (api/http/request_metrics.h): escaping, values, histograms
// (cumulative buckets ending in +Inf, _sum, _count), the registry's
// handling of a failing collector, and bounded status labels.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/http/request_metrics.h"
#include "api/metrics/metric.h"
#include "api/metrics/registry.h"
#include "api/metrics/text_format.h"

namespace assure::api::metrics {
namespace {

TEST(MetricsTextTest, LabelValuesEscapeBackslashQuoteAndNewlineOnly) {
  EXPECT_EQ(EscapeLabelValue(R"(a"b\c)"
                             "\nd"),
            R"(a\"b\\c\nd)");
  // UTF-8 and other bytes pass as they are.
  EXPECT_EQ(EscapeLabelValue("caf\xc3\xa9\t{}="), "caf\xc3\xa9\t{}=");
}

TEST(MetricsTextTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapeHelp("a \"quoted\" \\ line\nnext"), "a \"quoted\" \\\\ line\\nnext");
}

TEST(MetricsTextTest, ValuesUseShortestFormAndSpecialNames) {
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(2.5), "2.5");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(MetricsTextTest, NamesFollowTheFormatsGrammar) {
  EXPECT_TRUE(ValidMetricName("assure_http_requests_total"));
  EXPECT_TRUE(ValidMetricName("ns:sub_metric"));
  EXPECT_FALSE(ValidMetricName("1abc"));
  EXPECT_FALSE(ValidMetricName("a-b"));
  EXPECT_FALSE(ValidMetricName(""));
  EXPECT_TRUE(ValidLabelName("route"));
  EXPECT_FALSE(ValidLabelName("a:b"));
}

TEST(MetricsTextTest, FamilyAndSamplesRenderExactly) {
  TextWriter w;
  w.Family("x_total", MetricType::kCounter, "Things\nseen \\ here");
  w.Sample("x_total", {{"route", "/a/{id}"}, {"status", "200"}}, std::uint64_t{3});
  w.Sample("x_total", {{"route", "say \"hi\"\n"}}, std::uint64_t{1});
  w.Family("g", MetricType::kGauge, "A gauge");
  w.Sample("g", {}, 0.25);
  EXPECT_EQ(w.Take(),
            "# HELP x_total Things\\nseen \\\\ here\n"
            "# TYPE x_total counter\n"
            "x_total{route=\"/a/{id}\",status=\"200\"} 3\n"
            "x_total{route=\"say \\\"hi\\\"\\n\"} 1\n"
            "# HELP g A gauge\n"
            "# TYPE g gauge\n"
            "g 0.25\n");
}

TEST(MetricsTextTest, HistogramBucketsAreCumulativeAndEndWithInfSumAndCount) {
  Histogram h({1, 2});
  for (double v : {0.5, 1.0, 1.0, 3.0}) h.Observe(v);
  const HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{3, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 5.5);
  TextWriter w;
  w.Family("lat_seconds", MetricType::kHistogram, "Latency");
  w.Histogram("lat_seconds", {{"route", "/r"}}, s);
  EXPECT_EQ(w.Take(),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"/r\",le=\"1\"} 3\n"
            "lat_seconds_bucket{route=\"/r\",le=\"2\"} 3\n"
            "lat_seconds_bucket{route=\"/r\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{route=\"/r\"} 5.5\n"
            "lat_seconds_count{route=\"/r\"} 4\n");
}

TEST(MetricsTextTest, EmptyHistogramHasZeroBucketsAndCount) {
  Histogram h(SizeBuckets());
  TextWriter w;
  w.Histogram("h", {}, h.Snapshot());
  const std::string text = w.Take();
  EXPECT_NE(text.find("h_bucket{le=\"1\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("h_bucket{le=\"+Inf\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("h_sum 0\nh_count 0\n"), std::string::npos);
}

TEST(MetricsTextTest, HistogramBoundsMustIncreaseAndBeFinite) {
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
}

TEST(MetricsTextTest, ConcurrentObservationsAreAllCounted) {
  Histogram h(LatencyBuckets());
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        h.Observe(0.001 * (i % 7 + t));
        c.Inc();
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto s = h.Snapshot();
  EXPECT_EQ(s.count, 40000u);
  EXPECT_EQ(s.cumulative.back(), 40000u);
  EXPECT_EQ(c.Value(), 40000u);
}

TEST(MetricsTextTest, RegistryLeavesOutACollectorThatThrowsAndCountsIt) {
  Registry r;
  r.Add([](TextWriter& w) {
    w.Family("first", MetricType::kGauge, "First");
    w.Sample("first", {}, 1.0);
  });
  r.Add([](TextWriter& w) {
    w.Family("broken", MetricType::kGauge, "Broken");
    throw std::runtime_error("cannot read");
  });
  const std::string text = r.Render();
  EXPECT_NE(text.find("first 1\n"), std::string::npos);
  EXPECT_EQ(text.find("broken"), std::string::npos);
  EXPECT_NE(text.find("assure_metrics_collector_failures_total 1\n"), std::string::npos);
}

TEST(RequestMetricsTest, CountsByRouteTemplateAndStatusWithUnmatchedAsOneLabel) {
  http::Route route;
  route.method = "GET";
  route.path_template = "/api/v1/deliverables/{id}";
  http::RequestMetrics m;
  m.Observe(&route, 200, std::chrono::milliseconds(3));
  m.Observe(&route, 200, std::chrono::milliseconds(30));
  m.Observe(&route, 404, std::chrono::milliseconds(1));
  m.Observe(nullptr, 404, std::chrono::milliseconds(1));
  m.Observe(nullptr, 405, std::chrono::milliseconds(1));
  TextWriter w;
  m.Collect(w);
  const std::string text = w.Take();
  EXPECT_NE(text.find("assure_http_requests_total{method=\"GET\",route=\"/api/v1/deliverables/{id}\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("assure_http_requests_total{method=\"GET\",route=\"/api/v1/deliverables/{id}\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("assure_http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("assure_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/deliverables/{id}\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("assure_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/deliverables/{id}\"} 3\n"),
            std::string::npos);
}

TEST(RequestMetricsTest, StatusesBeyondTheSlotsAreCountedAsOther) {
  http::Route route;
  route.method = "POST";
  route.path_template = "/x";
  http::RequestMetrics m;
  for (int status = 200; status < 200 + static_cast<int>(http::RequestMetrics::kStatusSlots) + 3; ++status) {
    m.Observe(&route, status, std::chrono::milliseconds(1));
  }
  TextWriter w;
  m.Collect(w);
  const std::string text = w.Take();
  EXPECT_NE(text.find("status=\"other\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("status=\"215\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("status=\"216\""), std::string::npos);
}

TEST(RequestMetricsTest, ConcurrentRequestsOnNewRoutesAndScrapesCountEveryOne) {
  std::vector<http::Route> routes(8);
  for (std::size_t i = 0; i < routes.size(); ++i) {
    routes[i].method = "GET";
    routes[i].path_template = "/r" + std::to_string(i);
  }
  http::RequestMetrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        m.Observe(&routes[static_cast<std::size_t>(i) % routes.size()], 200 + (i + t) % 3,
                  std::chrono::microseconds(i));
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) {
      TextWriter w;
      m.Collect(w);
    }
  });
  for (auto& t : threads) t.join();
  TextWriter w;
  m.Collect(w);
  const std::string text = w.Take();
  for (const auto& r : routes) {
    const std::string count = "assure_http_request_duration_seconds_count{method=\"GET\",route=\"" +
                              r.path_template + "\"} 1000\n";
    EXPECT_NE(text.find(count), std::string::npos) << count;
  }
}

}  // namespace
}  // namespace assure::api::metrics
