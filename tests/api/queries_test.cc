// The read side on a scripted history of the network: lists and filters,
// and the as-at questions boards and assessors ask.
#include "api/queries/queries.h"

#include <gtest/gtest.h>

#include "tests/api/execute_once.h"
#include "api/core/projection_runner.h"
#include "tests/storage/test_util.h"

namespace assure::api {
namespace {

using namespace domain;

constexpr std::int64_t kDay = 86'400'000'000LL;
// 2023-05-24T00:00:00Z and friends.
constexpr std::int64_t k20230524 = 1684886400000000LL;

// The rows of a list that must succeed.
std::vector<nlohmann::json> List(const NetworkModel& m, const DeliverableFilter& f) {
  auto rows = ListDeliverables(m, f);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  if (rows.ok()) {
    EXPECT_EQ(rows->total, rows->items.size());
  }
  return rows.ok() ? std::move(rows->items) : std::vector<nlohmann::json>{};
}

class QueriesTest : public ::testing::Test {
 protected:
  template <class Agg>
  std::uint64_t Run(const std::string& id, const std::string& command, nlohmann::json body) {
    auto parsed = Agg::ParseCommand(command, body);
    EXPECT_TRUE(parsed.ok()) << command << ": " << (parsed.ok() ? "" : parsed.error().message);
    RequestContext rc;
    rc.actor = "person-sec";
    rc.now_us = clock_->NowMicros();
    auto r = Execute<Agg>(*store_, id, *parsed, rc);
    EXPECT_TRUE(r.ok()) << command << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->position : 0;
  }
  void At(std::int64_t us) { clock_->Set(us); }

  void Script() {
    At(k20230524 - 30 * kDay);
    Run<OrganisationAggregate>("uhb", "register", {{"name", "University Hospitals Birmingham"}, {"kind", "trust"}});
    Run<PersonAggregate>("alice", "register", {{"name", "Alice Chair"}, {"organisation_id", "uhb"}});
    Run<PersonAggregate>("bob", "register", {{"name", "Bob Member"}});
    Run<PersonAggregate>("carol", "register", {{"name", "Carol Late"}});
    Run<GroupAggregate>("ob", "create", {{"name", "Operational Board"}, {"kind", "operational-board"}});
    Run<GroupAggregate>("ob", "appoint-member", {{"person_id", "alice"}, {"role", "chair"}, {"start_date", "2023-01-01"}});
    Run<GroupAggregate>("ob", "appoint-member", {{"person_id", "bob"}, {"role", "member"}, {"start_date", "2023-02-01"}});
    Run<GroupAggregate>("ob", "appoint-member", {{"person_id", "carol"}, {"role", "member"}, {"start_date", "2023-06-01"}});
    Run<WorkProgrammeAggregate>("wf", "create", {{"group_id", "ob"}, {"year", "2023-24"}, {"title", "Workforce Work Programme 2023-24"}});
    Run<DeliverableAggregate>("d1", "create", {{"programme_id", "wf"}, {"reference", "Workforce-01"}, {"title", "Recruit trainees"}, {"owner", "Alice Chair"}, {"planned_end", "Mar-24"}, {"mm_qsin_reference", "Workforce IN-203"}, {"ragb", "blue"}});
    Run<DeliverableAggregate>("d2", "create", {{"programme_id", "wf"}, {"reference", "Workforce-02"}, {"title", "Reporting capacity"}, {"owner", "Bob Member"}, {"planned_end", "Dec-23"}, {"mm_qsin_reference", "Clinical Governance IN-501, 601"}, {"ragb", "amber"}});
    Run<ControlledDocumentAggregate>("strategy", "register", {{"title", "WMIN Strategy"}, {"document_numbers", "IN-201, IN-601"}, {"review_interval_months", 12}});
    Run<ControlledDocumentAggregate>("strategy", "add-draft-version", {{"version_label", "1.0"}, {"content_sha256", std::string(64, 'a')}, {"media_type", "application/pdf"}, {"size_bytes", 100}});
    Run<ControlledDocumentAggregate>("strategy", "approve-version", {{"version_id", "v1"}, {"approving_group_id", "ob"}, {"date_adopted", "2023-05-24"}});
    At(k20230524 + 200 * kDay);  // 2023-12-10
    Run<ControlledDocumentAggregate>("strategy", "add-draft-version", {{"version_label", "2.0"}, {"content_sha256", std::string(64, 'b')}, {"media_type", "application/pdf"}, {"size_bytes", 120}});
    Run<ControlledDocumentAggregate>("strategy", "approve-version", {{"version_id", "v2"}, {"approving_group_id", "ob"}, {"date_adopted", "2023-12-10"}});
    At(k20230524 + 270 * kDay);  // 2024-02-18
    Run<DeliverableAggregate>("d1", "change-ragb", {{"ragb", "red"}, {"reason", "Trainee posts unfunded"}});
    At(k20230524 + 300 * kDay);  // 2024-03-19
    Run<DeliverableAggregate>("d1", "change-ragb", {{"ragb", "amber"}, {"reason", "Funding agreed"}});
  }

