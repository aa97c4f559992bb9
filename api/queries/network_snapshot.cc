// NetworkProjection's snapshot (format 3, storage/FORMAT.md 2.1):
//
//   assure-network-snapshot 3 <position>\n
//   then for each table, in the order of kTables:
//   <table name> <rows> <bytes>\n<bytes of rows: one line of JSON each>
//
// The numbers are decimal. The byte counts let each table be handed to its
// own thread without reading the others; the rows are read one line at a
// time (EntityTable::RestoreRows), so no JSON value of the whole model is
// ever built (nor freed).
#include <charconv>
#include <vector>

#include "api/core/parallel.h"
#include "api/queries/network_model.h"

namespace assure::api {

namespace {

constexpr std::string_view kMagic = "assure-network-snapshot ";

Error SnapshotCorruption(std::string message) {
  return MakeError(ErrorCode::kCorruption, "network snapshot: " + std::move(message));
}

std::string Render(const NetworkModel& m) {
  std::string out(kMagic);
  out += std::to_string(NetworkProjection::kSnapshotFormat) + " " + std::to_string(m.position) + "\n";
  std::string rows;
  ForEachTable(m, [&](const char* name, const auto& table) {
    rows.clear();
    const std::size_t count = table.AppendSnapshotRows(rows);
    out += std::string(name) + " " + std::to_string(count) + " " + std::to_string(rows.size()) + "\n";
    out += rows;
  });
  return out;
}

// Reads the decimal number `text` starts with, then the byte `end`, and
// moves past both.
bool ReadNumber(std::string_view& text, char end, std::uint64_t& n) {
  const char* first = text.data();
  const char* last = first + text.size();
  auto [p, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || p == first || p == last || *p != end) return false;
  text.remove_prefix(static_cast<std::size_t>(p - first) + 1);
  return true;
}

}  // namespace

nlohmann::json NetworkProjection::Snapshot() const {
  nlohmann::json out = {{"position", model_.position}};
  ForEachTable(model_, [&](const char* name, const auto& table) { out[name] = table.Snapshot(); });
  return out;
}

std::string NetworkProjection::SnapshotText() const { return Render(model_); }

std::function<std::string()> NetworkProjection::SnapshotLater() const {
  auto copy = std::make_shared<const NetworkModel>(model_);
  return [copy] { return Render(*copy); };
}

Status NetworkProjection::RestoreText(std::string_view text) {
  std::uint64_t format = 0, position = 0;
  if (!text.starts_with(kMagic)) return SnapshotCorruption("not format " + std::to_string(kSnapshotFormat));
  text.remove_prefix(kMagic.size());
  if (!ReadNumber(text, ' ', format) || format != kSnapshotFormat) {
    return SnapshotCorruption("not format " + std::to_string(kSnapshotFormat));
  }
  if (!ReadNumber(text, '\n', position)) return SnapshotCorruption("the position is not a count");

  NetworkModel model;
  model.store = model_.store;
  model.position = position;
  // Each table's part: found first (cheap), then read in parallel.
  std::vector<std::function<Status()>> parts;
  std::optional<Error> framing;
  ForEachTable(model, [&](const char* name, auto& table) {
    if (framing) return;
    const std::string_view expected = name;
    std::uint64_t rows = 0, bytes = 0;
    if (!text.starts_with(expected) || text.size() == expected.size() || text[expected.size()] != ' ') {
      framing = SnapshotCorruption("'" + std::string(name) + "' is missing");
      return;
    }
    text.remove_prefix(expected.size() + 1);
    if (!ReadNumber(text, ' ', rows) || !ReadNumber(text, '\n', bytes) || bytes > text.size()) {
      framing = SnapshotCorruption(std::string(name) + ": a bad row count or length");
      return;
    }
    const std::string_view body = text.substr(0, bytes);
    text.remove_prefix(bytes);
    parts.push_back([&table, body, rows, name]() -> Status {
      Status s = table.RestoreRows(body, rows);
      if (!s.ok()) return SnapshotCorruption(std::string(name) + ": " + s.error().message);
      return {};
    });
  });
  if (framing) return *framing;
  if (!text.empty()) return SnapshotCorruption("bytes after the last table");

  std::vector<Beside<Status>> beside;
  for (std::size_t i = 1; i < parts.size(); ++i) beside.push_back(RunBeside(parts[i]));
  Status first = parts[0]();
  for (auto& b : beside) {
    Status s = b.get();
    if (first.ok() && !s.ok()) first = s;
  }
  if (!first.ok()) return first;
  model_ = std::move(model);
  return {};
}

}  // namespace assure::api
