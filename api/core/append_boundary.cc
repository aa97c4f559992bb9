#include "api/core/append_boundary.h"

#include <charconv>
#include <optional>

namespace assure::api {

std::string AppendCause(std::string_view stream_id, std::uint64_t version) {
  std::string out(stream_id);
  out.push_back('@');
  out += std::to_string(version);
  return out;
}

namespace {

void MarkEventsAfterFirst(const std::string& cause, std::vector<storage::StreamAppend>& parts) {
  bool first = true;
  for (auto& part : parts) {
    for (auto& e : part.events) {
      if (!first) e.metadata.causation_id = cause;
      first = false;
    }
  }
}

std::optional<std::uint64_t> FirstVersionOf(storage::ExpectedVersion expected) {
  switch (expected.kind()) {
    case storage::ExpectedVersion::Kind::kExact: return expected.version() + 1;
    case storage::ExpectedVersion::Kind::kNoStream: return 0;
    default: return std::nullopt;
  }
}

// The stream and version an AppendCause names, if `cause` is one.
std::optional<std::pair<std::string_view, std::uint64_t>> ParseAppendCause(std::string_view cause) {
  const auto at = cause.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == cause.size()) return std::nullopt;
  std::uint64_t version = 0;
  const char* begin = cause.data() + at + 1;
  const char* end = cause.data() + cause.size();
  auto [p, ec] = std::from_chars(begin, end, version);
  if (ec != std::errc() || p != end) return std::nullopt;
  return std::make_pair(cause.substr(0, at), version);
}

}  // namespace

void MarkOneAppend(std::vector<storage::StreamAppend>& parts) {
  std::size_t total = 0;
  for (const auto& part : parts) total += part.events.size();
  if (parts.empty() || parts.front().events.empty() || total < 2) return;
  const auto first = FirstVersionOf(parts.front().expected);
  if (!first) return;
  MarkEventsAfterFirst(AppendCause(parts.front().stream_id, *first), parts);
}

void MarkOneAppend(std::string_view stream_id, storage::ExpectedVersion expected,
                   std::vector<storage::ProposedEvent>& events) {
  if (events.size() < 2) return;
  const auto first = FirstVersionOf(expected);
  if (!first) return;
  const std::string cause = AppendCause(stream_id, *first);
  for (std::size_t i = 1; i < events.size(); ++i) events[i].metadata.causation_id = cause;
}

Result<std::uint64_t> WholeAppendPosition(storage::EventStore& store, std::uint64_t position) {
  if (position == 0 || position >= store.Head().position) return position;
  auto next = store.ReadEvent(position + 1);
  if (!next.ok()) return next.error();
  const auto named = ParseAppendCause(next->metadata.causation_id);
  if (!named) return position;
  auto first = store.ReadStream(named->first, named->second, storage::Direction::kForwards, 1);
  if (!first.ok()) {
    if (first.error().code == ErrorCode::kNotFound) return position;
    return first.error();
  }
  // The append's first event: at or before `position`, written with it.
  if (first->empty()) return position;
  const storage::RecordedEvent& start = first->front();
  if (start.stream_version != named->second || start.position > position ||
      start.recorded_at_us != next->recorded_at_us) {
    return position;
  }
  return start.position - 1;
}

}  // namespace assure::api
