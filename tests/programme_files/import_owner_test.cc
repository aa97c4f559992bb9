// Owners who are people (issue 18): an Owner cell that names exactly one
// person is reported as a proposed link, and linked - by the person's id,
// with no name in the deliverable's events - only when the import is
// confirmed (ImportOptions::link_owners). Two people of one name are never
// linked.
#include <string>

#include "api/queries/deliverable_owner.h"
#include "tests/api/execute_once.h"
#include "tests/programme_files/import_fixture.h"

namespace assure::api::programme_files {
namespace {

using namespace testing;
using domain::DeliverableState;

const std::string kFile =
    "Digital Work Programme 2023-24\r\n"
    "Network Reference,Deliverable,Owner,Planned End Date,RAGB Status\r\n"
    "D-01,Image sharing,  jane   SMITH ,Mar-24,On Target\r\n"
    "D-02,PACS upgrade,Alex Brown,Jan-24,Amber\r\n"
    "D-03,Reporting,Network Director,Jan-24,Amber\r\n"
    "D-04,Training,Jane Smith,Jan-24,Amber\r\n";

class ImportOwnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RequestContext rc;
    rc.actor = "admin";
    rc.now_us = 1'600'000'000'000'000;
    ASSERT_TRUE(Execute<domain::OrganisationAggregate>(*store_, "o-uhb",
                                                       domain::RegisterOrganisation{"University Hospitals", domain::OrganisationKind::kTrust, ""}, rc)
                    .ok());
    ASSERT_TRUE(Execute<domain::PersonAggregate>(*store_, "p-jane",
                                                 domain::RegisterPerson{"Jane Smith", "", "", "o-uhb"}, rc)
                    .ok());
    ASSERT_TRUE(Execute<domain::PersonAggregate>(*store_, "p-alex1", domain::RegisterPerson{"Alex Brown", "", "", ""}, rc).ok());
    ASSERT_TRUE(Execute<domain::PersonAggregate>(*store_, "p-alex2", domain::RegisterPerson{"alex brown", "", "", ""}, rc).ok());
  }

  Result<ImportReport> Run(const std::string& file, bool link, bool dry_run = false) {
    ImportOptions o = Options(dry_run);
    o.link_owners = link;
    return ImportFiles(*store_, {ImportFile{"digital.csv", file}}, o);
  }

  const DeliverableState* Find(const std::string& reference) {
    model_ = Model(*store_);
    const DeliverableState* found = nullptr;
    model_.deliverables.ForEach([&](const std::string&, const DeliverableState& d) {
      if (d.reference == reference) found = &d;
    });
    return found;
  }

  // Every event of the deliverable's stream, as stored.
  std::string StoredBytes(const std::string& id) {
    auto events = store_->ReadStream("deliverable-" + id, 0, storage::Direction::kForwards, 1000);
    EXPECT_TRUE(events.ok());
    std::string all;
    for (const auto& e : *events) all += e.type + " " + e.data + "\n";
    return all;
  }

  static const OwnerReport* Owner(const ImportReport& r, const std::string& text) {
    for (const auto& o : r.owners) {
      if (o.owner == text) return &o;
    }
    return nullptr;
  }

  std::unique_ptr<storage::EventStore> store_ = storage::NewMemoryStore();
  NetworkModel model_;
};

