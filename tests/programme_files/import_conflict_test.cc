// Re-importing an older file must not silently undo what the board changed
// in Assure since (issue 16): such fields keep Assure's value and are
// reported as conflicts, unless the import is asked to overwrite.
#include <string>

#include "tests/api/execute_once.h"
#include "tests/programme_files/import_fixture.h"
#include "tests/storage/test_util.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;
using domain::DeliverableState;
using domain::Ragb;

const std::string kOld =
    "Digital Work Programme 2023-24\r\n"
    "Network Reference,Deliverable,Owner,Planned End Date,RAGB Status\r\n"
    "D-01,Image sharing,Chair,Mar-24,On Target\r\n"
    "D-02,PACS upgrade,Director,Jan-24,Amber\r\n";

class ImportConflictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Import(*store_, "digital.csv", kOld);
    ASSERT_TRUE(r.ok()) << r.error().message;
    programme_ = r->programmes[0].id;
    d1_ = Find("D-01")->id;
    // The board, in Assure: a rating changed with a reason, an owner edited.
    RequestContext rc;
    rc.actor = "jane";
    rc.now_us = 1'700'000'100'000'000;
    ASSERT_TRUE(Execute<domain::DeliverableAggregate>(
                    *store_, d1_, domain::ChangeDeliverableRagb{Ragb::kRed, "supplier slipped"}, rc)
                    .ok());
    domain::EditDeliverable edit;
    edit.fields.owner = "Deputy Chair";
    ASSERT_TRUE(Execute<domain::DeliverableAggregate>(*store_, d1_, edit, rc).ok());
  }

  const DeliverableState* Find(const std::string& reference) {
    model_ = Model(*store_);
    auto p = model_.programmes.Find(programme_);
    for (const auto& id : p->deliverable_ids) {
      auto d = model_.deliverables.Find(id);
      if (d && d->reference == reference) return d.get();
    }
    return nullptr;
  }

  const FieldConflict* Conflict(const ImportReport& r, const std::string& field) {
    for (const auto& c : r.conflicts) {
      if (c.field == field) return &c;
    }
    return nullptr;
  }

  std::unique_ptr<storage::EventStore> store_ = storage::NewMemoryStore();
  NetworkModel model_;
  std::string programme_;
  std::string d1_;
};

TEST_F(ImportConflictTest, AnOlderFileKeepsTheBoardsChangesAndReportsThem) {
  // The old file again, with one real change elsewhere in the row.
  std::string file = kOld;
  file.replace(file.find("Mar-24"), 6, "Apr-24");
  auto r = Import(*store_, "digital.csv", file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const DeliverableState* d = Find("D-01");
  EXPECT_EQ(d->ragb, Ragb::kRed);
  EXPECT_EQ(d->owner, "Deputy Chair");
  EXPECT_EQ(d->planned_end.original, "Apr-24") << "a field not changed in Assure is imported";

  ASSERT_EQ(r->conflicts.size(), 2u);
  const FieldConflict* ragb = Conflict(*r, "ragb");
  ASSERT_NE(ragb, nullptr);
  EXPECT_EQ(ragb->file, "digital.csv");
  EXPECT_EQ(ragb->row, 3u);
  EXPECT_EQ(ragb->reference, "D-01");
  EXPECT_EQ(ragb->file_value, "blue");
  EXPECT_EQ(ragb->assure_value, "red");
  EXPECT_EQ(ragb->imported_value, "blue");
  EXPECT_EQ(ragb->changed_by, "jane");
  EXPECT_EQ(ragb->reason, "supplier slipped");
  EXPECT_FALSE(ragb->changed_at.empty());
  EXPECT_FALSE(ragb->overwritten);
  const FieldConflict* owner = Conflict(*r, "owner");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->file_value, "Chair");
  EXPECT_EQ(owner->assure_value, "Deputy Chair");
  EXPECT_EQ(ToJson(*r)["conflicts"].size(), 2u);
  EXPECT_NE(FormatReport(*r).find("Assure's value kept"), std::string::npos);

  // Again: still reported, nothing written.
  auto again = Import(*store_, "digital.csv", file);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_appended, 0u);
  EXPECT_EQ(again->conflicts.size(), 2u);
}

TEST_F(ImportConflictTest, DryRunShowsTheConflicts) {
  const auto head = store_->Head().position;
  auto r = Import(*store_, "digital.csv", kOld, /*dry_run=*/true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conflicts.size(), 2u);
  EXPECT_EQ(store_->Head().position, head);
}

TEST_F(ImportConflictTest, OverwriteAppliesTheFile) {
  ImportOptions o = Options();
  o.overwrite = true;
  auto r = ImportFiles(*store_, {ImportFile{"digital.csv", kOld}}, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->conflicts.size(), 2u);
  EXPECT_TRUE(r->conflicts[0].overwritten);
  const DeliverableState* d = Find("D-01");
  EXPECT_EQ(d->ragb, Ragb::kBlue);
  EXPECT_EQ(d->owner, "Chair");
  // The values are the import's again: no conflict any more.
  auto again = Import(*store_, "digital.csv", kOld);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->conflicts.empty());
  EXPECT_EQ(again->events_appended, 0u);
}

TEST_F(ImportConflictTest, ChangesMadeByImportsAreNoConflict) {
  // A newer file changes D-02 (only ever set by imports): applied, no conflict.
  std::string file = kOld;
  file.replace(file.find("Amber"), 5, "Red");
  auto r = Import(*store_, "digital-v2.csv", file);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Find("D-02")->ragb, Ragb::kRed);
  for (const auto& c : r->conflicts) EXPECT_EQ(c.reference, "D-01");
}

}  // namespace
}  // namespace assure::api::programme_files
