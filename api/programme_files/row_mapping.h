// One table row -> the fields of a deliverable, with what could not be read.
//
// Columns are found by header name (api/spreadsheet/column.h); a column missing
// from the table leaves its field unset (an import neither clears nor sets
// it). Dates and the MM/QSIN text are passed through as the seed's text (the
// domain parses them and keeps the original); the RAGB Status word is mapped
// with domain::ParseSeedStatus onto a rating and/or a lifecycle status.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/table.h"
#include "domain/deliverable.h"

namespace assure::api::programme_files {

struct MappedRow {
  std::size_t number = 0;                  // the row's line/row in the source
  domain::DeliverableFields fields;        // present columns only
  std::optional<domain::Ragb> ragb;        // from the RAGB Status word
  std::optional<domain::DeliverableStatus> status;
  std::vector<std::string> notes;          // values kept as text only (e.g. a date word)
  std::vector<std::string> warnings;       // cells realigned or ignored, unknown status word
};

// Realigns a row wider than the header (the strategy document's page-split
// continuation has one spurious empty column): drops the rightmost empty
// cells before the last one until the row fits. Text that still does not fit
// is kept out and reported. Returns the cells to use.
std::vector<std::string> AlignCells(const spreadsheet::Row& row, std::size_t header_size,
                                    std::vector<std::string>& warnings);

// nullopt when the row has no Deliverable text: a section row such as
// "Key Priorities"; `skip_reason` then says what the row held.
std::optional<MappedRow> MapRow(const spreadsheet::HeaderMatch& match, std::size_t header_size,
                                const spreadsheet::Row& row, std::string& skip_reason);

}  // namespace assure::api::programme_files