TEST_F(ImportOwnerTest, DryRunProposesTheLinkAndReportsTheAmbiguousAndTheUnmatched) {
  const auto head = store_->Head().position;
  auto r = Run(kFile, /*link=*/false, /*dry_run=*/true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(store_->Head().position, head);
  ASSERT_EQ(r->owners.size(), 3u);  // "jane smith" twice, folded
  const OwnerReport* jane = Owner(*r, "jane   SMITH");
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(jane->match, OwnerMatch::kProposed);
  EXPECT_EQ(jane->person_id, "p-jane");
  EXPECT_EQ(jane->person_name, "Jane Smith");
  EXPECT_EQ(jane->organisation, "University Hospitals");
  EXPECT_EQ(jane->rows, 2u);
  const OwnerReport* alex = Owner(*r, "Alex Brown");
  ASSERT_NE(alex, nullptr);
  EXPECT_EQ(alex->match, OwnerMatch::kAmbiguous);
  EXPECT_EQ(alex->candidates, (std::vector<std::string>{"p-alex1", "p-alex2"}));
  EXPECT_TRUE(alex->person_id.empty());
  const OwnerReport* director = Owner(*r, "Network Director");
  ASSERT_NE(director, nullptr);
  EXPECT_EQ(director->match, OwnerMatch::kUnmatched);

  const std::string text = FormatReport(*r);
  EXPECT_NE(text.find("Owner 'jane   SMITH' → person Jane Smith, University Hospitals [p-jane] (2 rows): proposed link"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Owner 'Alex Brown' (1 row): ambiguous, 2 people have that name (p-alex1, p-alex2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Owner 'Network Director' (1 row): no person of that name, kept as free text"),
            std::string::npos);
  EXPECT_NE(text.find("--link-owners"), std::string::npos);
  const nlohmann::json j = ToJson(*r);
  EXPECT_EQ(j["owners"][0]["match"], "proposed");
  EXPECT_EQ(j["owners"][1]["match"], "ambiguous");
  EXPECT_EQ(j["owners"][2]["match"], "unmatched");

  // Confirmed, a dry run says what would be linked.
  auto confirmed = Run(kFile, /*link=*/true, /*dry_run=*/true);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(Owner(*confirmed, "jane   SMITH")->match, OwnerMatch::kLinked);
  EXPECT_EQ(Owner(*confirmed, "Alex Brown")->match, OwnerMatch::kAmbiguous);
  EXPECT_EQ(store_->Head().position, head);
}

TEST_F(ImportOwnerTest, WithoutConfirmationNothingIsLinked) {
  auto r = Run(kFile, /*link=*/false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const char* ref : {"D-01", "D-02", "D-04"}) {
    const DeliverableState* d = Find(ref);
    ASSERT_NE(d, nullptr) << ref;
    EXPECT_EQ(d->owner_person_id, "") << ref;
  }
  EXPECT_EQ(Find("D-04")->owner, "Jane Smith");
}

TEST_F(ImportOwnerTest, ConfirmedLinksAreByIdAndTheEventsHoldNoName) {
  auto r = Run(kFile, /*link=*/true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const char* ref : {"D-01", "D-04"}) {
    const DeliverableState* d = Find(ref);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->owner_person_id, "p-jane");
    EXPECT_EQ(d->owner, "");
    EXPECT_EQ(OwnerOf(model_, *d), "Jane Smith");
    const std::string stored = StoredBytes(d->id);
    EXPECT_NE(stored.find("\"owner_person_id\":\"p-jane\""), std::string::npos) << stored;
    EXPECT_EQ(stored.find("mith"), std::string::npos) << stored;  // no "Smith", "SMITH" or "smith"
  }
  // Ambiguous and unmatched owners stay free text.
  EXPECT_EQ(Find("D-02")->owner, "Alex Brown");
  EXPECT_EQ(Find("D-02")->owner_person_id, "");
  EXPECT_EQ(Find("D-03")->owner, "Network Director");
  // The export names the person; importing the file or the export again,
  // confirmed or not, changes nothing.
  auto csv = ExportProgramme(model_, r->programmes[0].id, ExportFormat::kCsv);
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("Jane Smith"), std::string::npos);
  for (bool link : {false, true}) {
    auto again = Run(kFile, link);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->events_appended, 0u) << link;
    auto back = Run(*csv, link);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->events_appended, 0u) << link;
  }
}

TEST_F(ImportOwnerTest, ConfirmingLaterLinksExistingDeliverablesAndAnotherOwnerUnlinks) {
  ASSERT_TRUE(Run(kFile, /*link=*/false).ok());
  auto linked = Run(kFile, /*link=*/true);
  ASSERT_TRUE(linked.ok());
  EXPECT_EQ(linked->deliverables_changed, 2u);
  const DeliverableState* d = Find("D-04");
  EXPECT_EQ(d->owner_person_id, "p-jane");
  EXPECT_EQ(d->owner, "");
  // A file naming someone else: the owner is that text again, unlinked.
  std::string file = kFile;
  file.replace(file.find("D-04,Training,Jane Smith"), 24, "D-04,Training,Head of IT");
  auto changed = Run(file, /*link=*/true);
  ASSERT_TRUE(changed.ok());
  d = Find("D-04");
  EXPECT_EQ(d->owner, "Head of IT");
  EXPECT_EQ(d->owner_person_id, "");
}

}  // namespace
}  // namespace assure::api::programme_files
