// Work programme: given/when/then for every command.
#include <gtest/gtest.h>

#include "domain/work_programme.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

TEST(WorkProgramme, CreateAddRemove) {
  Fixture<WorkProgrammeAggregate> f("wf-2023-24");
  EXPECT_EQ(f.Refused("create", {{"group_id", "wf"}, {"year", "2023-25"}}).field, "year");
  EXPECT_EQ(f.Refused("create", {{"group_id", "wf"}, {"year", "2023/24"}}).field, "year");
  EXPECT_EQ(f.Refused("add-deliverable", {{"deliverable_id", "d1"}}).code, ErrorCode::kNotFound);
  f.One("create", {{"group_id", "wf"}, {"year", "2023-24"}, {"title", "Workforce Work Programme 2023-24"}},
        "WorkProgrammeCreated");
  EXPECT_EQ(f.View()["year"], "2023-24");
  EXPECT_EQ(f.Refused("create", {{"group_id", "wf"}, {"year", "2023-24"}}).code, ErrorCode::kAlreadyExists);

  f.One("add-deliverable", {{"deliverable_id", "d1"}}, "WorkProgrammeDeliverableAdded");
  f.One("add-deliverable", {{"deliverable_id", "d2"}}, "WorkProgrammeDeliverableAdded");
  EXPECT_EQ(f.Refused("add-deliverable", {{"deliverable_id", "d1"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.View()["deliverable_ids"], json({"d1", "d2"}));

  EXPECT_EQ(f.Refused("remove-deliverable", {{"deliverable_id", "d1"}}).field, "reason");
  EXPECT_EQ(f.Refused("remove-deliverable", {{"deliverable_id", "d9"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  f.One("remove-deliverable", {{"deliverable_id", "d1"}, {"reason", "moved to Digital SIG"}},
        "WorkProgrammeDeliverableRemoved");
  EXPECT_EQ(f.reasons.back(), "moved to Digital SIG");
  EXPECT_EQ(f.View()["deliverable_ids"], json({"d2"}));
  EXPECT_TRUE(IsProgrammeYear("2099-00"));
}

}  // namespace
}  // namespace assure::domain
