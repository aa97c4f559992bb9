// Importing the network's strategy document (tests/spreadsheet/data/wmin-strategy.md)
// and re-importing it, edited and unedited. Expected counts were made by hand
// from the file (see tests/spreadsheet/strategy_document_test.cc): 7 programme
// tables with 21, 10, 10, 7, 6, 11 and 3 rows; the Education table's
// "Key Priorities" section row is not a deliverable, so 67 deliverables.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "api/core/history.h"
#include "api/spreadsheet/csv_writer.h"
#include "tests/programme_files/import_fixture.h"
#include "tests/storage/test_util.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;
using domain::DatePrecision;
using domain::DeliverableState;
using domain::DeliverableStatus;
using domain::Ragb;

const std::vector<std::pair<std::string, std::size_t>> kExpected = {
    {"Work Programme (2023 - 2024)", 21},
    {"Medical Physics Work Programme (2023 - 2024)", 10},
    {"Quality Standard for Imaging Work Programme (2023 - 2024)", 10},
    {"Pathways & Modalities Work Programme (2023 - 2024)", 7},
    {"Education, Learning and Development Work Programme (2023 - 2024)", 5},
    {"Commercial & Assets Work Programme (2023 - 2024)", 11},
    {"User Involvement Work Programme (2023 - 2024)", 3},
};

class StrategyImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Import(*store_, "wmin-strategy.md", StrategyDocument());
    ASSERT_TRUE(r.ok()) << r.error().message;
    report_ = *r;
    model_ = Model(*store_);
  }

  // The deliverables of a programme with this reference and title.
  std::vector<const DeliverableState*> Find(const std::string& programme_title,
                                            const std::string& reference,
                                            const std::string& title_prefix) {
    std::vector<const DeliverableState*> out;
    auto p = model_.programmes.Find(ProgrammeId(model_, programme_title));
    if (!p) return out;
    for (const auto& id : p->deliverable_ids) {
      auto d = model_.deliverables.Find(id);
      if (d && d->reference == reference && d->title.starts_with(title_prefix)) out.push_back(d.get());
    }
    return out;
  }
  const DeliverableState& One(const std::string& programme, const std::string& reference,
                              const std::string& title_prefix) {
    auto found = Find(programme, reference, title_prefix);
    static const DeliverableState kNone;
    EXPECT_EQ(found.size(), 1u) << reference << " " << title_prefix;
    return found.size() == 1 ? *found[0] : kNone;
  }

  std::unique_ptr<storage::EventStore> store_ = storage::NewMemoryStore();
  ImportReport report_;
  NetworkModel model_;
};

TEST_F(StrategyImportTest, CreatesTheProgrammesAndDeliverables) {
  EXPECT_EQ(report_.tables, 7u);
  EXPECT_EQ(report_.groups_created, 7u);
  EXPECT_EQ(report_.programmes_created, 7u);
  EXPECT_EQ(report_.deliverables_created, 67u);
  EXPECT_EQ(report_.deliverables_changed, 0u);
  EXPECT_EQ(report_.rows_skipped, 1u);
  // 7 groups + 7 programmes + 67 deliverables + 67 listings.
  EXPECT_EQ(report_.events_appended, 148u);
  EXPECT_EQ(store_->Head().position, 148u);

  const auto programmes = ListProgrammes(model_);
  ASSERT_EQ(programmes.size(), 7u);
  std::size_t total = 0;
  for (const auto& [title, count] : kExpected) {
    const std::string id = ProgrammeId(model_, title);
    ASSERT_FALSE(id.empty()) << title;
    auto p = model_.programmes.Find(id);
    EXPECT_EQ(p->deliverable_ids.size(), count) << title;
    EXPECT_EQ(p->year, "2023-24");
    total += p->deliverable_ids.size();
  }
  EXPECT_EQ(total, 67u);
  std::size_t deliverables = 0;
  model_.deliverables.ForEach([&](const auto&, const auto&) { ++deliverables; });
  EXPECT_EQ(deliverables, 67u);

  // Groups: the SIGs by name; the untitled core programme belongs to the core team.
  std::map<std::string, domain::GroupKind> groups;
  model_.groups.ForEach([&](const auto&, const domain::GroupState& g) { groups[g.name] = g.kind; });
  EXPECT_EQ(groups.size(), 7u);
  EXPECT_EQ(groups.at("Network Core Team"), domain::GroupKind::kForum);
  EXPECT_EQ(groups.at("Medical Physics"), domain::GroupKind::kSig);
  EXPECT_EQ(groups.at("Quality Standard for Imaging"), domain::GroupKind::kSig);
  EXPECT_EQ(groups.at("Education, Learning and Development"), domain::GroupKind::kSig);
  auto core = model_.programmes.Find(ProgrammeId(model_, "Work Programme (2023 - 2024)"));
  EXPECT_EQ(model_.groups.Find(core->group_id)->name, "Network Core Team");
}

