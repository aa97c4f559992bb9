// Properties every successful read must have (see api/spreadsheet/table.h); a
// violation aborts, which libFuzzer reports as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "api/spreadsheet/table.h"
#include "api/spreadsheet/text.h"

namespace assure::api::spreadsheet::fuzz {

inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

inline void CheckInvariants(const ReadResult& r) {
  for (const Table& t : r.tables) {
    Check(IsValidUtf8(t.title), "title is UTF-8");
    for (const std::string& h : t.header) Check(IsValidUtf8(h), "header is UTF-8");
    for (const Row& row : t.rows) {
      Check(row.number >= 1, "row numbers are 1-based");
      Check(row.cells.size() >= t.header.size(), "rows are padded to the header");
      Check(row.cells.size() == t.header.size() || !row.cells.back().empty(),
            "no trailing empty cells beyond the header");
      bool any = false;
      for (const std::string& c : row.cells) {
        Check(IsValidUtf8(c), "cells are UTF-8");
        Check(TrimCell(c).size() == c.size(), "cells are trimmed");
        any |= !c.empty();
      }
      Check(any, "no blank rows");
    }
  }
}

}  // namespace assure::api::spreadsheet::fuzz
