#include "api/rest/download_name.h"

#include <array>
#include <cctype>
#include <utility>

#include "domain/hex.h"

namespace assure::api::rest {

std::string ExtensionOf(std::string_view media_type) {
  const std::string_view type = media_type.substr(0, media_type.find(';'));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kKnown = {{
      {"application/pdf", ".pdf"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
      {"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"},
      {"application/msword", ".doc"},
      {"application/vnd.ms-excel", ".xls"},
      {"application/vnd.oasis.opendocument.text", ".odt"},
      {"application/zip", ".zip"},
      {"application/json", ".json"},
      {"text/plain", ".txt"},
      {"text/markdown", ".md"},
      {"text/csv", ".csv"},
      {"text/html", ".html"},
      {"image/png", ".png"},
      {"image/jpeg", ".jpg"},
      {"image/svg+xml", ".svg"},
  }};
  for (const auto& [known, ext] : kKnown) {
    if (type == known) return std::string(ext);
  }
  return {};
}

namespace {

// At most `max` bytes of `s`, cut before a UTF-8 continuation byte never.
std::string CutUtf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

}  // namespace

std::string DownloadFileName(const domain::ControlledDocumentState& doc, const domain::DocumentVersion& version) {
  std::string name;
  auto add = [&name](std::string_view part) {
    // Control characters and path separators have no place in a file name.
    std::string clean;
    for (char c : part) {
      const auto u = static_cast<unsigned char>(c);
      clean += (u < 0x20 || u == 0x7f || c == '/' || c == '\\') ? ' ' : c;
    }
    const auto first = clean.find_first_not_of(' ');
    if (first == std::string::npos) return;
    clean = clean.substr(first, clean.find_last_not_of(' ') - first + 1);
    if (!name.empty()) name += ' ';
    name += clean;
  };
  if (!doc.document_numbers.empty()) add(doc.document_numbers.front());
  add(doc.title);
  if (!version.version_label.empty()) add("v" + version.version_label);
  name = CutUtf8(std::move(name), 150);
  if (name.empty()) name = "document";
  return name + ExtensionOf(version.media_type);
}

std::string ContentDisposition(std::string_view file_name) {
  std::string ascii, encoded;
  for (char c : file_name) {
    const auto u = static_cast<unsigned char>(c);
    ascii += (u < 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == '/') ? '_' : c;
    // RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"
    if (std::isalnum(u) || std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos) {
      encoded += c;
    } else {
      char digits[2];
      domain::WriteHexUpper(digits, u);
      encoded += '%';
      encoded.append(digits, 2);
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace assure::api::rest