  std::shared_ptr<storage::testing::FakeClock> clock_ = std::make_shared<storage::testing::FakeClock>();
  std::unique_ptr<storage::EventStore> store_ = [this] {
    storage::StoreOptions o;
    o.clock = clock_;
    return storage::NewMemoryStore(o);
  }();
};

TEST_F(QueriesTest, WhichDeliverablesWereRedOnFirstMarch2024) {
  Script();
  const std::int64_t first_march_2024 = 1709251200000000LL;
  auto pos = store_->PositionAt(first_march_2024);
  ASSERT_TRUE(pos.ok());
  auto then = BuildNetworkModel(*store_, *pos);
  ASSERT_TRUE(then.ok());
  DeliverableFilter red;
  red.ragb = "red";
  auto rows = List(*then, red);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["reference"], "Workforce-01");
  auto now = BuildNetworkModel(*store_, UINT64_MAX);
  EXPECT_TRUE(List(*now, red).empty());
}

TEST_F(QueriesTest, WhoSatOnTheOperationalBoardOn24May2023) {
  Script();
  auto m = BuildNetworkModel(*store_, UINT64_MAX);
  auto members = GroupMembersOn(*m, "ob", "2023-05-24");
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0]["person"]["name"], "Alice Chair");
  EXPECT_EQ((*members)[0]["role"], "chair");
  EXPECT_EQ((*members)[1]["person_id"], "bob");
  EXPECT_EQ(GroupMembersOn(*m, "ob", "2023-07-01")->size(), 3u);
  EXPECT_EQ(GroupMembersOn(*m, "nope", "2023-07-01").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(GroupMembersOn(*m, "ob", "24/05/2023").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GroupMembersOn(*m, "ob", "31-12-2024").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GroupMembersOn(*m, "ob", "2024-02-30").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(QueriesTest, WhichVersionOfTheStrategyWasInForce) {
  Script();
  auto at = [&](std::int64_t us) {
    auto m = BuildNetworkModel(*store_, *store_->PositionAt(us));
    auto d = m->documents.Find("strategy");
    return d && d->InForce() ? d->InForce()->version_label : std::string("none");
  };
  EXPECT_EQ(at(k20230524 - 31 * kDay), "none");
  EXPECT_EQ(at(k20230524 + kDay), "1.0");
  EXPECT_EQ(at(k20230524 + 250 * kDay), "2.0");
}

TEST_F(QueriesTest, FiltersOverdueOwnerQsinAndReviewDue) {
  Script();
  auto m = BuildNetworkModel(*store_, UINT64_MAX);
  DeliverableFilter f;
  f.today = "2024-01-15";
  f.overdue_only = true;
  auto overdue = List(*m, f);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0]["reference"], "Workforce-02");  // planned Dec-23
  EXPECT_EQ(overdue[0]["group_id"], "ob");
  DeliverableFilter by_owner;
  by_owner.owner = "alice";
  EXPECT_EQ(List(*m, by_owner).size(), 1u);
  DeliverableFilter by_code;
  by_code.qsin_code = "IN-601";
  ASSERT_EQ(List(*m, by_code).size(), 1u);
  DeliverableFilter by_group;
  by_group.group_id = "ob";
  EXPECT_EQ(List(*m, by_group).size(), 2u);
  by_group.group_id = "other";
  // Issue 16: an unknown group (or programme) filtered to an empty 200.
  EXPECT_EQ(ListDeliverables(*m, by_group).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ListDeliverables(*m, by_group).error().field, "group_id");

  // v2 adopted 2023-12-10 with a 12-month interval: review 2024-12-10.
  auto due = ListDocumentsForReview(*m, "2024-11-20", 30, 0, 100).value();
  ASSERT_EQ(due.items.size(), 1u);
  EXPECT_EQ(due.total, 1u);
  EXPECT_EQ(due.items[0]["review_state"], "due");
  EXPECT_EQ(due.items[0]["days_to_review"], 20);
  EXPECT_EQ(due.items[0]["review_date"], "2024-12-10");
  EXPECT_EQ(ListDocumentsForReview(*m, "2024-11-20", 30, 1, 100)->items.size(), 0u);
  EXPECT_EQ(ListDocumentsForReview(*m, "2024-11-20", 30, 1, 100)->total, 1u);
  EXPECT_EQ(ListDocumentsForReview(*m, "2024-10-01", 30, 0, 100)->total, 0u);
  EXPECT_EQ(ListDocumentsForReview(*m, "2025-01-01", 30, 0, 100)->items[0]["review_state"], "overdue");
}

