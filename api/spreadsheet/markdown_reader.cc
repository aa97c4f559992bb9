#include "api/spreadsheet/markdown_reader.h"

#include <cstddef>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/table_builder.h"
#include "api/spreadsheet/text.h"

namespace assure::api::spreadsheet {
namespace {

constexpr std::size_t kTitleLookBackLines = 80;
constexpr std::size_t kTitleMaxCodePoints = 100;
constexpr std::size_t kTitleParagraphLines = 6;

struct Line {
  std::string_view text;  // without its line end
  std::size_t number = 0;
  bool in_table = false;
  bool in_fence = false;
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  std::size_t number = 1;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back({text.substr(pos, end - pos), number++, false, false});
    if (end == text.size()) break;
    pos = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
  }
  bool fence = false;
  for (Line& l : lines) {
    const std::string_view t = TrimCell(l.text);
    if (t.substr(0, 3) == "```" || t.substr(0, 3) == "~~~") {
      fence = !fence;
      l.in_fence = true;
      continue;
    }
    l.in_fence = fence;
    l.in_table = !fence && !t.empty() && t.front() == '|';
  }
  return lines;
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits "| a | b \| c |" into {"a", "b | c"}.
std::vector<std::string> SplitRow(std::string_view line) {
  std::string_view t = TrimCell(line);
  if (!t.empty() && t.front() == '|') t.remove_prefix(1);
  std::vector<std::string> cells;
  std::string cell;
  bool open = false;  // text since the last unescaped pipe
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '\\' && i + 1 < t.size() && t[i + 1] == '|') {
      cell.push_back('|');
      ++i;
      open = true;
      continue;
    }
    if (c == '|') {
      cells.emplace_back(TrimCell(cell));
      cell.clear();
      open = false;
      continue;
    }
    cell.push_back(c);
    open = true;
  }
  if (open && !TrimCell(cell).empty()) cells.emplace_back(TrimCell(cell));
  return cells;
}

bool IsSeparatorRow(const std::vector<std::string>& cells) {
  if (cells.empty()) return false;
  for (const std::string& c : cells) {
    std::string_view v = c;
    if (!v.empty() && v.front() == ':') v.remove_prefix(1);
    if (!v.empty() && v.back() == ':') v.remove_suffix(1);
    if (v.empty()) return false;
    for (char ch : v) {
      if (ch != '-') return false;
    }
  }
  return true;
}

bool HasText(const std::vector<std::string>& cells, std::size_t at_least) {
  std::size_t n = 0;
  for (const std::string& c : cells) n += c.empty() ? 0 : 1;
  return n >= at_least;
}

// A line that could be a title: short, not a sentence, a list item, a link or
// a file name.
bool TitleLike(std::string_view t) {
  if (t.empty() || CodePoints(t) > kTitleMaxCodePoints) return false;
  const char last = t.back();
  if (last == '.' || last == ':' || last == ';' || last == ',') return false;
  if (StartsWith(t, "- ") || StartsWith(t, "* ") || StartsWith(t, "\xE2\x80\xA2") ||
      StartsWith(t, "[") || StartsWith(t, "<") || StartsWith(t, "!") ||
      StartsWith(t, ">")) {
    return false;
  }
  std::size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  if (digits > 0 && digits < t.size() && (t[digits] == '.' || t[digits] == ')')) {
    return false;
  }
  const std::string lower = Lower(t);
  if (lower.find("](") != std::string::npos || lower.find("http") != std::string::npos) {
    return false;
  }
  for (std::string_view ext : {".xlsx", ".xlsm", ".xls", ".docx", ".doc", ".csv", ".pdf"}) {
    if (EndsWith(lower, ext)) return false;
  }
  return true;
}

bool NamesProgramme(std::string_view t) {
  const std::string lower = Lower(t);
  return lower.find("programme") != std::string::npos ||
         lower.find("program") != std::string::npos;
}

bool IsBlankLine(const Line& l) {
  return l.in_table || l.in_fence || TrimCell(l.text).empty();
}

bool IsHeading(std::string_view t) { return !t.empty() && t.front() == '#'; }