TEST_F(StrategyImportTest, ReportsEveryRowAndTheWarnings) {
  // 68 rows: 67 created, 1 skipped (the section row), each with its row number.
  ASSERT_EQ(report_.rows.size(), 68u);
  const auto skipped = std::find_if(report_.rows.begin(), report_.rows.end(),
                                    [](const RowReport& r) { return r.action == RowAction::kSkip; });
  ASSERT_NE(skipped, report_.rows.end());
  EXPECT_EQ(skipped->row, 610u);
  auto has = [&](std::size_t row, const std::string& needle) {
    return std::any_of(report_.warnings.begin(), report_.warnings.end(), [&](const auto& w) {
      return w.row == row && w.file == "wmin-strategy.md" &&
             w.message.find(needle) != std::string::npos;
    });
  };
  EXPECT_TRUE(has(610, "no Deliverable text"));
  EXPECT_TRUE(has(610, "Key Priorities"));
  for (std::size_t row = 469; row <= 473; ++row) {
    EXPECT_TRUE(has(row, "realigned by dropping empty cell 11")) << row;
  }
  // Issue 16: one warning per row. The reader's "cells may be shifted" and
  // "looks like a section row" gave these rows a second, contradicting one.
  auto count = [&](std::size_t row) {
    return std::count_if(report_.warnings.begin(), report_.warnings.end(),
                         [&](const auto& w) { return w.row == row && w.file == "wmin-strategy.md"; });
  };
  EXPECT_EQ(count(610), 1);
  for (std::size_t row : {469, 470, 471, 473}) EXPECT_EQ(count(row), 1) << row;
  EXPECT_EQ(count(472), 2);  // realigned, and a Date Completed "Jul-22" with "Planned Activity"
  for (const auto& w : report_.warnings) {
    EXPECT_EQ(w.message.find("cells may be shifted"), std::string::npos) << w.row;
    EXPECT_EQ(w.message.find("looks like a section row"), std::string::npos) << w.row;
  }
  // The reader's 3 (page splits), 10 tables that are not programmes
  // (contents, legends, version history...), and the importer's 12 (5
  // realigned rows, 1 row not imported, 6 rows with a Date Completed but
  // not "Completed": 451, 454, 462, 472, 643, 677).
  EXPECT_EQ(report_.warnings.size(), 25u);
  EXPECT_TRUE(has(643, "Date Completed 'Jul-23' but RAGB Status 'Planned Activity' does not say Completed"));
  EXPECT_TRUE(has(739, "not a work programme"));
  // Notes for values kept only as text.
  const auto mp_row = std::find_if(report_.rows.begin(), report_.rows.end(),
                                   [](const RowReport& r) { return r.row == 502; });
  ASSERT_NE(mp_row, report_.rows.end());
  ASSERT_EQ(mp_row->notes.size(), 2u);
  EXPECT_EQ(mp_row->notes[0], "Planned End Date 'ongoing' kept as text (no date read)");
}

