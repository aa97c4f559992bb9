// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): one
// family at a time, its `# HELP` and `# TYPE` lines, then its samples.
//
//   TextWriter w;
//   w.Family("assure_http_requests_total", MetricType::kCounter, "Requests answered");
//   w.Sample("assure_http_requests_total", {{"route", "/healthz"}, {"status", "200"}}, 3);
//   std::string body = w.Take();
//
// Escaping: a HELP text's backslash and newline become \\ and \n; a label
// value's backslash, double quote and newline become \\, \" and \n. Any
// other byte (UTF-8 included) is written as it is. Values: integers as
// digits, other numbers in their shortest round-trip form (printf %g
// style: 0.0005, 1e-05), and +Inf, -Inf,
// NaN. Metric and label names are the caller's constants and must match
// [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]* (asserted).
//
// Thread safety: a TextWriter is one scrape's, used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/metrics/metric.h"

namespace assure::api::metrics {

// The Content-Type of a scrape's answer.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

struct Label {
  std::string_view name;
  std::string_view value;
};
using Labels = std::vector<Label>;

std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);
std::string FormatValue(double value);
bool ValidMetricName(std::string_view name);
bool ValidLabelName(std::string_view name);

class TextWriter {
 public:
  // The HELP and TYPE lines of a family. Each family is written once, and
  // all its samples follow it before the next Family.
  void Family(std::string_view name, MetricType type, std::string_view help);
  // One sample line: `name{labels} value`; for a family's own samples
  // `name` is the family's name (with _bucket, _sum or _count for a
  // histogram's, which Histogram writes).
  void Sample(std::string_view name, const Labels& labels, double value);
  void Sample(std::string_view name, const Labels& labels, std::uint64_t value);
  // A histogram's samples: name_bucket{labels..., le="<bound>"} cumulative,
  // the last with le="+Inf", then name_sum and name_count.
  void Histogram(std::string_view name, const Labels& labels, const HistogramSnapshot& h);

  std::string Take() { return std::move(out_); }

 private:
  void Start(std::string_view name, const Labels& labels, std::string_view extra_name = {},
             std::string_view extra_value = {});

  std::string out_;
};

}  // namespace assure::api::metrics