// "====" or "----" under a line: a setext heading's underline.
bool IsUnderline(std::string_view t) {
  return t.size() >= 3 && (t.find_first_not_of('=') == std::string_view::npos ||
                           t.find_first_not_of('-') == std::string_view::npos);
}

bool HasYearDigits(std::string_view t) {
  std::size_t run = 0;
  for (char c : t) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run == 4) return true;
  }
  return false;
}

// The lines of the paragraph ending at line index `end` (no further back than
// `bound`, at most kTitleParagraphLines), joined with single spaces and with
// bold markers ("**") removed, as a reader sees "**Medical Physics\nWork
// Programme\n(2023 - 2024)**" or the same in plain text. `first` receives the
// index of the paragraph's first line. Empty when the paragraph is too long
// to be a title.
std::string ParagraphEndingAt(const std::vector<Line>& lines, std::size_t end,
                              std::size_t bound, std::size_t& first) {
  first = end;
  while (first > bound && !IsBlankLine(lines[first - 1]) &&
         !IsHeading(TrimCell(lines[first - 1].text))) {
    --first;
  }
  if (end - first + 1 > kTitleParagraphLines) return {};
  std::string joined;
  for (std::size_t k = first; k <= end; ++k) {
    const std::string_view t = TrimCell(lines[k].text);
    if (!joined.empty()) joined.push_back(' ');
    joined.append(t);
  }
  std::string out;
  for (std::size_t k = 0; k < joined.size(); ++k) {
    if (joined.compare(k, 2, "**") == 0) {
      ++k;
      continue;
    }
    out.push_back(joined[k]);
  }
  return std::string(TrimCell(out));
}

// A heading's text ("## Medical Physics" -> "Medical Physics").
std::string_view HeadingText(std::string_view t) {
  while (!t.empty() && t.front() == '#') t.remove_prefix(1);
  return TrimCell(t);
}

// The title of the table starting at line index `start`, read as a person
// would: the nearest heading, or the nearest paragraph naming a programme
// (bold or plain, one line or several), looking no further back than `bound`
// (the end of the previous table). A title naming no year takes the year from
// a short paragraph between it and the table ("Medical Physics Work
// Programme", blank line, "(2023 - 2024)"). Failing both, the nearest
// title-like paragraph.
std::string FindTitle(const std::vector<Line>& lines, std::size_t start,
                      std::size_t bound) {
  std::string weak;
  std::string year_part;  // nearest title-like paragraph with a year in it
  auto with_year = [&](std::string title) {
    if (!HasYearDigits(title) && !year_part.empty()) title += " " + year_part;
    return title;
  };
  std::size_t scanned = 0;
  for (std::size_t i = start; i > bound && scanned < kTitleLookBackLines;) {
    --i;
    ++scanned;
    const std::string_view t = TrimCell(lines[i].text);
    if (IsBlankLine(lines[i])) continue;
    if (IsHeading(t)) {
      const std::string_view h = HeadingText(t);
      if (!h.empty()) return with_year(std::string(h));
      continue;
    }
    std::size_t first = i;
    const bool setext = IsUnderline(t) && i > bound && !IsBlankLine(lines[i - 1]);
    std::string text = ParagraphEndingAt(lines, setext ? i - 1 : i, bound, first);
    scanned += i - first;
    i = first;
    if (setext && !text.empty()) return with_year(std::move(text));
    if (!TitleLike(text)) continue;
    if (NamesProgramme(text)) return with_year(std::move(text));
    if (weak.empty()) weak = text;
    if (year_part.empty() && HasYearDigits(text)) year_part = text;
  }
  return weak;
}

class MarkdownParser {
 public:
  MarkdownParser(const std::string& file, const ReadOptions& options)
      : file_(file), options_(options) {}