TEST_F(StrategyImportTest, SpotChecksFields) {
  const std::string core = "Work Programme (2023 - 2024)";
  // A month date.
  const auto& comms = One(core, "Comms & Engagement-01", "Develop and publish");
  EXPECT_EQ(comms.date_initiated.original, "Mar-22");
  EXPECT_EQ(comms.date_initiated.date, "2022-03-01");
  EXPECT_EQ(comms.date_initiated.precision, DatePrecision::kMonth);
  EXPECT_EQ(comms.owner, "Network Director");
  // Word dates: kept as text, no date.
  const auto& modalities =
      One("Medical Physics Work Programme (2023 - 2024)", "Modalities - 01", "Identify");
  EXPECT_EQ(modalities.planned_end.original, "ongoing");
  EXPECT_FALSE(modalities.planned_end.date);
  EXPECT_EQ(modalities.planned_end.precision, DatePrecision::kNone);
  const auto& ai = One(core, "TBC - 03", "WMIN wide AI strategy");
  EXPECT_EQ(ai.date_completed.original, "Not started");
  EXPECT_FALSE(ai.date_completed.date);
  // A typo date read as September.
  const auto& gov8 = One(core, "Governance-08", "Establish WMIN Operational Board");
  EXPECT_EQ(gov8.planned_end.original, "Set 2022");
  EXPECT_EQ(gov8.planned_end.date, "2022-09-01");
  // A multi-QSIN reference.
  const auto& qsi = One("Quality Standard for Imaging Work Programme (2023 - 2024)",
                        "Data & Information - 01", "Develop a sharing platform");
  EXPECT_EQ(qsi.mm_qsin.raw, "Clinical Governance IN-501, 601, 701");
  EXPECT_EQ(qsi.mm_qsin.domain, "Clinical Governance");
  EXPECT_EQ(qsi.mm_qsin.codes, (std::vector<std::string>{"IN-501", "IN-601", "IN-701"}));
  // A repeated reference: two deliverables.
  EXPECT_EQ(Find("Quality Standard for Imaging Work Programme (2023 - 2024)", "QSIN - 01", "").size(),
            2u);
  // A row without a reference.
  const auto& ui = One("User Involvement Work Programme (2023 - 2024)", "", "Liasion with Host Trust");
  EXPECT_EQ(ui.date_completed.original, "Jan-23");
  EXPECT_EQ(ui.date_completed.date, "2023-01-01");
  // A "Completed" row: completed and Green.
  const auto& brand = One(core, "Comms & Engagement-02", "Develop a platform");
  EXPECT_EQ(brand.status, DeliverableStatus::kCompleted);
  EXPECT_EQ(brand.ragb, Ragb::kGreen);
  // "On Target": Blue and in progress.
  const auto& digital = One(core, "Digital-02", "Implement a Network wide");
  EXPECT_EQ(digital.ragb, Ragb::kBlue);
  EXPECT_EQ(digital.status, DeliverableStatus::kInProgress);
  // "Planned activity": planned, no rating.
  const auto& research = One("Medical Physics Work Programme (2023 - 2024)",
                             "Research & Innovation - 01", "Identify ways");
  EXPECT_EQ(research.status, DeliverableStatus::kPlanned);
  EXPECT_FALSE(research.ragb);
  // A realigned page-split row: the RAGB and MM/QSIN cells found again.
  const auto& gov6 = One(core, "Governance-06", "Continued effective engagement");
  EXPECT_EQ(gov6.status, DeliverableStatus::kCompleted);
  EXPECT_EQ(gov6.mm_qsin.raw, "Operational Governance");
}

TEST_F(StrategyImportTest, ReimportAppendsNothing) {
  const auto head = store_->Head().position;
  auto again = Import(*store_, "wmin-strategy.md", StrategyDocument());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(store_->Head().position, head);
  EXPECT_EQ(again->events_appended, 0u);
  EXPECT_EQ(again->deliverables_created, 0u);
  EXPECT_EQ(again->deliverables_changed, 0u);
  EXPECT_EQ(again->deliverables_unchanged, 67u);
  EXPECT_EQ(again->programmes_created, 0u);
  EXPECT_EQ(again->programmes_existing, 7u);
  EXPECT_EQ(again->groups_created, 0u);
  for (const auto& p : again->programmes) EXPECT_TRUE(p.not_in_file.empty()) << p.title;
}

TEST_F(StrategyImportTest, ReportsDeliverablesMissingFromTheFileAndKeepsThem) {
  const std::string ui = ProgrammeId(model_, "User Involvement Work Programme (2023 - 2024)");
  auto table = ProgrammeTable(model_, ui);
  ASSERT_TRUE(table.ok());
  table->rows.erase(table->rows.begin() + 1);  // "PPI poster and recruitment"
  spreadsheet::CsvWriteOptions csv;
  csv.title_row = true;
  auto r = Import(*store_, "ui.csv", spreadsheet::WriteCsv(*table, csv));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events_appended, 0u);
  ASSERT_EQ(r->programmes.size(), 1u);
  ASSERT_EQ(r->programmes[0].not_in_file.size(), 1u);
  EXPECT_EQ(model_.deliverables.Find(r->programmes[0].not_in_file[0])->title,
            "PPI poster and recruitment");
  EXPECT_NE(FormatReport(*r).find("1 listed but not in the file (kept)"), std::string::npos);
}

