// Controlled document: given/when/then for every command.
#include <gtest/gtest.h>

#include "domain/controlled_document.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

const std::string kSha1(64, 'a');
const std::string kSha2(64, 'b');

json Draft(const std::string& label, const std::string& sha) {
  return {{"version_label", label}, {"summary", "s"}, {"author", "KB"}, {"content_sha256", sha},
          {"media_type", "application/pdf"}, {"size_bytes", 12345}};
}

Fixture<ControlledDocumentAggregate> Strategy() {
  Fixture<ControlledDocumentAggregate> f("strategy");
  f.One("register", {{"title", "WMIN Strategy"}, {"document_numbers", "IN-201, IN-601, IN-603"},
                     {"target_audience", "West Midlands Imaging Network members (All)"},
                     {"review_interval_months", 10}},
        "ControlledDocumentRegistered");
  return f;
}

TEST(ControlledDocument, Register) {
  auto f = Strategy();
  EXPECT_EQ(f.View()["document_numbers"], json({"IN-201", "IN-601", "IN-603"}));
  EXPECT_EQ(f.View()["qsin_codes"], json({"IN-201", "IN-601", "IN-603"}));
  EXPECT_TRUE(f.View()["in_force_version_id"].is_null());
  EXPECT_EQ(f.Refused("register", {{"title", "x"}}).code, ErrorCode::kAlreadyExists);
  Fixture<ControlledDocumentAggregate> g("g");
  EXPECT_EQ(g.Refused("register", {{"title", "x"}, {"review_interval_months", 500}}).field, "review_interval_months");
  EXPECT_EQ(g.Refused("publish", {{"version_id", "v1"}}).code, ErrorCode::kNotFound);
}

