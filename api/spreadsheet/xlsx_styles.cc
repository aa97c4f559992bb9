#include "api/spreadsheet/xlsx_styles.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <pugixml.hpp>

namespace assure::api::spreadsheet {
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

// Excel's legacy palette (indexed="N"); 0-7 repeat 8-15, 64+ are system colours.
constexpr std::array<unsigned, 56> kIndexedColours = {
    0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0xFF00FF, 0x00FFFF,
    0x800000, 0x008000, 0x000080, 0x808000, 0x800080, 0x008080, 0xC0C0C0, 0x808080,
    0x9999FF, 0x993366, 0xFFFFCC, 0xCCFFFF, 0x660066, 0xFF8080, 0x0066CC, 0xCCCCFF,
    0x000080, 0xFF00FF, 0xFFFF00, 0x00FFFF, 0x800080, 0x800000, 0x008080, 0x0000FF,
    0x00CCFF, 0xCCFFFF, 0xCCFFCC, 0xFFFF99, 0x99CCFF, 0xFF99CC, 0xCC99FF, 0xFFCC99,
    0x3366FF, 0x33CCCC, 0x99CC00, 0xFFCC00, 0xFF9900, 0xFF6600, 0x666699, 0x969696,
    0x003366, 0x339966, 0x003300, 0x333300, 0x993300, 0x993366, 0x333399, 0x333333};

std::string ColourOf(pugi::xml_node colour) {
  if (!colour) return {};
  if (pugi::xml_attribute rgb = colour.attribute("rgb")) {
    std::string v = rgb.as_string();
    if (v.size() == 8) v = v.substr(2);  // ARGB
    if (v.size() != 6 || v.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return {};
    }
    std::transform(v.begin(), v.end(), v.begin(),
                   [](char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 32) : c; });
    return v;
  }
  if (pugi::xml_attribute indexed = colour.attribute("indexed")) {
    const unsigned i = indexed.as_uint();
    if (i >= 64) return {};
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06X", kIndexedColours[i < 8 ? i : i - 8]);
    return buf;
  }
  if (pugi::xml_attribute theme = colour.attribute("theme")) {
    return "theme " + std::string(theme.as_string());
  }
  return {};
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

std::vector<std::string> ParseFillColours(std::string_view xml) {
  std::vector<std::string> out;
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return out;
  const pugi::xml_node root = doc.child("styleSheet");
  std::vector<std::string> fills;
  for (pugi::xml_node f : root.child("fills").children("fill")) {
    const pugi::xml_node pattern = f.child("patternFill");
    const std::string_view type = pattern.attribute("patternType").as_string();
    fills.push_back(type == "solid" ? ColourOf(pattern.child("fgColor")) : std::string());
  }
  for (pugi::xml_node xf : root.child("cellXfs").children("xf")) {
    const unsigned id = xf.attribute("fillId").as_uint();
    out.push_back(id < fills.size() ? fills[id] : std::string());
  }
  return out;
}

std::optional<std::string_view> RagbWordOfFill(std::string_view colour) {
  if (colour.size() != 6) return std::nullopt;
  const unsigned v = static_cast<unsigned>(std::strtoul(std::string(colour).c_str(), nullptr, 16));
  const double r = ((v >> 16) & 0xFF) / 255.0, g = ((v >> 8) & 0xFF) / 255.0, b = (v & 0xFF) / 255.0;
  const double hi = std::max({r, g, b}), lo = std::min({r, g, b});
  if (hi < 0.35 || (hi - lo) / hi < 0.3) return std::nullopt;  // dark, grey or pale
  double hue = 0;
  if (hi == r) hue = 60 * (g - b) / (hi - lo);
  else if (hi == g) hue = 60 * (2 + (b - r) / (hi - lo));
  else hue = 60 * (4 + (r - g) / (hi - lo));
  if (hue < 0) hue += 360;
  if (hue < 15 || hue >= 330) return "Red";
  if (hue < 65) return "Amber";
  if (hue >= 75 && hue < 165) return "Green";
  if (hue >= 185 && hue < 255) return "Blue";
  return std::nullopt;
}

}  // namespace assure::api::spreadsheet
