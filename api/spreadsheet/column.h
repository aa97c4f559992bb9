// The canonical columns of a work programme, in the seed's order, and the
// matching of header text onto them.
//
// Matching ignores case, spacing and punctuation and accepts the variants seen
// in the network's workbooks ("Interdependencies/ Risks", "RAG Status",
// "MM / QSIN Ref", "Start Date", ...). Unknown header cells are reported, not
// fatal; missing columns are fine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assure::api::spreadsheet {

// Order = the seed's column order (and the export order). Values are not
// persisted; only DisplayName text appears in files.
enum class Column : std::uint8_t {
  kNetworkReference,
  kNetworkObjective,
  kDeliverable,
  kDateInitiated,
  kPlannedEndDate,
  kDateCompleted,
  kOwner,
  kDescription,
  kAnticipatedOutcome,
  kInterdependenciesRisks,
  kRagbStatus,
  kMmQsinReference,
};

inline constexpr std::size_t kColumnCount = 12;

inline constexpr std::array<Column, kColumnCount> kAllColumns = {
    Column::kNetworkReference,   Column::kNetworkObjective,
    Column::kDeliverable,        Column::kDateInitiated,
    Column::kPlannedEndDate,     Column::kDateCompleted,
    Column::kOwner,              Column::kDescription,
    Column::kAnticipatedOutcome, Column::kInterdependenciesRisks,
    Column::kRagbStatus,         Column::kMmQsinReference,
};

// The header text boards know, e.g. "Interdependencies/Risks", "RAGB Status".
std::string_view DisplayName(Column column);

// The display names of all columns in order: a ready-made export header.
std::vector<std::string> CanonicalHeader();

// The column a header cell names, if any ("network ref." -> kNetworkReference).
std::optional<Column> MatchColumn(std::string_view header_text);

struct HeaderMatch {
  // For each header cell, the column it names (nullopt: unknown or empty).
  std::vector<std::optional<Column>> columns;
  // For each Column (indexed by its value), the header cell holding it: the
  // first one when several cells name the same column.
  std::array<std::optional<std::size_t>, kColumnCount> position{};
  // Header cells naming no known column (non-empty ones only), and cells that
  // repeat an already matched column.
  std::vector<std::size_t> unknown;
  std::vector<std::size_t> duplicate;
  std::size_t matched = 0;  // distinct columns found

  std::optional<std::size_t> Find(Column c) const {
    return position[static_cast<std::size_t>(c)];
  }
};

HeaderMatch MatchHeader(const std::vector<std::string>& header);

}  // namespace assure::api::spreadsheet
