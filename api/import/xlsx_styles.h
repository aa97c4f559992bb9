// Which xlsx cell styles show numbers as dates: built-in date number formats
// (ids 14-22, 27-36, 45-47, 50-58) and custom formats in styles.xml whose
// codes contain date or time tokens (d, m, y, h, s outside quotes, escapes
// and [brackets]).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "api/import/excel_date.h"

namespace assure::api::import {

// Classifies one number format; nullopt when it is not a date or time.
std::optional<DateShape> DateShapeOfFormat(unsigned num_fmt_id,
                                           std::string_view format_code);

// For each cellXfs entry of styles.xml (the cell's s="N" index), its date
// shape, if any. Unparseable or missing XML gives an empty vector (numbers
// then stay numbers).
std::vector<std::optional<DateShape>> ParseDateStyles(std::string_view styles_xml);

}  // namespace assure::api::import
