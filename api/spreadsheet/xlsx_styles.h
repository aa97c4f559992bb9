// Which xlsx cell styles show numbers as dates: built-in date number formats
// (ids 14-22, 27-36, 45-47, 50-58) and custom formats in styles.xml whose
// codes contain date or time tokens (d, m, y, h, s outside quotes, escapes
// and [brackets]); and which styles fill a cell with a RAGB colour, for a
// rating given by colour alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/spreadsheet/excel_date.h"

namespace assure::api::spreadsheet {

// Classifies one number format; nullopt when it is not a date or time.
std::optional<DateShape> DateShapeOfFormat(unsigned num_fmt_id,
                                           std::string_view format_code);

// For each cellXfs entry of styles.xml (the cell's s="N" index), its date
// shape, if any. Unparseable or missing XML gives an empty vector (numbers
// then stay numbers).
std::vector<std::optional<DateShape>> ParseDateStyles(std::string_view styles_xml);

// For each cellXfs entry, the colour of its solid fill: "RRGGBB" (from an
// rgb or a legacy indexed colour), "theme N" for a theme colour (not
// resolved), or "" for no fill. Unparseable XML gives an empty vector.
std::vector<std::string> ParseFillColours(std::string_view styles_xml);

// The RAGB word a fill colour stands for, by hue: "Red", "Amber" (orange to
// yellow), "Green" or "Blue"; nullopt for pale, dark, grey or other colours
// and for theme colours. The export's fills (xlsx_writer.cc) map to their
// own words.
std::optional<std::string_view> RagbWordOfFill(std::string_view colour);

}  // namespace assure::api::spreadsheet
