// Limits applied by every reader. Exceeding one is an error (kTooLarge) naming
// the file and, where it applies, the row; never a crash or an exception.
#pragma once

#include <cstddef>
#include <cstdint>

namespace assure::api::spreadsheet {

struct ReadLimits {
  // Largest input accepted, in bytes (before any decompression).
  std::size_t max_input_bytes = 64u << 20;
  // Most cells in one row (counting up to the last non-empty one). A row with
  // 10,000 columns is refused with the default.
  std::size_t max_columns = 512;
  // Most rows in one table.
  std::size_t max_rows = 1'000'000;
  // Longest single cell, in bytes.
  std::size_t max_cell_bytes = 1u << 20;

  // xlsx only (a zip of XML).
  std::size_t max_zip_entries = 10'000;
  // Uncompressed size of any one part (sheet, shared strings, styles). A
  // sheet is parsed whole: this bounds what one upload may cost in memory.
  std::uint64_t max_entry_bytes = 32u << 20;
  // Sum of the uncompressed sizes of the parts actually read.
  std::uint64_t max_total_bytes = 64u << 20;
  // Uncompressed / compressed size of one part; checked once the part has
  // produced more than ratio_floor_bytes, so tiny parts never trip it.
  std::uint64_t max_compression_ratio = 200;
  std::uint64_t ratio_floor_bytes = 1u << 20;
};

struct ReadOptions {
  ReadLimits limits;
  // CSV and xlsx: how many non-empty rows to search for the header row.
  std::size_t header_search_rows = 20;
  // CSV and xlsx: a row is the header when at least this many of its cells
  // name a known column (see column.h).
  std::size_t min_header_matches = 2;
};

}  // namespace assure::api::spreadsheet
