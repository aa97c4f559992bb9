#include "tests/spreadsheet/zip_fixture.h"

#include <zip.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace assure::api::spreadsheet::testing {

std::string MakeZip(const ZipEntries& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &error);
  if (!z) throw std::runtime_error("zip_open_from_source");
  zip_source_keep(src);
  for (const auto& [name, content] : entries) {
    zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
    if (zip_file_add(z, name.c_str(), s, ZIP_FL_OVERWRITE) < 0) {
      throw std::runtime_error("zip_file_add");
    }
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close");
  std::string out;
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  out.resize(static_cast<std::size_t>(size));
  zip_source_read(src, out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&error);
  return out;
}

std::string MakeXlsx(const std::vector<std::pair<std::string, std::string>>& sheets,
                     const std::string& shared_strings, const std::string& styles,
                     bool date1904) {
  ZipEntries e;
  std::string wb =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
  if (date1904) wb += "<workbookPr date1904=\"1\"/>";
  wb += "<sheets>";
  std::string rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    // Sheet parts deliberately numbered in reverse, so order must come from
    // workbook.xml and the rels, not from part names.
    const std::string part = "worksheets/sheet" + std::to_string(sheets.size() - i) + ".xml";
    wb += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    rels += "<Relationship Id=\"rId" + n +
            "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
            "relationships/worksheet\" Target=\"" + part + "\"/>";
    e.emplace_back("xl/" + part,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet "
                   "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                   "<sheetData>" + sheets[i].second + "</sheetData></worksheet>");
  }
  wb += "</sheets></workbook>";
  rels += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/"
          "officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
          "<Relationship Id=\"rIdY\" Type=\"http://schemas.openxmlformats.org/"
          "officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
          "</Relationships>";
  e.emplace_back("xl/workbook.xml", wb);
  e.emplace_back("xl/_rels/workbook.xml.rels", rels);
  if (!shared_strings.empty()) e.emplace_back("xl/sharedStrings.xml", shared_strings);
  if (!styles.empty()) e.emplace_back("xl/styles.xml", styles);
  return MakeZip(e);
}

std::string ReadZipEntry(const std::string& bytes, const std::string& name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (!z) {
    zip_source_free(src);
    return "";
  }
  std::string out;
  if (zip_file_t* f = zip_fopen(z, name.c_str(), 0)) {
    char buf[4096];
    zip_int64_t got;
    while ((got = zip_fread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(got));
    zip_fclose(f);
  }
  zip_discard(z);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace assure::api::spreadsheet::testing
