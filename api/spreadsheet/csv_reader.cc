#include "api/spreadsheet/csv_reader.h"

#include <algorithm>
#include <array>
#include <new>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/table_builder.h"
#include "api/spreadsheet/text.h"

namespace assure::api::spreadsheet {
namespace {

class Tokenizer {
 public:
  Tokenizer(std::string_view text, char delim, std::size_t first_line,
            const std::string& file, const ReadLimits& limits)
      : s_(text), delim_(delim), line_(first_line), file_(file), limits_(limits) {}

  // Reads up to max_records records (blank lines are not records). With
  // partial, an error ends the run and the rows read so far are returned.
  Result<std::vector<Row>> Run(std::size_t max_records, bool partial = false) {
    std::vector<Row> rows;
    while (pos_ < s_.size() && rows.size() < max_records) {
      Row row;
      row.number = line_;
      if (Status st = ReadRecord(row.cells); !st.ok()) {
        if (partial) return rows;
        return std::move(st).error();
      }
      if (IsBlankRow(row.cells)) continue;
      if (rows.size() >= limits_.max_rows) {
        return ReadError(ErrorCode::kTooLarge, file_, row.number,
                         "more than " + std::to_string(limits_.max_rows) +
                             " rows");
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  // True once a quote was read that a writer of RFC 4180 (Excel, Assure's
  // export) never writes: inside an unquoted cell, or text after a closing
  // quote. A sign that the delimiter tried is not the file's.
  bool stray_quote() const { return stray_quote_; }

 private:
  bool AtNewline() const { return s_[pos_] == '\n' || s_[pos_] == '\r'; }

  // Consumes one line end at pos_ (CRLF, LF or CR).
  void SkipNewline() {
    if (s_[pos_] == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  Status AddCell(std::vector<std::string>& cells, std::string& field,
                 std::size_t& deferred_empty, std::size_t record_line) {
    std::string_view t = TrimCell(field);
    if (t.empty()) {
      // Empty cells past the column limit are only counted, so a row of
      // 10,000 empty cells costs nothing; text there is an error.
      if (cells.size() >= limits_.max_columns) {
        ++deferred_empty;
      } else {
        cells.emplace_back();
      }
    } else {
      if (cells.size() + deferred_empty >= limits_.max_columns) {
        return ReadError(ErrorCode::kTooLarge, file_, record_line,
                         "row has more than " +
                             std::to_string(limits_.max_columns) + " columns");
      }
      if (t.size() != field.size()) {
        cells.emplace_back(t);
      } else {
        cells.push_back(std::move(field));
      }
    }
    field.clear();
    return {};
  }

  Status CheckCellSize(const std::string& field, std::size_t record_line) {
    if (field.size() > limits_.max_cell_bytes) {
      return ReadError(ErrorCode::kTooLarge, file_, record_line,
                       "a cell is longer than " +
                           std::to_string(limits_.max_cell_bytes) + " bytes");
    }
    return {};
  }

  Status ReadRecord(std::vector<std::string>& cells) {
    const std::size_t record_line = line_;
    std::string field;
    std::size_t deferred_empty = 0;
    while (true) {
      if (pos_ >= s_.size()) {
        return AddCell(cells, field, deferred_empty, record_line);
      }
      if (s_[pos_] == '"') {
        // Quoted cell: up to the closing quote; "" is a quote.
        const std::size_t open_line = line_;
        ++pos_;
        while (true) {
          if (pos_ >= s_.size()) {
            return ReadError(ErrorCode::kInvalidArgument, file_, open_line,
                             "a quoted cell opened on this line is never "
                             "closed");
          }
          const char c = s_[pos_];
          if (c == '"') {
            if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
              field.push_back('"');
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          if (c == '\r' || c == '\n') {
            SkipNewline();
            field.push_back('\n');
            continue;
          }
          const std::size_t stop = s_.find_first_of("\"\r\n", pos_);
          const std::size_t end = stop == std::string_view::npos ? s_.size() : stop;
          field.append(s_.substr(pos_, end - pos_));
          pos_ = end;
          ASSURE_TRY(CheckCellSize(field, record_line));
        }
        // Excel never writes text after a closing quote; take any as-is.
        if (pos_ < s_.size() && s_[pos_] != delim_ && s_[pos_] != '\n' && s_[pos_] != '\r') {
          stray_quote_ = true;
        }
      }
      // Unquoted text up to the next delimiter or line end.
      std::size_t end = pos_;
      while (end < s_.size() && s_[end] != delim_ && s_[end] != '\n' &&
             s_[end] != '\r') {
        if (s_[end] == '"') stray_quote_ = true;  // Excel quotes a cell holding a quote
        ++end;
      }
      field.append(s_.substr(pos_, end - pos_));
      pos_ = end;
      ASSURE_TRY(CheckCellSize(field, record_line));
      if (pos_ >= s_.size()) continue;  // adds the cell above
      if (s_[pos_] == delim_) {
        ++pos_;
        ASSURE_TRY(AddCell(cells, field, deferred_empty, record_line));
        continue;
      }
      // Line end: the record is complete.
      ASSURE_TRY(AddCell(cells, field, deferred_empty, record_line));
      SkipNewline();
      return {};
    }
  }

  std::string_view s_;
  char delim_;
  bool stray_quote_ = false;  // a quote Excel would not write: see stray_quote()
  std::size_t pos_ = 0;
  std::size_t line_;
  const std::string& file_;
  const ReadLimits& limits_;
};

// How well `delim` splits the start of the file, as (found a header row,
// how early, its matches, widest row): the header the reader will take is the
// first row with enough matches, so the delimiter that yields it earliest wins
// (a cell that happens to hold "Network Reference;Deliverable;..." further
// down must not make ';' win). Rows up to the first error count, so a bad row
// further down is reported with the right delimiter.
// Quotes as RFC 4180 writes them rank first: under the wrong delimiter a
// cell's quotes are no longer at its start. Then a header row none of whose
// cells spans lines ranks above one that does:
// quotes paired under the wrong delimiter swallow line breaks, and with them
// the next lines' text (a cell holding "Network Reference;Deliverable;..."
// read as part of the header) - the fuzzer found a written CSV read back with
// ';' this way.
struct DelimiterScore {
  bool found = false;
  bool quotes_well_formed = false;  // no Tokenizer::stray_quote in the rows read
  bool header_on_one_line = false;
  std::size_t earliness = 0;  // header_search_rows - index of the header row
  std::size_t matches = 0;
  std::size_t widest = 0;
  auto Key() const {
    return std::make_tuple(found, quotes_well_formed, header_on_one_line, earliness, matches, widest);
  }
};

DelimiterScore ScoreDelimiter(std::string_view text, char delim, std::size_t first_line,
                              const std::string& file, const ReadOptions& options) {
  Tokenizer t(text, delim, first_line, file, options.limits);
  auto rows = t.Run(options.header_search_rows, /*partial=*/true);
  DelimiterScore score;
  if (!rows.ok()) return score;
  score.quotes_well_formed = !t.stray_quote();
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const Row& r = (*rows)[i];
    score.widest = std::max(score.widest, r.cells.size());
    const std::size_t m = MatchHeader(r.cells).matched;
    if (!score.found && m >= options.min_header_matches) {
      score.found = true;
      score.header_on_one_line = std::none_of(r.cells.begin(), r.cells.end(), [](const std::string& c) {
        return c.find('\n') != std::string::npos;
      });
      score.earliness = options.header_search_rows - i;
      score.matches = m;
    }
  }
  return score;
}

}  // namespace

Result<ReadResult> ReadCsv(std::string_view bytes, std::string_view file_name,
                           const ReadOptions& options) try {
  const std::string file(file_name);
  std::string decoded;
  auto input = DecodeTextInput(bytes, file, options.limits, decoded);
  if (!input.ok()) return std::move(input).error();
  std::string_view text = input->text;

  std::size_t first_line = 1;
  char delim = 0;
  // Excel's "sep=;" hint line.
  if (text.size() >= 5 && (text.substr(0, 4) == "sep=" || text.substr(0, 4) == "SEP=") &&
      text[4] != '\r' && text[4] != '\n' && text[4] != '"' &&
      (text.size() == 5 || text[5] == '\r' || text[5] == '\n')) {
    delim = text[4];
    std::size_t cut = 5;
    if (cut < text.size() && text[cut] == '\r') ++cut;
    if (cut < text.size() && text[cut] == '\n') ++cut;
    text.remove_prefix(cut);
    first_line = 2;
  }
  if (delim == 0) {
    delim = ',';
    DelimiterScore best;
    for (char d : std::array<char, 3>{',', ';', '\t'}) {
      const DelimiterScore score = ScoreDelimiter(text, d, first_line, file, options);
      if (score.Key() > best.Key()) {
        best = score;
        delim = d;
      }
    }
  }

  Tokenizer tokenizer(text, delim, first_line, file, options.limits);
  auto rows = tokenizer.Run(static_cast<std::size_t>(-1));
  if (!rows.ok()) return std::move(rows).error();

  ReadResult out;
  out.encoding = EncodingName(input->encoding);
  auto table = BuildTable(std::move(*rows), "", file, file, options,
                          /*first_row_fallback=*/false, out.warnings);
  if (!table.ok()) return std::move(table).error();
  out.tables.push_back(std::move(*table));
  return out;
} catch (const std::bad_alloc&) {
  return ReadError(ErrorCode::kTooLarge, file_name, 0,
                   "not enough memory to read the file");
} catch (...) {
  return ReadError(ErrorCode::kInternal, file_name, 0,
                   "unexpected failure while reading CSV");
}

}  // namespace assure::api::spreadsheet