TEST_F(StrategyImportTest, CsvExportImportRoundTripAppendsNothing) {
  const auto head = store_->Head().position;
  for (const auto& [title, count] : kExpected) {
    for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kXlsx}) {
      auto bytes = ExportProgramme(model_, ProgrammeId(model_, title), format);
      ASSERT_TRUE(bytes.ok()) << bytes.error().message;
      const std::string name = format == ExportFormat::kCsv ? "export.csv" : "export.xlsx";
      auto r = Import(*store_, name, *bytes);
      ASSERT_TRUE(r.ok()) << title << ": " << r.error().message;
      EXPECT_EQ(r->programmes_existing, 1u) << title << " " << name;
      EXPECT_EQ(r->deliverables_unchanged, count) << title << " " << name;
      EXPECT_EQ(r->events_appended, 0u) << title << " " << name;
    }
  }
  EXPECT_EQ(store_->Head().position, head);
}

TEST_F(StrategyImportTest, EditedCsvAppendsOnlyTheChanges) {
  const std::string mp = ProgrammeId(model_, "Medical Physics Work Programme (2023 - 2024)");
  auto table = ProgrammeTable(model_, mp);
  ASSERT_TRUE(table.ok());
  // Row 0: new owner. Row 3: rating Amber (was On Target -> Blue). Row 9:
  // "Planned activity" -> "Ongoing".
  ASSERT_EQ(table->rows[0].cells[6], "MPSIG Chair");
  table->rows[0].cells[6] = "Head of Medical Physics";
  ASSERT_EQ(table->rows[3].cells[10], "On Target");
  table->rows[3].cells[10] = "Amber";
  ASSERT_EQ(table->rows[9].cells[10], "Planned Activity");
  table->rows[9].cells[10] = "Ongoing";
  spreadsheet::CsvWriteOptions csv;
  csv.title_row = true;
  const std::string edited = spreadsheet::WriteCsv(*table, csv);

  auto dry = Import(*store_, "mp-edited.csv", edited, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_EQ(dry->deliverables_changed, 3u);
  const auto head = store_->Head().position;
  EXPECT_EQ(store_->Head().position, head);

  auto r = Import(*store_, "mp-edited.csv", edited);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->deliverables_changed, 3u);
  EXPECT_EQ(r->deliverables_unchanged, 7u);
  EXPECT_EQ(r->events_appended, 3u);
  EXPECT_EQ(store_->Head().position, head + 3);
  std::vector<std::vector<std::string>> changed;
  for (const auto& row : r->rows) {
    if (row.action == RowAction::kChange) changed.push_back(row.fields_changed);
  }
  EXPECT_EQ(changed, (std::vector<std::vector<std::string>>{{"owner"}, {"ragb"}, {"status"}}));

  const std::string rated = model_.programmes.Find(mp)->deliverable_ids[3];
  auto history = History<domain::DeliverableAggregate>(*store_, rated);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().type, "DeliverableRagbChanged");
  EXPECT_EQ(history->back().reason, "imported from mp-edited.csv");
  EXPECT_EQ(history->back().actor, "tester");
  ASSERT_FALSE(history->back().changes.empty());
  EXPECT_EQ(history->back().changes[0].field, "ragb");
  EXPECT_EQ(history->back().changes[0].from, "blue");
  EXPECT_EQ(history->back().changes[0].to, "amber");
  const std::string owned = model_.programmes.Find(mp)->deliverable_ids[0];
  auto owner_history = History<domain::DeliverableAggregate>(*store_, owned);
  ASSERT_TRUE(owner_history.ok());
  EXPECT_EQ(owner_history->back().type, "DeliverableEdited");
  // Issue 16: an edit carried no reason; it now says where it came from.
  EXPECT_EQ(owner_history->back().reason, "imported from mp-edited.csv");
  const std::string started = model_.programmes.Find(mp)->deliverable_ids[9];
  auto status_history = History<domain::DeliverableAggregate>(*store_, started);
  ASSERT_TRUE(status_history.ok());
  EXPECT_EQ(status_history->back().type, "DeliverableStatusChanged");
  EXPECT_EQ(status_history->back().reason, "imported from mp-edited.csv");

  // The same edited file again: nothing.
  auto again = Import(*store_, "mp-edited.csv", edited);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_appended, 0u);
  EXPECT_EQ(store_->Head().position, head + 3);
}