// "Completed by" is a business-date question: it asks the Date Completed,
// not when the completion was recorded (a back-filled history records it
// years later).
TEST_F(QueriesTest, CompletedByUsesTheDateCompletedNotTheRecordedTime) {
  Script();
  At(k20230524 + 400 * kDay);  // recorded in 2024-06
  Run<DeliverableAggregate>("d2", "complete", {{"date_completed", "Nov-23"}, {"reason", "back-filled"}});
  auto m = BuildNetworkModel(*store_, UINT64_MAX);
  DeliverableFilter f;
  f.completed_by = "2023-11-30";
  auto done = List(*m, f);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["reference"], "Workforce-02");
  f.completed_by = "2023-11-15";  // "Nov-23" had not ended
  EXPECT_TRUE(List(*m, f).empty());
  f.completed_by = "2023-10-31";
  EXPECT_TRUE(List(*m, f).empty());
}

TEST_F(QueriesTest, CoverageListsEvidenceAndGaps) {
  Script();
  Run<QsinStatementAggregate>("IN-701", "define", {{"code", "IN-701"}, {"title", "Quality improvement"}, {"edition", "2022"}});
  Run<QsinStatementAggregate>("IN-601", "define", {{"code", "IN-601"}, {"title", "Governance"}, {"edition", "2022"}});
  Run<QsinStatementAggregate>("IN-601", "record-self-assessment", {{"outcome", "partly-met"}, {"comment", "ToR not reviewed"}, {"assessor_person_id", "alice"}, {"assessed_on", "2024-01-10"}});
  auto m = BuildNetworkModel(*store_, UINT64_MAX);
  auto defined = QsinCoverage(*m, {});
  ASSERT_EQ(defined["statements"].size(), 5u);  // IN-201, 203, 501, 601, 701
  EXPECT_EQ(defined["gaps"], nlohmann::json::array({"IN-701"}));
  auto cov = QsinCoverage(*m, {"IN-201", "IN-203", "IN-601", "IN-701"});
  std::map<std::string, nlohmann::json> by;
  for (auto& s : cov["statements"]) by[s["code"]] = s;
  EXPECT_EQ(by["IN-601"]["counts"]["deliverables"], 1);
  EXPECT_EQ(by["IN-601"]["counts"]["documents"], 1);
  EXPECT_EQ(by["IN-203"]["deliverables"][0], "d1");
  EXPECT_EQ(by["IN-601"]["self_assessment"]["outcome"], "partly-met");
  EXPECT_EQ(by["IN-601"]["title"], "Governance");
  EXPECT_TRUE(by["IN-203"]["self_assessment"].is_null());
  EXPECT_EQ(cov["gaps"], nlohmann::json::array({"IN-701"}));
}

