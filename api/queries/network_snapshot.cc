// NetworkProjection's snapshot (format 9, storage/FORMAT.md 2.1): a text
//
//   assure-network-snapshot 9 <position>\n
//   then for each table, in the order of ForEachTable:
//   <table name> <rows> <bytes> <parts>\n
//
// and parts (ProjectionRunner stores them): each table's rows, one line of
// JSON each, cut at row ends into parts of about kSnapshotPartBytes, the
// tables' parts numbered on from one table to the next. The numbers are
// decimal. The rows are rendered from a copy of the model a table at a time,
// each table of the copy freed once rendered and each part handed over once
// full, so a save holds the copy and a few parts (ProjectionRunner writes
// them in batches), not the model's whole text. A renderer empties its copy:
// it renders once.
// Each table's parts are read and its rows restored on its own thread, a
// line at a time (EntityTable::RestoreRows): no JSON value of the whole
// model is ever built (nor freed).
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "api/core/parallel.h"
#include "api/queries/network_model.h"

namespace assure::api {

namespace {

constexpr std::string_view kMagic = "assure-network-snapshot ";

Error SnapshotCorruption(std::string message) {
  return MakeError(ErrorCode::kCorruption, "network snapshot: " + std::move(message));
}

// Renders `m`, emptying it a table at a time: emits the parts, returns the text.
Result<std::string> Render(NetworkModel& m, const EmitPart& emit) {
  std::string text(kMagic);
  text += std::to_string(NetworkProjection::kSnapshotFormat) + " " + std::to_string(m.position) + "\n";
  std::string rows;
  std::optional<Error> failed;
  ForEachTable(m, [&](const char* name, auto& table) {
    if (failed) return;
    std::uint64_t bytes = 0, parts = 0;
    // Hands over what `rows` holds once it is a part's worth (or, at the
    // table's end, whatever is left).
    auto spill = [&](bool table_end) -> Status {
      if (rows.empty() || (!table_end && rows.size() < kSnapshotPartBytes)) return {};
      bytes += rows.size();
      ++parts;
      Status s = emit(std::move(rows));
      rows = std::string();
      return s;
    };
    auto count = table.AppendSnapshotRows(rows, [&](const std::string&) { return spill(false); });
    Status end = count.ok() ? spill(true) : Status(count.error());
    if (!end.ok()) {
      failed = end.error();
      return;
    }
    table.Clear();
    text += std::string(name) + " " + std::to_string(*count) + " " + std::to_string(bytes) + " " +
            std::to_string(parts) + "\n";
  });
  if (failed) return *failed;
  return text;
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

SnapshotRenderer NetworkProjection::SnapshotLater() const {
  auto copy = std::make_shared<NetworkModel>(model_);
  return [copy](const EmitPart& emit) { return Render(*copy, emit); };
}

Status NetworkProjection::RestoreText(std::string_view text, const ReadPart& read_part) {
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
  // Each table's line first (cheap), then its parts read and rows restored
  // in parallel.
  std::vector<std::function<Status()>> tables;
  std::optional<Error> framing;
  std::uint64_t next_part = 0;
  ForEachTable(model, [&](const char* name, auto& table) {
    if (framing) return;
    const std::string_view expected = name;
    std::uint64_t rows = 0, bytes = 0, parts = 0;
    if (!text.starts_with(expected) || text.size() == expected.size() || text[expected.size()] != ' ') {
      framing = SnapshotCorruption("'" + std::string(name) + "' is missing");
      return;
    }
    text.remove_prefix(expected.size() + 1);
    if (!ReadNumber(text, ' ', rows) || !ReadNumber(text, ' ', bytes) || !ReadNumber(text, '\n', parts)) {
      framing = SnapshotCorruption(std::string(name) + ": a bad row count, length or part count");
      return;
    }
    // As rendered: no part is empty, so a table has parts exactly when it
    // has bytes, and never more parts than bytes (nor a count that wraps).
    if ((parts == 0) != (bytes == 0) || parts > bytes || parts > UINT64_MAX - next_part) {
      framing = SnapshotCorruption(std::string(name) + ": " + std::to_string(parts) + " parts for " +
                                   std::to_string(bytes) + " bytes");
      return;
    }
    const std::uint64_t first = next_part;
    next_part += parts;
    tables.push_back([&table, &read_part, rows, bytes, first, parts, name]() -> Status {
      std::string body;
      for (std::uint64_t i = first; i < first + parts; ++i) {
        auto part = read_part(i);
        if (!part.ok()) return SnapshotCorruption(std::string(name) + ": " + part.error().message);
        if (part->empty()) return SnapshotCorruption(std::string(name) + ": part " + std::to_string(i) + " is empty");
        if (part->size() > bytes - body.size()) return SnapshotCorruption(std::string(name) + ": more bytes than its length");
        body += *part;
      }
      if (body.size() != bytes) return SnapshotCorruption(std::string(name) + ": fewer bytes than its length");
      Status s = table.RestoreRows(body, rows);
      if (!s.ok()) return SnapshotCorruption(std::string(name) + ": " + s.error().message);
      return {};
    });
  });
  if (framing) return *framing;
  if (!text.empty()) return SnapshotCorruption("bytes after the last table");

  std::vector<Beside<Status>> beside;
  for (std::size_t i = 1; i < tables.size(); ++i) beside.push_back(RunBeside(tables[i]));
  Status first = tables[0]();
  for (auto& b : beside) {
    Status s = b.get();
    if (first.ok() && !s.ok()) first = s;
  }
  if (!first.ok()) return first;
  model_ = std::move(model);
  TrackHotRows();
  return {};
}

}  // namespace assure::api
