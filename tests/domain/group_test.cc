// Group and memberships: given/when/then for every command.
#include <gtest/gtest.h>

#include "domain/group.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

Fixture<GroupAggregate> OperationalBoard() {
  Fixture<GroupAggregate> f("ops");
  f.One("create",
        {{"name", "Operational Board"},
         {"kind", "operational-board"},
         {"parent_group_id", "exec"},
         {"quorum_rule", {{"min_present", 3}, {"min_percent", 50}, {"chair_required", true}}}},
        "GroupCreated");
  return f;
}

TEST(Group, Create) {
  auto f = OperationalBoard();
  const json v = f.View();
  EXPECT_EQ(v["kind"], "operational-board");
  EXPECT_EQ(v["parent_group_id"], "exec");
  EXPECT_EQ(v["quorum_rule"]["min_present"], 3);
  EXPECT_EQ(v["quorum_rule"]["chair_required"], true);
  EXPECT_EQ(v["lifecycle"], "active");
  EXPECT_EQ(f.Refused("create", {{"name", "x"}, {"kind", "sig"}}).code, ErrorCode::kAlreadyExists);

  Fixture<GroupAggregate> g("g");
  EXPECT_EQ(g.Refused("create", {{"name", "x"}, {"kind", "committee"}}).field, "kind");
  EXPECT_EQ(g.Refused("create", {{"name", "x"}, {"kind", "sig"}, {"quorum_rule", {{"min_percent", 120}}}}).field,
            "quorum_rule.min_percent");
  EXPECT_EQ(g.Refused("create", {{"name", "x"}, {"kind", "sig"}, {"parent_group_id", "g"}}).field,
            "parent_group_id");
  EXPECT_EQ(g.Refused("rename", {{"name", "y"}}).code, ErrorCode::kNotFound);
}