// Issue 16: the list came back in id (hash) order; boards know the
// programme's row order. Codes are case-insensitive; ids must exist.
TEST_F(QueriesTest, DeliverablesInProgrammeOrderSortableAndFiltersSayWhatIsWrong) {
  Script();
  // Listed in the programme in the order z, a, m (ids sort a, m, z).
  Run<DeliverableAggregate>("z", "create", {{"programme_id", "wf"}, {"reference", "WF-03"}, {"title", "Third by id, first in the sheet"}, {"planned_end", "Jan-24"}, {"ragb", "green"}});
  Run<DeliverableAggregate>("a", "create", {{"programme_id", "wf"}, {"reference", "WF-01"}, {"title", "First by id, second in the sheet"}, {"planned_end", "Mar-24"}, {"ragb", "red"}});
  Run<DeliverableAggregate>("m", "create", {{"programme_id", "wf"}, {"reference", "wf-02"}, {"title", "Third in the sheet"}, {"mm_qsin_reference", "IN-201"}});
  for (const char* id : {"z", "a", "m"}) Run<WorkProgrammeAggregate>("wf", "add-deliverable", {{"deliverable_id", id}});
  auto m = BuildNetworkModel(*store_, UINT64_MAX);
  ASSERT_TRUE(m.ok());
  auto ids = [&](const std::string& sort) {
    DeliverableFilter f;
    f.programme_id = "wf";
    f.sort = sort;
    std::vector<std::string> out;
    for (const auto& row : List(*m, f)) out.push_back(row["id"]);
    return out;
  };
  // d1 and d2 were never listed: after the listed ones, by id.
  EXPECT_EQ(ids(""), (std::vector<std::string>{"z", "a", "m", "d1", "d2"}));
  EXPECT_EQ(ids("programme"), ids(""));
  EXPECT_EQ(ids("-programme"), (std::vector<std::string>{"d1", "d2", "m", "a", "z"}));  // ties by id
  EXPECT_EQ(ids("reference"), (std::vector<std::string>{"a", "m", "z", "d1", "d2"}));
  EXPECT_EQ(ids("planned_end"), (std::vector<std::string>{"d2", "z", "a", "d1", "m"}));  // m has none: last
  EXPECT_EQ(ids("-planned_end"), (std::vector<std::string>{"a", "d1", "z", "d2", "m"}));  // ties in programme order
  EXPECT_EQ(ids("ragb"), (std::vector<std::string>{"a", "d1", "d2", "z", "m"}));  // red, amber x2, green, none
  EXPECT_EQ(ids("id"), (std::vector<std::string>{"a", "d1", "d2", "m", "z"}));
  // A page is that stretch of the whole list, rendered alone, with the
  // number of rows in all.
  for (const char* sort : {"", "-programme", "planned_end", "owner", "ragb"}) {
    DeliverableFilter f;
    f.programme_id = "wf";
    f.sort = sort;
    const std::vector<std::string> all = ids(sort);
    auto page = ListDeliverables(*m, f, 1, 2);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 5u);
    ASSERT_EQ(page->items.size(), 2u);
    EXPECT_EQ(page->items[0]["id"], all[1]) << sort;
    EXPECT_EQ(page->items[1]["id"], all[2]) << sort;
    EXPECT_TRUE(page->items[0].contains("overdue") && page->items[0].contains("group_id"));
    auto beyond = ListDeliverables(*m, f, 5, 100);
    ASSERT_TRUE(beyond.ok());
    EXPECT_TRUE(beyond->items.empty());
    EXPECT_EQ(beyond->total, 5u);
  }
  DeliverableFilter bad;
  bad.sort = "colour";
  auto refused = ListDeliverables(*m, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().field, "sort");
  EXPECT_NE(refused.error().message.find("colour"), std::string::npos);

  DeliverableFilter code;
  code.qsin_code = "in-201";
  auto by_code = List(*m, code);
  ASSERT_EQ(by_code.size(), 1u);
  EXPECT_EQ(by_code[0]["id"], "m");
  code.qsin_code = "In-601";
  EXPECT_EQ(List(*m, code).size(), 1u);

  DeliverableFilter unknown;
  unknown.programme_id = "no-such-programme";
  auto missing = ListDeliverables(*m, unknown);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "programme_id");
}

TEST_F(QueriesTest, LiveProjectionEqualsAFullRebuild) {
  auto live = std::make_shared<NetworkProjection>();
  ProjectionRunner runner(*store_, {live});
  ASSERT_TRUE(runner.Start().ok());
  Script();
  auto rebuilt = BuildNetworkModel(*store_, UINT64_MAX);
  DeliverableFilter all;
  auto lock = runner.ReadLock();
  EXPECT_EQ(nlohmann::json(List(live->model(), all)),
            nlohmann::json(List(*rebuilt, all)));
  EXPECT_EQ(live->model().position, rebuilt->position);
}

}  // namespace
}  // namespace assure::api
