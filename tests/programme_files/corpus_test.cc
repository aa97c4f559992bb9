// The messy-document corpus (tests/programme_files/corpus/): programme documents and
// spreadsheets in the shapes boards actually send. Titles in every shape the
// strategy document uses (headings, plain and bold paragraphs, one line or
// several, the year in a paragraph of its own); Excel CSVs in Windows-1252
// ("CSV (Comma delimited)") and UTF-8 with a BOM ("CSV UTF-8"), with and
// without title rows, commas and semicolons.
//
// Every file must import, and round-trip: import -> export CSV -> import into
// a fresh store gives the same groups, programmes and deliverables, and
// importing the same file again (or the export) writes no events.
#include <filesystem>
#include <map>
#include <set>

#include "api/spreadsheet/csv_writer.h"
#include "tests/programme_files/import_fixture.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;

struct CorpusFile {
  std::string name;
  std::string bytes;
};

std::vector<CorpusFile> Corpus() {
  std::vector<CorpusFile> out;
  for (const auto& e : std::filesystem::directory_iterator(ASSURE_IMPORT_CORPUS)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.front() == '.') continue;
    out.push_back({name, ReadFile(e.path().string())});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

// Everything a board sees of the store: groups, programmes (title, year,
// deliverables in order) and each deliverable's read model.
nlohmann::json Contents(const NetworkModel& m) {
  nlohmann::json out = nlohmann::json::object();
  m.groups.ForEach([&](const std::string& id, const domain::GroupState& g) {
    out["groups"][id] = g.name;
  });
  m.programmes.ForEach([&](const std::string& id, const domain::WorkProgrammeState& p) {
    out["programmes"][id] = {{"title", p.title}, {"year", p.year}, {"group_id", p.group_id},
                             {"deliverables", p.deliverable_ids}};
  });
  m.deliverables.ForEach([&](const std::string& id, const domain::DeliverableState& d) {
    out["deliverables"][id] = domain::DeliverableAggregate::ToJson(d);
  });
  return out;
}

// The titles the corpus's tables must be read with, file by file.
const std::map<std::string, std::set<std::string>> kTitles = {
    {"Digital Work Programme 2023-24.csv", {"Digital Work Programme 2023-24"}},
    {"bold-one-line.md", {"Commercial & Assets Work Programme (2023 - 2024)"}},
    {"excel-comma-delimited.csv", {"Data & Information Work Programme (2023 \u2013 2024)"}},
    {"excel-csv-utf8.csv", {"Commercial & Assets Work Programme (2024 \u2013 2025)"}},
    {"excel-semicolons.csv", {"WMIN Quality Standard for Imaging Work Programme 2023/24"}},
    {"mixed-bold-plain.md", {"Research & Innovation Work Programme (2023 - 2024)"}},
    {"plain-one-line.md", {"Medical Physics Work Programme (2023 - 2024)"}},
    {"plain-two-lines.md", {"Workforce Work Programme (2023 - 2024)"}},
    {"strategy-shapes.md",
     {"Work Programme (2023 - 2024)", "Education, Learning and Development Work Programme (2023 - 2024)",
      "Pathways & Modalities Work Programme (2023 - 2024)", "User Involvement Work Programme 2023-24"}},
};

const std::map<std::string, std::string> kEncodings = {
    {"Digital Work Programme 2023-24.csv", "Windows-1252"},
    {"excel-comma-delimited.csv", "Windows-1252"},
    {"excel-semicolons.csv", "Windows-1252"},
};

TEST(CorpusTest, EveryFileImportsAndRoundTripsIntoAFreshStore) {
  const auto corpus = Corpus();
  ASSERT_EQ(corpus.size(), kTitles.size());
  std::size_t rows = 0, deliverables = 0, first_events = 0, reimport_events = 0;
  std::size_t fresh_events = 0, export_reimport_events = 0, programmes = 0;
  for (const CorpusFile& f : corpus) {
    SCOPED_TRACE(f.name);
    auto store = storage::NewMemoryStore();
    auto first = Import(*store, f.name, f.bytes);
    ASSERT_TRUE(first.ok()) << first.error().message;
    ASSERT_EQ(first->encodings.size(), 1u);
    EXPECT_EQ(first->encodings[0], kEncodings.count(f.name) ? kEncodings.at(f.name) : "UTF-8");
    std::set<std::string> titles;
    for (const auto& p : first->programmes) titles.insert(p.title);
    EXPECT_EQ(titles, kTitles.at(f.name));
    EXPECT_GT(first->deliverables_created, 0u);
    rows += first->rows.size();
    deliverables += first->deliverables_created;
    first_events += first->events_appended;
    programmes += first->programmes.size();

    // The same file again: nothing written.
    auto again = Import(*store, f.name, f.bytes);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->events_appended, 0u);
    EXPECT_EQ(again->deliverables_unchanged, first->deliverables_created);
    reimport_events += again->events_appended;

    // Export every programme as CSV and import the exports into a fresh store.
    const NetworkModel model = Model(*store);
    std::vector<ImportFile> exports;
    for (const auto& p : first->programmes) {
      auto csv = ExportProgramme(model, p.id, ExportFormat::kCsv);
      ASSERT_TRUE(csv.ok()) << csv.error().message;
      exports.push_back({p.id + ".csv", *csv});
    }
    auto fresh = storage::NewMemoryStore();
    auto copied = ImportFiles(*fresh, exports, Options());
    ASSERT_TRUE(copied.ok()) << copied.error().message;
    fresh_events += copied->events_appended;
    EXPECT_EQ(Contents(Model(*fresh)), Contents(model));
    // ... and the exports back into the first store: nothing written.
    auto back = ImportFiles(*store, exports, Options());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->events_appended, 0u);
    export_reimport_events += back->events_appended;
  }
  // The figures for the record (issue 16).
  std::printf("corpus: %zu files, %zu programmes, %zu rows, %zu deliverables; first import %zu "
              "events; re-import %zu events; exports into a fresh store %zu events; exports "
              "re-imported %zu events\n",
              corpus.size(), programmes, rows, deliverables, first_events, reimport_events,
              fresh_events, export_reimport_events);
  EXPECT_EQ(reimport_events, 0u);
  EXPECT_EQ(export_reimport_events, 0u);
}

}  // namespace
}  // namespace assure::api::programme_files
