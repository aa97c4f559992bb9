#include "api/spreadsheet/xlsx_reader.h"

#include <algorithm>
#include <charconv>
#include <compare>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "api/spreadsheet/column.h"
#include "api/spreadsheet/table_builder.h"
#include "api/spreadsheet/text.h"
#include "api/spreadsheet/xlsx_styles.h"
#include "api/spreadsheet/xlsx_writer.h"
#include "api/spreadsheet/zip_archive.h"

namespace assure::api::spreadsheet {
namespace {

struct SheetRef {
  std::string name;
  std::string path;  // inside the zip
};

// What the xlsx export says about one sheet (custom properties, see
// xlsx_writer.h).
struct SheetIdentity {
  std::string id;
  std::string title;
};

// An empty cell with a fill: where, and its style (see ParseFillColours).
struct FilledCell {
  std::size_t row = 0;
  std::size_t col = 0;
  unsigned style = 0;
  auto operator<=>(const FilledCell&) const = default;
};

struct Workbook {
  bool date1904 = false;
  std::vector<SheetRef> sheets;
  std::string shared_strings_path = "xl/sharedStrings.xml";
  std::string styles_path = "xl/styles.xml";
};

bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml"; "/xl/x.xml" -> "xl/x.xml".
std::string PartPath(std::string_view target) {
  if (!target.empty() && target.front() == '/') return std::string(target.substr(1));
  return "xl/" + std::string(target);
}

// The attribute "r:id" whatever its namespace prefix.
pugi::xml_attribute RelId(pugi::xml_node node) {
  for (pugi::xml_attribute a : node.attributes()) {
    if (EndsWith(a.name(), ":id")) return a;
  }
  return {};
}

// Decodes the OOXML escape _xHHHH_ (Excel writes _x000D_ for a carriage
// return) and normalises line ends to "\n".
std::string CleanText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '_' && i + 6 < in.size() && in[i + 1] == 'x' && in[i + 6] == '_') {
      unsigned v = 0;
      auto [p, ec] = std::from_chars(in.data() + i + 2, in.data() + i + 6, v, 16);
      if (ec == std::errc() && p == in.data() + i + 6) {
        if (v == 0x0D) {
          i += 6;
          continue;
        }
        if (v == 0x0A || v == 0x09 || (v >= 0x20 && v < 0x80)) {
          out.push_back(static_cast<char>(v));
          i += 6;
          continue;
        }
      }
    }
    if (in[i] == '\r') {
      if (i + 1 < in.size() && in[i + 1] == '\n') continue;
      out.push_back('\n');
      continue;
    }
    out.push_back(in[i]);
  }
  return out;
}

// Text of an <si> or <is>: its <t>, or the <t> of each rich-text run <r>;
// phonetic runs (<rPh>) are not part of the value.
std::string RichText(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node child : node.children()) {
    const std::string_view name = child.name();
    if (name == "t") {
      out += child.text().get();
    } else if (name == "r") {
      out += child.child("t").text().get();
    }
  }
  return out;
}