TEST(Group, RenameParentTermsQuorum) {
  auto f = OperationalBoard();
  EXPECT_EQ(f.One("rename", {{"name", "WMIN Operational Board"}}, "GroupRenamed")["previous_name"],
            "Operational Board");
  EXPECT_EQ(f.Refused("rename", {{"name", "WMIN Operational Board"}}).code, ErrorCode::kRuleViolation);

  EXPECT_EQ(f.Refused("change-parent", {{"parent_group_id", "ops"}}).field, "parent_group_id");
  EXPECT_EQ(f.Refused("change-parent", {{"parent_group_id", "exec"}}).code, ErrorCode::kRuleViolation);
  f.One("change-parent", {{"parent_group_id", nullptr}}, "GroupParentChanged");
  EXPECT_TRUE(f.View()["parent_group_id"].is_null());

  f.One("set-terms-of-reference", {{"document_id", "tor-ops"}}, "GroupTermsOfReferenceSet");
  EXPECT_EQ(f.View()["terms_of_reference_document_id"], "tor-ops");
  EXPECT_EQ(f.Refused("set-terms-of-reference", {{"document_id", "tor-ops"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("set-terms-of-reference", json::object()).field, "document_id");

  auto d = f.One("set-quorum-rule", {{"quorum_rule", {{"min_present", 4}}}}, "GroupQuorumRuleSet");
  EXPECT_EQ(d["previous_quorum_rule"]["min_present"], 3);
  EXPECT_EQ(f.View()["quorum_rule"]["min_present"], 4);
  EXPECT_EQ(f.View()["quorum_rule"]["chair_required"], false);
  EXPECT_EQ(f.Refused("set-quorum-rule", {{"quorum_rule", {{"min_present", 4}}}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("set-quorum-rule", json::object()).field, "quorum_rule");
}

TEST(Group, Lifecycle) {
  auto f = OperationalBoard();
  EXPECT_EQ(f.Refused("change-lifecycle", {{"lifecycle", "dormant"}}).field, "reason");
  EXPECT_EQ(f.Refused("change-lifecycle", {{"lifecycle", "active"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  f.One("change-lifecycle", {{"lifecycle", "dormant"}, {"reason", "work complete"}},
        "GroupLifecycleChanged");
  EXPECT_EQ(f.View()["lifecycle"], "dormant");
  f.One("change-lifecycle", {{"lifecycle", "active"}, {"reason", "new issue"}}, "GroupLifecycleChanged");
  f.Ok("appoint-member", {{"person_id", "p1"}, {"role", "member"}, {"start_date", "2023-01-01"}});
  f.One("change-lifecycle", {{"lifecycle", "closed"}, {"reason", "merged"}}, "GroupLifecycleChanged");
  EXPECT_EQ(f.Refused("change-lifecycle", {{"lifecycle", "active"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("rename", {{"name", "Other"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("appoint-member", {{"person_id", "p2"}, {"role", "member"}, {"start_date", "2023-01-01"}}).code,
            ErrorCode::kRuleViolation);
  // Memberships can still be ended after closure.
  f.One("end-membership", {{"membership_id", "m1"}, {"end_date", "2023-12-31"}, {"reason", "group closed"}},
        "GroupMembershipEnded");
}

TEST(Group, Memberships) {
  auto f = OperationalBoard();
  auto d = f.One("appoint-member",
                 {{"person_id", "p1"}, {"role", "chair"}, {"organisation_id", "rwe"}, {"start_date", "2022-09-01"}},
                 "GroupMemberAppointed");
  EXPECT_EQ(d["membership_id"], "m1");
  f.One("appoint-member", {{"person_id", "p2"}, {"role", "member"}, {"start_date", "2022-09-01"}},
        "GroupMemberAppointed");
  // No two open memberships of one person.
  EXPECT_EQ(f.Refused("appoint-member", {{"person_id", "p2"}, {"role", "observer"}, {"start_date", "2023-01-01"}}).code,
            ErrorCode::kRuleViolation);
  // At most one chair.
  EXPECT_EQ(f.Refused("appoint-member", {{"person_id", "p3"}, {"role", "chair"}, {"start_date", "2023-01-01"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("change-member-role", {{"membership_id", "m2"}, {"role", "chair"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("appoint-member", {{"person_id", "p3"}, {"role", "member"}, {"start_date", "1/1/23"}}).field,
            "start_date");
  EXPECT_EQ(f.Refused("appoint-member", {{"person_id", "p3"}, {"role", "boss"}, {"start_date", "2023-01-01"}}).field,
            "role");

  d = f.One("change-member-role", {{"membership_id", "m2"}, {"role", "vice-chair"}}, "GroupMemberRoleChanged");
  EXPECT_EQ(d["previous_role"], "member");
  EXPECT_EQ(f.View()["memberships"][1]["role"], "vice-chair");
  EXPECT_EQ(f.Refused("change-member-role", {{"membership_id", "m2"}, {"role", "vice-chair"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("change-member-role", {{"membership_id", "m9"}, {"role", "member"}}).field,
            "membership_id");

  // End: not before start, reason required.
  EXPECT_EQ(f.Refused("end-membership", {{"membership_id", "m1"}, {"end_date", "2022-08-31"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("end-membership", {{"membership_id", "m1"}, {"end_date", "2023-05-31"}}).field, "reason");
  f.One("end-membership", {{"membership_id", "m1"}, {"end_date", "2023-05-31"}, {"reason", "stood down"}},
        "GroupMembershipEnded");
  const json m1 = f.View()["memberships"][0];
  EXPECT_EQ(m1["end_date"], "2023-05-31");
  EXPECT_EQ(m1["end_reason"], "stood down");
  EXPECT_EQ(f.Refused("end-membership", {{"membership_id", "m1"}, {"end_date", "2023-06-30"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  // The chair is free again, and p1 can rejoin.
  f.One("change-member-role", {{"membership_id", "m2"}, {"role", "chair"}}, "GroupMemberRoleChanged");
  d = f.One("appoint-member", {{"person_id", "p1"}, {"role", "member"}, {"start_date", "2023-06-01"}},
            "GroupMemberAppointed");
  EXPECT_EQ(d["membership_id"], "m3");
  EXPECT_EQ(f.View()["memberships"].size(), 3u);
}

}  // namespace
}  // namespace assure::domain
