#include "api/metrics/text_format.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace assure::api::metrics {

namespace {

bool NameChar(char c, bool first, bool colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool ValidName(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!NameChar(name[i], i == 0, colon)) return false;
  }
  return true;
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

void AppendEscaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

bool ValidMetricName(std::string_view name) { return ValidName(name, true); }
bool ValidLabelName(std::string_view name) { return ValidName(name, false); }

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendEscaped(out, value, true);
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  AppendEscaped(out, help, false);
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general);
  return std::string(buf, r.ptr);
}

void TextWriter::Family(std::string_view name, MetricType type, std::string_view help) {
  assert(ValidMetricName(name));
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += TypeName(type);
  out_ += '\n';
}

void TextWriter::Start(std::string_view name, const Labels& labels, std::string_view extra_name,
                       std::string_view extra_value) {
  assert(ValidMetricName(name));
  out_ += name;
  if (labels.empty() && extra_name.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  auto add = [&](std::string_view n, std::string_view v) {
    assert(ValidLabelName(n));
    if (!first) out_ += ',';
    first = false;
    out_ += n;
    out_ += "=\"";
    AppendEscaped(out_, v, true);
    out_ += '"';
  };
  for (const Label& l : labels) add(l.name, l.value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out_ += "} ";
}

void TextWriter::Sample(std::string_view name, const Labels& labels, double value) {
  Start(name, labels);
  out_ += FormatValue(value);
  out_ += '\n';
}

void TextWriter::Sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  Start(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void TextWriter::Histogram(std::string_view name, const Labels& labels, const HistogramSnapshot& h) {
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < h.cumulative.size(); ++i) {
    const std::string le = i < h.bounds.size() ? FormatValue(h.bounds[i]) : "+Inf";
    Start(bucket, labels, "le", le);
    out_ += std::to_string(h.cumulative[i]);
    out_ += '\n';
  }
  Sample(std::string(name) + "_sum", labels, h.sum);
  Sample(std::string(name) + "_count", labels, h.count);
}

}  // namespace assure::api::metrics