// Issue 16: a row with a completion date but no completed status imported as
// planned, silently.
TEST(ImporterTest, CompletionDateWithoutCompletedStatusWarns) {
  auto store = storage::NewMemoryStore();
  const std::string csv =
      "Workforce Work Programme (2023 - 2024)\r\n"
      "Network Reference,Deliverable,Date Completed,RAGB Status\r\n"
      "WF-01,Done but not said,30/06/2023,\r\n"
      "WF-02,Done and said,30/06/2023,Completed\r\n"
      "WF-03,Rated only,Jun-23,Blue\r\n"
      "WF-04,Not done yet,,Planned Activity\r\n";
  auto r = Import(*store, "wf.csv", csv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::map<std::size_t, std::vector<std::string>> by_row;
  for (const auto& w : r->warnings) by_row[w.row].push_back(w.message);
  ASSERT_EQ(by_row[3].size(), 1u);
  EXPECT_EQ(by_row[3][0],
            "Date Completed '30/06/2023' but RAGB Status is empty: not imported as completed "
            "(write Completed in RAGB Status to complete it)");
  EXPECT_TRUE(by_row[4].empty());
  ASSERT_EQ(by_row[5].size(), 1u);
  EXPECT_NE(by_row[5][0].find("RAGB Status 'Blue' does not say Completed"), std::string::npos);
  EXPECT_TRUE(by_row[6].empty());
  EXPECT_EQ(r->warnings.size(), 2u);
}

TEST(ImporterTest, DryRunWritesNothingAndReportsTheSame) {
  auto store = storage::NewMemoryStore();
  auto dry = Import(*store, "wmin-strategy.md", StrategyDocument(), /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(store->Head().position, 0u);
  EXPECT_EQ(dry->events_appended, 0u);
  EXPECT_EQ(dry->deliverables_created, 67u);
  EXPECT_EQ(dry->programmes_created, 7u);
  auto real = Import(*store, "wmin-strategy.md", StrategyDocument());
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(ToJson(*dry)["rows"], ToJson(*real)["rows"]);
  EXPECT_EQ(ToJson(*dry)["warnings"], ToJson(*real)["warnings"]);
  EXPECT_NE(FormatReport(*dry).find("DRY RUN"), std::string::npos);
}

TEST(ImporterTest, DurableRocksStoreAndIdempotentReimport) {
  storage::testing::TempDir dir;
  {
    auto store = storage::OpenRocksStore(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto r = Import(**store, "wmin-strategy.md", StrategyDocument());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->events_appended, 148u);
  }
  auto store = storage::OpenRocksStore(dir.path());
  ASSERT_TRUE(store.ok());
  auto again = Import(**store, "wmin-strategy.md", StrategyDocument());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_appended, 0u);
  EXPECT_EQ((*store)->Head().position, 148u);
  auto verify = (*store)->Verify(1, 0);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok);
}

TEST(ImporterTest, EventsCarryActorSourceAndTime) {
  auto store = storage::NewMemoryStore();
  ASSERT_TRUE(Import(*store, "wmin-strategy.md", StrategyDocument()).ok());
  auto first = store->ReadEvent(1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->metadata.actor, "tester");
  EXPECT_EQ(first->metadata.source, "import:wmin-strategy.md");
}

}  // namespace
}  // namespace assure::api::programme_files

namespace assure::api::programme_files {
namespace {

// An import writes through the writer it is given (the server's), starting
// no thread: its deliverables' commands are decided on that writer's thread,
// which reports the progress.
TEST(ImportWritersTest, WritesThroughTheGivenWriterWithNoThreadsOfItsOwn) {
  std::shared_ptr<storage::EventStore> store = storage::NewMemoryStore();
  EntityWriter writer(store);
  ImportOptions o = testing::Options();
  o.writer = &writer;
  std::set<std::thread::id> reporters;
  std::size_t last = 0;
  o.progress = [&](std::size_t done, std::size_t total) {
    reporters.insert(std::this_thread::get_id());
    last = done;
    EXPECT_EQ(total, 67u);
  };
  auto r = ImportFiles(*store, {ImportFile{"wmin-strategy.md", testing::StrategyDocument()}}, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->deliverables_created, 67u);
  EXPECT_EQ(last, 67u);
  ASSERT_EQ(reporters.size(), 1u);
  EXPECT_NE(*reporters.begin(), std::this_thread::get_id());
  // Run again: nothing new, nothing written.
  const std::uint64_t head = store->Head().position;
  auto again = ImportFiles(*store, {ImportFile{"wmin-strategy.md", testing::StrategyDocument()}}, o);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->events_appended, 0u);
  EXPECT_EQ(store->Head().position, head);
}

}  // namespace
}  // namespace assure::api::programme_files
