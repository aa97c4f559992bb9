#include "api/http/query.h"

#include "api/http/request.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

#include "domain/hex.h"

namespace assure::api::http {

Result<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return MakeError(ErrorCode::kInvalidArgument, "request-target must be an absolute path");
  }
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed request-target");
  }
  const boost::urls::url_view& u = *parsed;
  ParsedTarget out;
  out.path = std::string(u.encoded_path());
  for (auto seg : u.segments()) {
    std::string s(seg);
    if (s.find('\0') != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "NUL in path");
    }
    out.segments.push_back(std::move(s));
  }
  // "/a/" has a trailing empty segment; treat it as "/a".
  while (!out.segments.empty() && out.segments.back().empty()) out.segments.pop_back();
  if (u.has_query()) {
    for (auto p : u.params()) {
      QueryParam q{std::string(p.key), p.has_value ? std::string(p.value) : std::string()};
      if (q.key.empty() && q.value.empty()) continue;
      out.query.push_back(std::move(q));
    }
  }
  return out;
}

namespace {

// Decodes %XX and '+' loosely, lower-cased, for key comparison only.
std::string LooseKey(std::string_view k) {
  std::string out;
  for (std::size_t i = 0; i < k.size(); ++i) {
    char c = k[i];
    if (c == '%' && i + 2 < k.size()) {
      const int hi = domain::HexDigitValue(k[i + 1]);
      const int lo = domain::HexDigitValue(k[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(AsciiLower(static_cast<char>(hi * 16 + lo)));
        i += 2;
        continue;
      }
    }
    out.push_back(AsciiLower(c));
  }
  return out;
}

}  // namespace

std::string RedactTarget(std::string_view target) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  // A fragment is not sent by clients; treat '#' as part of the query.
  bool first = true;
  while (true) {
    const std::size_t amp = rest.find_first_of("&;");
    std::string_view part = rest.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    const std::size_t eq = part.find('=');
    const std::string key = LooseKey(part.substr(0, eq));
    if (key == "token" || key == "access_token") {
      out.append(part.substr(0, eq));
      out.append("=REDACTED");
    } else {
      out.append(part);
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

namespace {

bool ParseSize(std::string_view text, std::size_t& out) {
  if (text.empty() || text.size() > 18) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

Result<PageParams> ParsePageParams(const std::vector<QueryParam>& query,
                                   std::size_t default_limit, std::size_t max_limit) {
  PageParams p;
  p.limit = default_limit;
  bool has_offset = false;
  for (const auto& q : query) {
    if (q.key == "limit") {
      std::size_t v = 0;
      if (!ParseSize(q.value, v) || v == 0 || v > max_limit) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "limit must be an integer from 1 to " + std::to_string(max_limit),
                         "limit");
      }
      p.limit = v;
    } else if (q.key == "offset") {
      if (!ParseSize(q.value, p.offset)) {
        return MakeError(ErrorCode::kInvalidArgument, "offset must be a non-negative integer",
                         "offset");
      }
      has_offset = true;
    } else if (q.key == "cursor") {
      if (q.value.empty() || q.value.size() > 512) {
        return MakeError(ErrorCode::kInvalidArgument, "cursor is empty or too long", "cursor");
      }
      p.cursor = q.value;
    }
  }
  if (has_offset && !p.cursor.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "give offset or cursor, not both", "cursor");
  }
  return p;
}

}  // namespace assure::api::http