TEST(ControlledDocument, DraftApproveSupersedePublish) {
  auto f = Strategy();
  EXPECT_EQ(f.Refused("add-draft-version", Draft("V0.1", "ABC")).field, "content_sha256");
  json bad = Draft("V0.1", kSha1);
  bad["media_type"] = "pdf";
  EXPECT_EQ(f.Refused("add-draft-version", bad).field, "media_type");
  bad = Draft("V0.1", kSha1);
  bad["size_bytes"] = kMaxDocumentContentBytes + 1;
  EXPECT_EQ(f.Refused("add-draft-version", bad).code, ErrorCode::kTooLarge);
  EXPECT_EQ(f.One("add-draft-version", Draft("V0.1", kSha1), "ControlledDocumentDraftAdded")["version_id"], "v1");
  EXPECT_EQ(f.Refused("add-draft-version", Draft("V0.1", kSha2)).code, ErrorCode::kRuleViolation);
  f.One("add-draft-version", Draft("V1", kSha2), "ControlledDocumentDraftAdded");

  EXPECT_EQ(f.Refused("publish", {{"version_id", "v1"}}).code, ErrorCode::kRuleViolation);  // a draft
  EXPECT_EQ(f.Refused("approve-version", {{"version_id", "v1"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-04-10"},
                                          {"review_date", "2023-01-01"}}).code,
            ErrorCode::kRuleViolation);
  auto d = f.One("approve-version", {{"version_id", "v1"}, {"approving_group_id", "ops"}, {"date_adopted", "2023-04-10"}},
                 "ControlledDocumentVersionApproved");
  EXPECT_EQ(d["review_date"], "2024-02-10");  // adopted + 10 months
  EXPECT_EQ(f.View()["in_force_version_id"], "v1");
  EXPECT_EQ(f.Refused("approve-version", {{"version_id", "v1"}, {"approving_group_id", "ops"}, {"date_adopted", "2023-04-10"}}).code,
            ErrorCode::kRuleViolation);  // not a draft
  f.One("publish", {{"version_id", "v1"}}, "ControlledDocumentVersionPublished");
  EXPECT_EQ(f.Refused("publish", {{"version_id", "v1"}}).code, ErrorCode::kRuleViolation);

  // Approving V1 supersedes V0.1; until then V0.1 stayed in force.
  auto events = f.Ok("approve-version", {{"version_id", "v2"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-05-24"},
                                         {"meeting_decision_id", "exec-2023-05-24/d1"}, {"review_date", "2024-03-31"}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "ControlledDocumentVersionApproved");
  EXPECT_EQ(events[1].type, "ControlledDocumentVersionSuperseded");
  EXPECT_EQ(events[1].data["version_id"], "v1");
  const json v = f.View();
  EXPECT_EQ(v["in_force_version_id"], "v2");
  EXPECT_EQ(v["review_date"], "2024-03-31");
  EXPECT_EQ(v["versions"][0]["status"], "superseded");
  EXPECT_EQ(v["versions"][0]["superseded_by"], "v2");
  EXPECT_EQ(v["versions"][1]["meeting_decision_id"], "exec-2023-05-24/d1");
}

TEST(ControlledDocument, OlderDraftCannotBeApprovedOverNewer) {
  auto f = Strategy();
  f.Ok("add-draft-version", Draft("V0.1", kSha1));
  f.Ok("add-draft-version", Draft("V0.2", kSha2));
  f.Ok("approve-version", {{"version_id", "v2"}, {"approving_group_id", "ops"}, {"date_adopted", "2023-04-12"}});
  EXPECT_EQ(f.Refused("approve-version", {{"version_id", "v1"}, {"approving_group_id", "ops"}, {"date_adopted", "2023-04-13"}}).code,
            ErrorCode::kRuleViolation);
}

// Issue 16: v1 adopted 2023-05-24, then v2 approved as adopted 2023-01-01
// put v2 in force and v1 "superseded by" it. A backdated approval is refused.
TEST(ControlledDocument, BackdatedApprovalIsRefused) {
  auto f = Strategy();
  f.Ok("add-draft-version", Draft("V1", kSha1));
  f.Ok("approve-version", {{"version_id", "v1"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-05-24"}});
  f.Ok("add-draft-version", Draft("V2", kSha2));
  const Error e = f.Refused("approve-version",
                            {{"version_id", "v2"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-01-01"}});
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field, "date_adopted");
  EXPECT_NE(e.message.find("2023-05-24"), std::string::npos) << e.message;
  EXPECT_EQ(f.View()["in_force_version_id"], "v1");
  // The same day, or later, is accepted.
  f.Ok("approve-version", {{"version_id", "v2"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-05-24"}});
  EXPECT_EQ(f.View()["in_force_version_id"], "v2");
}

// The version in force on a business date follows dates adopted.
TEST(ControlledDocument, InForceOnADate) {
  auto f = Strategy();
  f.Ok("add-draft-version", Draft("V1", kSha1));
  f.Ok("approve-version", {{"version_id", "v1"}, {"approving_group_id", "exec"}, {"date_adopted", "2021-03-01"}});
  f.Ok("add-draft-version", Draft("V2", kSha2));
  EXPECT_EQ(f.state.InForceOn("2021-02-28"), nullptr);
  ASSERT_NE(f.state.InForceOn("2021-03-01"), nullptr);
  EXPECT_EQ(f.state.InForceOn("2022-12-31")->version_id, "v1");
  f.Ok("approve-version", {{"version_id", "v2"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-05-24"}});
  EXPECT_EQ(f.state.InForceOn("2023-05-23")->version_id, "v1");  // superseded now, in force then
  EXPECT_EQ(f.state.InForceOn("2023-05-24")->version_id, "v2");
  EXPECT_EQ(f.state.InForceOn("2030-01-01")->version_id, "v2");
}

TEST(ControlledDocument, ReviewDateAndWithdraw) {
  auto f = Strategy();
  EXPECT_EQ(f.Refused("set-review-date", {{"review_date", "2024-03-31"}}).code, ErrorCode::kRuleViolation);
  f.Ok("add-draft-version", Draft("V1", kSha1));
  f.Ok("approve-version", {{"version_id", "v1"}, {"approving_group_id", "exec"}, {"date_adopted", "2023-05-24"}});
  EXPECT_EQ(f.Refused("set-review-date", {{"review_date", "2023-01-01"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("set-review-date", {{"review_date", "31/03/2024"}}).field, "review_date");
  auto d = f.One("set-review-date", {{"review_date", "2024-03-31"}, {"reason", "align with annual cycle"}},
                 "ControlledDocumentReviewDateSet");
  EXPECT_EQ(d["previous_review_date"], "2024-03-24");
  EXPECT_EQ(f.View()["review_date"], "2024-03-31");
  EXPECT_EQ(f.Refused("withdraw", json::object()).field, "reason");
  f.One("withdraw", {{"reason", "replaced by 2024 strategy"}}, "ControlledDocumentWithdrawn");
  EXPECT_EQ(f.View()["withdrawn"], true);
  EXPECT_EQ(f.View()["withdrawn_reason"], "replaced by 2024 strategy");
  EXPECT_EQ(f.View()["versions"][0]["status"], "withdrawn");
  EXPECT_TRUE(f.View()["in_force_version_id"].is_null());
  EXPECT_EQ(f.Refused("add-draft-version", Draft("V2", kSha2)).code, ErrorCode::kRuleViolation);
}

}  // namespace
}  // namespace assure::domain
