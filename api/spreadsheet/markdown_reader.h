// Reading Markdown pipe tables, as in the network's strategy document.
//
// Every block of consecutive lines starting with '|' (outside ``` fences) is
// a table: the row before the "|---|" separator is the header. Cells are
// trimmed; "\|" is a literal pipe; other text (HTML, **bold**) is kept as is.
//
// Titles: the nearest preceding "#" heading, bold-only paragraph
// ("**Medical Physics\nWork Programme\n(2023 - 2024)**", lines joined by a
// space) or short line naming a programme ("Work Programme (2023 - 2024)"),
// looking back no further than the previous table with a real header (small
// legend tables are looked past) and at most 80 lines; failing that, the
// nearest short title-like line ("Version History"); failing that, "".
//
// A table whose header row is empty and which follows the previous table with
// only blank lines between continues it (Word splits long tables at page
// breaks): its rows are appended to the previous table, with a warning.
//
// Warnings (rows are kept): rows with more or fewer cells than the header,
// section rows ("| | | | Key Priorities | ..."), a missing separator row,
// unknown columns in a programme table. Empty rows and separator rows are
// skipped.
//
// Errors: as for text input in text.h, kTooLarge for a row over
// options.limits.max_columns cells or a file over max_rows rows.
#pragma once

#include <string_view>

#include "api/spreadsheet/read_options.h"
#include "api/spreadsheet/table.h"
#include "domain/result.h"

namespace assure::api::spreadsheet {

Result<ReadResult> ReadMarkdown(std::string_view bytes,
                                std::string_view file_name,
                                const ReadOptions& options = {});

}  // namespace assure::api::spreadsheet
