#include "api/import/xlsx_styles.h"

#include <cstdlib>
#include <map>
#include <string>

#include <pugixml.hpp>

namespace assure::api::import {
namespace {

std::optional<DateShape> BuiltIn(unsigned id) {
  if (id == 17) return DateShape::kMonth;  // mmm-yy
  if ((id >= 14 && id <= 16) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 58)) {
    return DateShape::kDate;
  }
  if (id == 22) return DateShape::kDateTime;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47)) {
    return DateShape::kTime;
  }
  return std::nullopt;
}

}  // namespace

std::optional<DateShape> DateShapeOfFormat(unsigned num_fmt_id,
                                           std::string_view code) {
  if (code.empty()) return BuiltIn(num_fmt_id);
  if (code == "General" || code == "general") return std::nullopt;
  bool d = false, m = false, y = false, h = false, s = false;
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (quoted) {
      quoted = c != '"';
      continue;
    }
    if (bracket) {
      bracket = c != ']';
      continue;
    }
    if (c == ';') break;  // first section only
    if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      bracket = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // escaped or padding character
    } else if ((c == 'A' || c == 'a') && (code.substr(i, 5) == "AM/PM" ||
                                          code.substr(i, 5) == "am/pm")) {
      i += 4;
    } else if ((c == 'A' || c == 'a') && (code.substr(i, 3) == "A/P" ||
                                          code.substr(i, 3) == "a/p")) {
      i += 2;
    } else {
      switch (c) {
        case 'd': case 'D': d = true; break;
        case 'm': case 'M': m = true; break;
        case 'y': case 'Y': y = true; break;
        case 'h': case 'H': h = true; break;
        case 's': case 'S': s = true; break;
        default: break;
      }
    }
  }
  if (d) return h ? DateShape::kDateTime : DateShape::kDate;
  if (y) return m ? DateShape::kMonth : DateShape::kYear;
  if (h || s) return DateShape::kTime;
  if (m) return DateShape::kDate;  // "mmmm" alone: a month name of a date
  return std::nullopt;
}

std::vector<std::optional<DateShape>> ParseDateStyles(std::string_view xml) {
  std::vector<std::optional<DateShape>> out;
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return out;
  const pugi::xml_node root = doc.child("styleSheet");
  std::map<unsigned, std::string> custom;
  for (pugi::xml_node f : root.child("numFmts").children("numFmt")) {
    custom[f.attribute("numFmtId").as_uint()] = f.attribute("formatCode").as_string();
  }
  for (pugi::xml_node xf : root.child("cellXfs").children("xf")) {
    const unsigned id = xf.attribute("numFmtId").as_uint();
    auto it = custom.find(id);
    out.push_back(DateShapeOfFormat(id, it == custom.end() ? std::string_view()
                                                           : std::string_view(it->second)));
  }
  return out;
}

}  // namespace assure::api::import