  Result<ReadResult> Parse(std::string_view text) {
    lines_ = SplitLines(text);
    std::size_t bound = 0;           // titles are looked for at/after this line index
    std::optional<std::size_t> prev_end;  // index one past the previous table
    std::size_t total_rows = 0;
    for (std::size_t i = 0; i < lines_.size();) {
      if (!lines_[i].in_table) {
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < lines_.size() && lines_[end].in_table) ++end;
      std::vector<Row> rows;
      for (std::size_t k = i; k < end; ++k) {
        Row r{lines_[k].number, SplitRow(lines_[k].text)};
        if (r.cells.size() > options_.limits.max_columns) {
          return ReadError(ErrorCode::kTooLarge, file_, r.number,
                           "row has " + std::to_string(r.cells.size()) +
                               " cells; the limit is " +
                               std::to_string(options_.limits.max_columns));
        }
        rows.push_back(std::move(r));
      }
      total_rows += rows.size();
      if (total_rows > options_.limits.max_rows) {
        return ReadError(ErrorCode::kTooLarge, file_, lines_[i].number,
                         "more than " + std::to_string(options_.limits.max_rows) +
                             " table rows");
      }
      const bool continues = prev_end && OnlyBlankBetween(*prev_end, i) &&
                             IsBlankRow(rows.front().cells);
      AddBlock(std::move(rows), i, bound, continues);
      if (HasText(out_.tables.back().header, 2)) bound = end;
      prev_end = end;
      i = end;
    }
    for (const Table& t : out_.tables) {
      if (MatchHeader(t.header).matched >= options_.min_header_matches) {
        WarnUnknownColumns(t, file_, out_.warnings);
      }
    }
    return std::move(out_);
  }

 private:
  bool OnlyBlankBetween(std::size_t from, std::size_t to) const {
    for (std::size_t k = from; k < to; ++k) {
      if (!TrimCell(lines_[k].text).empty()) return false;
    }
    return true;
  }

  void AddBlock(std::vector<Row> rows, std::size_t first_line_index,
                std::size_t bound, bool continues) {
    std::size_t data_from = 1;
    if (rows.size() >= 2 && IsSeparatorRow(rows[1].cells)) {
      data_from = 2;
    } else if (!continues) {
      out_.warnings.push_back({file_, rows[0].number,
                               "table has no |---| separator row; its first "
                               "row is taken as the header"});
    }
    if (continues) {
      out_.warnings.push_back({file_, rows[0].number,
                               "table with an empty header row continues the "
                               "table above (a table split across pages)"});
    } else {
      Table t;
      t.title = FindTitle(lines_, first_line_index, bound);
      t.source = file_;
      t.header_row = rows[0].number;
      t.header = std::move(rows[0].cells);
      out_.tables.push_back(std::move(t));
    }
    Table& table = out_.tables.back();
    const bool real_header = HasText(table.header, 1);
    const std::size_t width = table.header.size();
    for (std::size_t k = data_from; k < rows.size(); ++k) {
      Row& r = rows[k];
      if (IsSeparatorRow(r.cells) || IsBlankRow(r.cells)) continue;
      ShapeRow(r, width, file_, real_header, real_header, out_.warnings);
      if (HasText(table.header, 2)) WarnIfSectionRow(r, file_, out_.warnings);
      table.rows.push_back(std::move(r));
    }
  }

  const std::string& file_;
  const ReadOptions& options_;
  std::vector<Line> lines_;
  ReadResult out_;
};

}  // namespace

Result<ReadResult> ReadMarkdown(std::string_view bytes,
                                std::string_view file_name,
                                const ReadOptions& options) try {
  const std::string file(file_name);
  std::string decoded;
  auto input = DecodeTextInput(bytes, file, options.limits, decoded);
  if (!input.ok()) return std::move(input).error();
  MarkdownParser parser(file, options);
  auto result = parser.Parse(input->text);
  if (result.ok()) result->encoding = EncodingName(input->encoding);
  if (result.ok() && result->tables.empty()) {
    return ReadError(ErrorCode::kInvalidArgument, file, 0,
                     "no Markdown pipe table found (tables are lines starting "
                     "with '|' followed by a |---| separator row)");
  }
  return result;
} catch (const std::bad_alloc&) {
  return ReadError(ErrorCode::kTooLarge, file_name, 0,
                   "not enough memory to read the file");
} catch (...) {
  return ReadError(ErrorCode::kInternal, file_name, 0,
                   "unexpected failure while reading Markdown");
}

}  // namespace assure::api::spreadsheet
