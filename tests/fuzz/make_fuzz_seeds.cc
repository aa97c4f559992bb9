// Writes seed corpora for the fuzz targets (run by ops/fuzz and ops/test):
//   make_fuzz_seeds STRATEGY_MD OUT_DIR
// OUT_DIR/pack/:  an evidence pack of tests/evidence's scripted network, as a
//                 zip and as files (verify_pack_fuzz's two inputs);
// OUT_DIR/json/:  its pack.json, proofs.json and event lines, and request
//                 bodies;
// OUT_DIR/xlsx/:  the strategy document's tables written as a workbook, as a
//                 zip and as parts (xlsx_reader_fuzz's two inputs);
// OUT_DIR/query/: request targets.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "api/evidence/pack_format.h"
#include "api/evidence/pack_zip.h"
#include "api/spreadsheet/markdown_reader.h"
#include "api/spreadsheet/xlsx_writer.h"
#include "tests/evidence/scripted_network.h"
#include "tests/fuzz/fuzz_entries.h"

namespace fs = std::filesystem;

namespace {

void Write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

std::string Read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_fuzz_seeds STRATEGY_MD OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[2];

  assure::api::testing::ScriptedNetwork net;
  net.Script();
  const auto pack = net.BuildPack();
  if (pack.zip.empty()) return 1;
  Write(out / "pack" / "pack.zip", std::string(1, '\0') + pack.zip);
  auto files = assure::api::ReadZip(pack.zip);
  if (!files.ok()) return 1;
  Write(out / "pack" / "pack.files", "\x01" + assure::fuzz::EncodeEntries(*files));

  Write(out / "json" / "pack.json", (*files)[assure::api::kPackFile]);
  Write(out / "json" / "proofs.json", (*files)[assure::api::kProofsFile]);
  const std::string& events = (*files)[assure::api::kEventsFile];
  std::size_t at = 0;
  for (int n = 0; n < 16 && at < events.size(); ++n) {
    const std::size_t nl = events.find('\n', at);
    Write(out / "json" / ("event" + std::to_string(n) + ".json"), events.substr(at, nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  Write(out / "json" / "body1.json", R"({"ragb": "amber", "reason": "Funding \"agreed\" \u00e9"})");
  Write(out / "json" / "body2.json", R"({"title":"T","document_numbers":["D-1","D-2"],"n":-1.5e3,"ok":true,"x":null})");
  Write(out / "json" / "body3.json", R"([[[[{"a":[]}]]]], 0, 18446744073709551615, -9223372036854775808])");

  const std::string md = Read(argv[1]);
  auto tables = assure::api::spreadsheet::ReadMarkdown(md, "strategy.md");
  if (tables.ok() && !tables->tables.empty()) {
    std::vector<assure::api::spreadsheet::Table> some(tables->tables.begin(),
                                                  tables->tables.begin() + std::min<std::size_t>(3, tables->tables.size()));
    auto xlsx = assure::api::spreadsheet::WriteXlsx(some);
    if (xlsx.ok()) {
      Write(out / "xlsx" / "strategy.xlsx", std::string(1, '\0') + *xlsx);
      auto parts = assure::api::ReadZip(*xlsx);
      if (parts.ok()) Write(out / "xlsx" / "strategy.parts", "\x01" + assure::fuzz::EncodeEntries(*parts));
    }
  }

  int n = 0;
  for (const char* target : {"/api/v1/deliverables?programme_id=p1&ragb=red&offset=10&limit=20",
                             "/api/v1/groups/g%201/members?date=2024-03-01",
                             "/api/v1/events?from=0&limit=500&cursor=abc",
                             "/api/v1/live?token=secret&access_token=s2&x=%41%42",
                             "/api/v1/documents/d/versions?version_label=1.0&summary=a+b%20c",
                             "/", "/a//b/../c?&&=&a=&=b#frag"}) {
    Write(out / "query" / ("target" + std::to_string(n++)), target);
  }
  return 0;
}
