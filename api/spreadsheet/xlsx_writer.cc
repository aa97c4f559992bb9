#include "api/spreadsheet/xlsx_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <set>
#include <system_error>

#include <unistd.h>
#include <xlsxwriter.h>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/text.h"
#include "domain/calendar.h"

namespace assure::api::spreadsheet {
namespace {

constexpr std::size_t kMaxRows = 1'048'576;
constexpr std::size_t kMaxColumns = 16'384;
constexpr std::size_t kMaxCellChars = 32'767;
constexpr std::size_t kMaxSheetName = 31;

// Removes the temporary file whatever happens.
class TempFile {
 public:
  TempFile() {
    std::error_code ec;
    std::string dir = std::filesystem::temp_directory_path(ec).string();
    if (ec || dir.empty()) dir = "/tmp";
    std::string pattern = dir + "/assure-export-XXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
      close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Owns the workbook until it is closed.
struct WorkbookGuard {
  lxw_workbook* wb = nullptr;
  ~WorkbookGuard() {
    if (wb) workbook_close(wb);
  }
};

std::string SheetName(const std::string& title, std::size_t n,
                      std::set<std::string>& used) {
  std::string name;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < title.size() && chars < kMaxSheetName;) {
    const auto c = static_cast<unsigned char>(title[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, title.size() - i);
    std::string_view ch(title.data() + i, len);
    if (ch == "[" || ch == "]" || ch == ":" || ch == "*" || ch == "?" ||
        ch == "/" || ch == "\\" || ch == "\n" || ch == "\r" || ch == "\t") {
      name.push_back(' ');
    } else {
      name.append(ch);
    }
    ++chars;
    i += len;
  }
  std::string_view trimmed = TrimCell(name);
  while (!trimmed.empty() && trimmed.front() == '\'') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == '\'') trimmed.remove_suffix(1);
  std::string base = trimmed.empty() ? "Sheet" + std::to_string(n) : std::string(trimmed);
  std::string candidate = base;
  for (int k = 2; used.count(candidate); ++k) {
    std::string suffix = " (" + std::to_string(k) + ")";
    std::string stem = base;
    while (CodePoints(stem) + suffix.size() > kMaxSheetName && !stem.empty()) {
      do {
        stem.pop_back();
      } while (!stem.empty() && (static_cast<unsigned char>(stem.back()) & 0xC0) == 0x80);
      if (!stem.empty() && static_cast<unsigned char>(stem.back()) >= 0xC0) stem.pop_back();
    }
    while (!stem.empty() && stem.back() == ' ') stem.pop_back();
    candidate = stem + suffix;
  }
  used.insert(candidate);
  return candidate;
}

// Excel's limit on a custom property's value, in bytes as libxlsxwriter
// counts them; a longer title is split over numbered properties.
constexpr std::size_t kMaxPropertyBytes = 255;

lxw_error SetProperty(lxw_workbook* wb, const std::string& name, const std::string& value) {
  return workbook_set_custom_property_string(wb, name.c_str(), value.c_str());
}

// The table's identity as custom document properties (see xlsx_writer.h).
Status WriteIdentity(lxw_workbook* wb, std::size_t n, const std::string& sheet,
                     const Table& t) {
  const std::string stem = std::string(kXlsxPropertyPrefix) + std::to_string(n) + " ";
  lxw_error e = SetProperty(wb, stem + "sheet", sheet);
  if (e == LXW_NO_ERROR && !t.id.empty()) {
    e = SetProperty(wb, stem + "id", t.id.substr(0, kMaxPropertyBytes));
  }
  std::string_view rest = t.title;
  for (int part = 1; e == LXW_NO_ERROR && !rest.empty(); ++part) {
    std::size_t cut = std::min(rest.size(), kMaxPropertyBytes);
    while (cut < rest.size() && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80) --cut;
    e = SetProperty(wb, stem + "title" + (part == 1 ? "" : " " + std::to_string(part)),
                    std::string(rest.substr(0, cut)));
    rest.remove_prefix(cut);
  }
  if (e != LXW_NO_ERROR) {
    return MakeError(ErrorCode::kInternal,
                     std::string("cannot write the workbook's properties: ") + lxw_strerror(e));
  }
  return {};
}

// "2021-02" or "2021-02-03" in a date column: written as an Excel date,
// shown "Feb-21" or "03/02/2021", which ReadXlsx reads back as the same text.
struct IsoCell {
  lxw_datetime when{};
  bool month = false;
};
std::optional<IsoCell> IsoDateCell(std::string_view text) {
  const bool month = text.size() == 7;
  if (!month && text.size() != 10) return std::nullopt;
  const auto date = domain::ParseIsoDate(month ? std::string(text) + "-01" : std::string(text));
  if (!date || date->year < 1900 || date->year > 9999) return std::nullopt;
  IsoCell cell;
  cell.when.year = date->year;
  cell.when.month = static_cast<int>(date->month);
  cell.when.day = static_cast<int>(date->day);
  cell.month = month;
  return cell;
}

std::size_t LongestLine(std::string_view text) {
  std::size_t best = 0;
  while (true) {
    const std::size_t nl = text.find('\n');
    best = std::max(best, CodePoints(text.substr(0, nl)));
    if (nl == std::string_view::npos) return best;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

std::optional<RagbColour> RagbColourOf(std::string_view cell) {
  std::string v;
  for (char c : TrimCell(cell)) {
    v.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (v == "red" || v == "r" || v == "red (r)") return RagbColour::kRed;
  if (v == "amber" || v == "a" || v == "amber (a)") return RagbColour::kAmber;
  if (v == "blue" || v == "b" || v == "blue (b)" || v == "on target") return RagbColour::kBlue;
  // "On Target" and "Completed" are how the export writes a Blue deliverable
  // in progress and a completed (Green) one.
  if (v == "green" || v == "g" || v == "green (g)" || v == "completed" || v == "complete") {
    return RagbColour::kGreen;
  }
  return std::nullopt;
}

Result<std::string> WriteXlsx(const std::vector<Table>& tables,
                              const XlsxWriteOptions& options) try {
  if (tables.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "nothing to export: no tables");
  }
  TempFile tmp;
  if (tmp.path().empty()) {
    return MakeError(ErrorCode::kIoError, "cannot create a temporary file for the workbook");
  }
  WorkbookGuard guard;
  guard.wb = workbook_new(tmp.path().c_str());
  if (!guard.wb) {
    return MakeError(ErrorCode::kIoError, "cannot create the workbook");
  }
  lxw_workbook* wb = guard.wb;
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_bottom(bold, LXW_BORDER_THIN);
  format_set_text_wrap(bold);
  format_set_align(bold, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* plain = workbook_add_format(wb);
  format_set_align(plain, LXW_ALIGN_VERTICAL_TOP);
  auto fill = [&](lxw_color_t bg, lxw_color_t font) {
    lxw_format* f = workbook_add_format(wb);
    format_set_bg_color(f, bg);
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_font_color(f, font);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
  };
  lxw_format* month_date = workbook_add_format(wb);
  format_set_num_format(month_date, "mmm-yy");
  format_set_align(month_date, LXW_ALIGN_LEFT);
  format_set_align(month_date, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* day_date = workbook_add_format(wb);
  format_set_num_format(day_date, "dd/mm/yyyy");
  format_set_align(day_date, LXW_ALIGN_LEFT);
  format_set_align(day_date, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* ragb_fill[] = {fill(0xFF0000, 0xFFFFFF), fill(0xFFC000, 0x000000),
                             fill(0x0070C0, 0xFFFFFF), fill(0x00B050, 0x000000)};

  std::set<std::string> used;
  for (std::size_t n = 0; n < tables.size(); ++n) {
    const Table& t = tables[n];
    std::size_t width = t.header.size();
    for (const Row& r : t.rows) width = std::max(width, r.cells.size());
    if (t.rows.size() + 1 > kMaxRows || width > kMaxColumns) {
      return MakeError(ErrorCode::kTooLarge,
                       "table \"" + t.title + "\" is larger than an Excel sheet");
    }
    const std::string name = SheetName(t.title, n + 1, used);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    if (!ws) {
      return MakeError(ErrorCode::kInternal, "cannot add sheet \"" + name + "\"");
    }
    ASSURE_TRY(WriteIdentity(wb, n + 1, name, t));
    const HeaderMatch columns = MatchHeader(t.header);
    const std::optional<std::size_t> ragb = columns.Find(Column::kRagbStatus);
    auto is_date_column = [&](std::size_t c) {
      return c < columns.columns.size() &&
             (columns.columns[c] == Column::kDateInitiated ||
              columns.columns[c] == Column::kPlannedEndDate ||
              columns.columns[c] == Column::kDateCompleted);
    };

    std::vector<std::size_t> longest(width, 0);
    auto put = [&](std::size_t row, std::size_t col, const std::string& text,
                   lxw_format* format) -> Status {
      longest[col] = std::max(longest[col], LongestLine(text));
      if (text.empty()) return {};
      if (CodePoints(text) > kMaxCellChars) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "a cell in \"" + t.title + "\" is longer than Excel's " +
                             std::to_string(kMaxCellChars) + " characters");
      }
      const lxw_error e = worksheet_write_string(ws, static_cast<lxw_row_t>(row),
                                                 static_cast<lxw_col_t>(col),
                                                 text.c_str(), format);
      if (e != LXW_NO_ERROR) {
        return MakeError(ErrorCode::kInternal,
                         std::string("cannot write a cell: ") + lxw_strerror(e));
      }
      return {};
    };
    for (std::size_t c = 0; c < t.header.size(); ++c) {
      ASSURE_TRY(put(0, c, t.header[c], bold));
    }
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const std::vector<std::string>& cells = t.rows[r].cells;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        lxw_format* f = LongestLine(cells[c]) > options.max_column_width ||
                                cells[c].find('\n') != std::string::npos
                            ? wrap
                            : plain;
        if (ragb && c == *ragb) {
          if (auto colour = RagbColourOf(cells[c])) {
            f = ragb_fill[static_cast<int>(*colour)];
          }
        }
        if (auto date = is_date_column(c) ? IsoDateCell(cells[c]) : std::nullopt) {
          longest[c] = std::max<std::size_t>(longest[c], 10);
          const lxw_error e = worksheet_write_datetime(
              ws, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c), &date->when,
              date->month ? month_date : day_date);
          if (e != LXW_NO_ERROR) {
            return MakeError(ErrorCode::kInternal,
                             std::string("cannot write a date cell: ") + lxw_strerror(e));
          }
          continue;
        }
        ASSURE_TRY(put(r + 1, c, cells[c], f));
      }
    }
    for (std::size_t c = 0; c < width; ++c) {
      const double w = std::clamp(static_cast<double>(longest[c]) + 2,
                                  options.min_column_width, options.max_column_width);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w,
                           nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    if (width > 0) {
      worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(t.rows.size()),
                           static_cast<lxw_col_t>(width - 1));
    }
  }

  lxw_workbook* closing = guard.wb;
  guard.wb = nullptr;
  const lxw_error closed = workbook_close(closing);
  if (closed != LXW_NO_ERROR) {
    return MakeError(ErrorCode::kIoError,
                     std::string("cannot write the workbook: ") + lxw_strerror(closed));
  }
  std::ifstream in(tmp.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return MakeError(ErrorCode::kIoError, "cannot read the written workbook back");
  }
  return bytes;
} catch (const std::bad_alloc&) {
  return MakeError(ErrorCode::kTooLarge, "not enough memory to write the workbook");
} catch (...) {
  return MakeError(ErrorCode::kInternal, "unexpected failure while writing the workbook");
}

}  // namespace assure::api::spreadsheet
