#include "api/http/router.h"

#include <algorithm>
#include <utility>

namespace assure::api::http {

namespace {

bool IsParam(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

Result<std::vector<std::string>> SplitTemplate(std::string_view t) {
  if (t.empty() || t.front() != '/') {
    return MakeError(ErrorCode::kInvalidArgument, "path template must start with '/'");
  }
  std::vector<std::string> out;
  if (t == "/") return out;
  std::size_t pos = 1;
  while (pos <= t.size()) {
    std::size_t next = t.find('/', pos);
    if (next == std::string_view::npos) next = t.size();
    std::string_view seg = t.substr(pos, next - pos);
    if (seg.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "empty segment in path template");
    }
    const bool has_brace = seg.find_first_of("{}") != std::string_view::npos;
    if (has_brace && !IsParam(seg)) {
      return MakeError(ErrorCode::kInvalidArgument, "malformed parameter segment in template");
    }
    out.emplace_back(seg);
    pos = next + 1;
  }
  return out;
}

// Literal segments score 2, parameters 1, weighted by position so that an
// earlier literal dominates.
bool Better(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool la = !IsParam(a[i]);
    const bool lb = !IsParam(b[i]);
    if (la != lb) return la;
  }
  return false;
}

}  // namespace

Status Router::Add(std::string method, std::string path_template, Handler handler,
                   RouteOptions options) {
  return AddRoute(std::move(method), std::move(path_template), std::move(handler), {},
                  std::move(options));
}

Status Router::Add(std::string method, std::string path_template, AsyncHandler handler,
                   RouteOptions options) {
  if (options.run_inline || options.answer_inline) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an asynchronous route cannot run inline: " + method + " " + path_template);
  }
  return AddRoute(std::move(method), std::move(path_template), {}, std::move(handler),
                  std::move(options));
}

Status Router::AddRoute(std::string method, std::string path_template, Handler handler,
                        AsyncHandler async_handler, RouteOptions options) {
  auto segments = SplitTemplate(path_template);
  if (!segments.ok()) return std::move(segments).error();
  for (const auto& r : routes_) {
    if (r->method != method || r->segments.size() != segments->size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < r->segments.size() && same; ++i) {
      const bool pa = IsParam(r->segments[i]);
      const bool pb = IsParam((*segments)[i]);
      same = pa == pb && (pa || r->segments[i] == (*segments)[i]);
    }
    if (same) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "route already registered: " + method + " " + path_template);
    }
  }
  auto route = std::make_unique<Route>();
  route->method = std::move(method);
  route->path_template = std::move(path_template);
  route->segments = std::move(segments).value();
  route->handler = std::move(handler);
  route->async_handler = std::move(async_handler);
  route->options = std::move(options);
  routes_.push_back(std::move(route));
  return {};
}

RouteMatch Router::Match(std::string_view method,
                         const std::vector<std::string>& segments) const {
  RouteMatch result;
  const Route* best = nullptr;
  for (const auto& r : routes_) {
    if (r->segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      ok = IsParam(r->segments[i]) ? !segments[i].empty() : r->segments[i] == segments[i];
    }
    if (!ok) continue;
    if (r->method != method) {
      if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), r->method) ==
          result.allowed_methods.end()) {
        result.allowed_methods.push_back(r->method);
      }
      continue;
    }
    if (best == nullptr || Better(r->segments, best->segments)) best = r.get();
  }
  if (best == nullptr) return result;
  result.route = best;
  result.allowed_methods.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = best->segments[i];
    if (IsParam(s)) result.params[s.substr(1, s.size() - 2)] = segments[i];
  }
  return result;
}

}  // namespace assure::api::http