std::string FormatNumber(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// "BC12" -> column 54 (0-based); nullopt when there are no letters.
std::optional<std::size_t> ColumnOf(std::string_view ref) {
  std::size_t col = 0, i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 4) {
    col = col * 26 + static_cast<std::size_t>(ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0) return std::nullopt;
  return col - 1;
}

Error XmlError(const std::string& where, std::string_view part,
               const pugi::xml_parse_result& r) {
  return ReadError(ErrorCode::kInvalidArgument, where, 0,
                   "damaged workbook: " + std::string(part) + " is not XML (" +
                       r.description() + " at byte " +
                       std::to_string(r.offset) + ")");
}

class XlsxParser {
 public:
  XlsxParser(std::string file, const ReadOptions& options)
      : file_(std::move(file)), options_(options) {}

  Result<ReadResult> Parse(std::string_view bytes) {
    auto zip = ZipArchive::Open(bytes, file_, options_.limits);
    if (!zip.ok()) return std::move(zip).error();
    zip_ = std::move(*zip);
    ASSURE_TRY(LoadWorkbook());
    ASSURE_TRY(LoadIdentities());
    ASSURE_TRY(LoadSharedStrings());
    auto styles = zip_->Read(book_.styles_path);
    if (!styles.ok()) return std::move(styles).error();
    if (*styles) {
      date_styles_ = ParseDateStyles(**styles);
      fill_styles_ = ParseFillColours(**styles);
    }

    for (const SheetRef& sheet : book_.sheets) {
      ASSURE_TRY(LoadSheet(sheet));
    }
    if (out_.tables.empty()) {
      return ReadError(ErrorCode::kInvalidArgument, file_, 0,
                       "the workbook has no sheet with any cell in it");
    }
    return std::move(out_);
  }

 private:
  Result<pugi::xml_document*> LoadXml(pugi::xml_document& doc,
                                      const std::string& part, bool required) {
    auto text = zip_->Read(part);
    if (!text.ok()) return std::move(text).error();
    if (!*text) {
      if (!required) return static_cast<pugi::xml_document*>(nullptr);
      return ReadError(ErrorCode::kInvalidArgument, file_, 0,
                       "not an xlsx workbook: " + part + " is missing");
    }
    const std::string& xml = **text;
    const pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size());
    if (!r) return XmlError(file_, part, r);
    return &doc;
  }

  Status LoadWorkbook() {
    pugi::xml_document rels_doc;
    auto rels = LoadXml(rels_doc, "xl/_rels/workbook.xml.rels", false);
    if (!rels.ok()) return std::move(rels).error();
    std::map<std::string, std::string> targets;
    if (*rels) {
      for (pugi::xml_node r : rels_doc.child("Relationships").children("Relationship")) {
        const std::string type = r.attribute("Type").as_string();
        const std::string target = r.attribute("Target").as_string();
        targets[r.attribute("Id").as_string()] = target;
        if (EndsWith(type, "/sharedStrings")) book_.shared_strings_path = PartPath(target);
        if (EndsWith(type, "/styles")) book_.styles_path = PartPath(target);
      }
    }
    pugi::xml_document doc;
    auto wb = LoadXml(doc, "xl/workbook.xml", true);
    if (!wb.ok()) return std::move(wb).error();
    const pugi::xml_node root = doc.child("workbook");
    const std::string d1904 = root.child("workbookPr").attribute("date1904").as_string();
    book_.date1904 = d1904 == "1" || d1904 == "true";
    std::size_t n = 0;
    for (pugi::xml_node s : root.child("sheets").children("sheet")) {
      ++n;
      SheetRef ref;
      ref.name = s.attribute("name").as_string();
      auto it = targets.find(RelId(s).as_string());
      ref.path = it != targets.end() ? PartPath(it->second)
                                     : "xl/worksheets/sheet" + std::to_string(n) + ".xml";
      if (!IsValidUtf8(ref.name)) ref.name = "Sheet" + std::to_string(n);
      book_.sheets.push_back(std::move(ref));
    }
    if (book_.sheets.empty()) {
      return ReadError(ErrorCode::kInvalidArgument, file_, 0,
                       "not an xlsx workbook: xl/workbook.xml lists no sheets");
    }
    return {};
  }

  // The custom document properties the export writes (docProps/custom.xml,
  // or wherever _rels/.rels points), read through the same zip limits as
  // every other part. Properties Assure did not write are ignored.
  Status LoadIdentities() {
    std::string part = "docProps/custom.xml";
    pugi::xml_document rels_doc;
    auto rels = LoadXml(rels_doc, "_rels/.rels", false);
    if (!rels.ok()) return std::move(rels).error();
    if (*rels) {
      for (pugi::xml_node r : rels_doc.child("Relationships").children("Relationship")) {
        if (EndsWith(r.attribute("Type").as_string(), "/custom-properties")) {
          const std::string_view target = r.attribute("Target").as_string();
          part = std::string(target.substr(!target.empty() && target.front() == '/' ? 1 : 0));
        }
      }
    }
    pugi::xml_document doc;
    auto loaded = LoadXml(doc, part, false);
    if (!loaded.ok()) return std::move(loaded).error();
    if (!*loaded) return {};
    std::map<std::string, std::string> props;
    for (pugi::xml_node p : doc.child("Properties").children("property")) {
      const std::string name = p.attribute("name").as_string();
      std::string value = CleanText(p.first_child().text().get());
      if (name.rfind(kXlsxPropertyPrefix, 0) == 0 && IsValidUtf8(value)) {
        props[name.substr(kXlsxPropertyPrefix.size())] = std::string(TrimCell(value));
      }
    }
    for (std::size_t n = 1; props.count(std::to_string(n) + " sheet"); ++n) {
      const std::string stem = std::to_string(n) + " ";
      SheetIdentity& sheet = identities_[props[stem + "sheet"]];
      sheet.id = props[stem + "id"];
      sheet.title = props[stem + "title"];
      for (int part_no = 2; props.count(stem + "title " + std::to_string(part_no)); ++part_no) {
        sheet.title += props[stem + "title " + std::to_string(part_no)];
      }
    }
    return {};
  }

  Status LoadSharedStrings() {
    pugi::xml_document doc;
    auto loaded = LoadXml(doc, book_.shared_strings_path, false);
    if (!loaded.ok()) return std::move(loaded).error();
    if (!*loaded) return {};
    for (pugi::xml_node si : doc.child("sst").children("si")) {
      shared_.push_back(CleanText(RichText(si)));
    }
    return {};
  }

  // The text of one <c> element.
  std::string CellValue(pugi::xml_node c) {
    const std::string_view type = c.attribute("t").as_string();
    const char* v = c.child_value("v");
    if (type == "s") {
      const unsigned long i = std::strtoul(v, nullptr, 10);
      return i < shared_.size() ? shared_[i] : std::string();
    }
    if (type == "inlineStr") return CleanText(RichText(c.child("is")));
    if (type == "str" || type == "e" || type == "d") return CleanText(v);
    if (type == "b") return std::string(v) == "1" ? "TRUE" : "FALSE";
    if (*v == '\0') return {};
    char* end = nullptr;
    const double number = std::strtod(v, &end);
    if (end == v) return CleanText(v);
    const unsigned style = c.attribute("s").as_uint();
    if (style < date_styles_.size() && date_styles_[style]) {
      if (auto iso = ExcelSerialToIso(number, book_.date1904, *date_styles_[style])) {
        return *iso;
      }
    }
    return FormatNumber(number);
  }

  // A RAGB Status cell with no text but a fill says its rating by colour:
  // the word is read from the colour, with a warning naming it; a colour
  // that is no rating is a warning, so the rating is never lost silently.
  void RatingsFromFills(Table& table, std::vector<FilledCell>& fills, const std::string& where) {
    const std::optional<std::size_t> col = MatchHeader(table.header).Find(Column::kRagbStatus);
    if (!col || fills.empty()) return;
    std::sort(fills.begin(), fills.end());
    for (Row& row : table.rows) {
      if (*col >= row.cells.size() || !row.cells[*col].empty()) continue;
      auto it = std::lower_bound(fills.begin(), fills.end(), FilledCell{row.number, *col, 0});
      if (it == fills.end() || it->row != row.number || it->col != *col) continue;
      const std::string& colour = fill_styles_[it->style];
      const std::string shown = colour.rfind("theme", 0) == 0 ? "a " + colour + " colour"
                                                               : "#" + colour;
      if (auto word = RagbWordOfFill(colour)) {
        row.cells[*col] = std::string(*word);
        out_.warnings.push_back({where, row.number,
                                 "RAGB Status has no word but is filled " + shown +
                                     ": read as " + std::string(*word)});
      } else {
        out_.warnings.push_back({where, row.number,
                                 "RAGB Status has no word but is filled " + shown +
                                     ", which is not a red, amber, green or blue: no "
                                     "rating read"});
      }
    }
  }

  Status LoadSheet(const SheetRef& sheet) {
    const std::string where = file_ + ":" + sheet.name;
    pugi::xml_document doc;
    auto loaded = LoadXml(doc, sheet.path, false);
    if (!loaded.ok()) return std::move(loaded).error();
    if (!*loaded) {
      out_.warnings.push_back({where, 0, "sheet part " + sheet.path + " is missing; skipped"});
      return {};
    }
    const ReadLimits& limits = options_.limits;
    std::vector<Row> rows;
    std::vector<FilledCell> fills;  // empty cells with a fill: a rating may be a colour
    std::size_t next_row = 1;
    for (pugi::xml_node r : doc.child("worksheet").child("sheetData").children("row")) {
      Row row;
      const std::size_t given = r.attribute("r").as_ullong();
      row.number = given > 0 ? given : next_row;
      next_row = row.number + 1;
      std::size_t next_col = 0;
      for (pugi::xml_node c : r.children("c")) {
        const std::size_t col = ColumnOf(c.attribute("r").as_string()).value_or(next_col);
        next_col = col + 1;
        std::string text = CellValue(c);
        const std::string_view t = TrimCell(text);
        if (t.empty()) {
          const unsigned style = c.attribute("s").as_uint();
          if (style < fill_styles_.size() && !fill_styles_[style].empty()) {
            fills.push_back({row.number, col, style});
          }
          continue;
        }
        if (col >= limits.max_columns) {
          return ReadError(ErrorCode::kTooLarge, where, row.number,
                           "row has a cell in column " + std::to_string(col + 1) +
                               "; the limit is " + std::to_string(limits.max_columns) +
                               " columns");
        }
        if (t.size() > limits.max_cell_bytes) {
          return ReadError(ErrorCode::kTooLarge, where, row.number,
                           "a cell is longer than " +
                               std::to_string(limits.max_cell_bytes) + " bytes");
        }
        if (!IsValidUtf8(t)) {
          return ReadError(ErrorCode::kInvalidArgument, where, row.number,
                           "a cell holds invalid UTF-8");
        }
        if (row.cells.size() <= col) row.cells.resize(col + 1);
        row.cells[col] = std::string(t);
      }
      if (row.cells.empty()) continue;
      if (rows.size() >= limits.max_rows) {
        return ReadError(ErrorCode::kTooLarge, where, row.number,
                         "more than " + std::to_string(limits.max_rows) + " rows");
      }
      rows.push_back(std::move(row));
    }
    if (rows.empty()) {
      out_.warnings.push_back({where, 0, "sheet is empty; skipped"});
      return {};
    }
    // A title row above the header names the table better than the sheet
    // name; what the export recorded for this sheet names it best.
    auto table = BuildTable(std::move(rows), std::string(), where, where, options_,
                            /*first_row_fallback=*/true, out_.warnings);
    if (!table.ok()) return std::move(table).error();
    if (table->title.empty()) table->title = sheet.name;
    if (auto it = identities_.find(sheet.name); it != identities_.end()) {
      if (!it->second.title.empty()) table->title = it->second.title;
      table->id = it->second.id;
    }
    RatingsFromFills(*table, fills, where);
    out_.tables.push_back(std::move(*table));
    return {};
  }

  std::string file_;
  const ReadOptions& options_;
  std::unique_ptr<ZipArchive> zip_;
  Workbook book_;
  std::map<std::string, SheetIdentity> identities_;  // by sheet name
  std::vector<std::string> shared_;
  std::vector<std::optional<DateShape>> date_styles_;
  std::vector<std::string> fill_styles_;  // by style index, see ParseFillColours
  ReadResult out_;
};

}  // namespace

Result<ReadResult> ReadXlsx(std::string_view bytes, std::string_view file_name,
                            const ReadOptions& options) try {
  const std::string file(file_name);
  if (bytes.empty()) {
    return ReadError(ErrorCode::kInvalidArgument, file, 0,
                     "file is empty: there is no workbook to read");
  }
  if (bytes.size() > options.limits.max_input_bytes) {
    return ReadError(ErrorCode::kTooLarge, file, 0,
                     "file is " + std::to_string(bytes.size()) +
                         " bytes; the limit is " +
                         std::to_string(options.limits.max_input_bytes));
  }
  XlsxParser parser(file, options);
  return parser.Parse(bytes);
} catch (const std::bad_alloc&) {
  return ReadError(ErrorCode::kTooLarge, file_name, 0,
                   "not enough memory to read the workbook");
} catch (...) {
  return ReadError(ErrorCode::kInternal, file_name, 0,
                   "unexpected failure while reading the workbook");
}

}  // namespace assure::api::spreadsheet
