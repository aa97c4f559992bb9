// Organisation and Person: given/when/then for every command.
#include <gtest/gtest.h>

#include "domain/organisation.h"
#include "domain/person.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

TEST(Organisation, RegisterRenameRetire) {
  Fixture<OrganisationAggregate> f("rwe");
  auto d = f.One("register", {{"name", "Royal Wolverhampton NHS Trust"}, {"kind", "trust"},
                              {"ods_code", "RL4"}},
                 "OrganisationRegistered");
  EXPECT_EQ(d["kind"], "trust");
  EXPECT_EQ(f.View()["name"], "Royal Wolverhampton NHS Trust");
  EXPECT_EQ(f.View()["ods_code"], "RL4");
  EXPECT_EQ(f.Refused("register", {{"name", "x"}, {"kind", "icb"}}).code, ErrorCode::kAlreadyExists);

  d = f.One("rename", {{"name", "The Royal Wolverhampton"}}, "OrganisationRenamed");
  EXPECT_EQ(d["previous_name"], "Royal Wolverhampton NHS Trust");
  EXPECT_EQ(f.View()["name"], "The Royal Wolverhampton");
  EXPECT_EQ(f.Refused("rename", {{"name", "The Royal Wolverhampton"}}).code, ErrorCode::kRuleViolation);

  EXPECT_EQ(f.Refused("retire", json::object()).field, "reason");
  f.One("retire", {{"reason", "merged"}}, "OrganisationRetired");
  EXPECT_EQ(f.reasons.back(), "merged");
  EXPECT_EQ(f.View()["retired"], true);
  EXPECT_EQ(f.Refused("retire", {{"reason", "again"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("rename", {{"name", "New"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.types_seen.size(), 3u);
}

TEST(Organisation, RefusesBadInput) {
  Fixture<OrganisationAggregate> f("x");
  EXPECT_EQ(f.Refused("rename", {{"name", "n"}}).code, ErrorCode::kNotFound);
  const Error e = f.Refused("register", {{"name", "n"}, {"kind", "hospital"}});
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field, "kind");
  EXPECT_EQ(f.Refused("register", {{"name", 7}, {"kind", "icb"}}).field, "name");
  EXPECT_EQ(f.Refused("register", json::array()).code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(f.Refused("frobnicate", json::object()).code, ErrorCode::kNotFound);
  // A create needs an id from the context.
  auto cmd = OrganisationAggregate::ParseCommand("register", {{"name", "n"}, {"kind", "icb"}});
  ASSERT_TRUE(cmd.ok());
  auto r = OrganisationAggregate::Decide({}, *cmd, CommandContext{"a", 0, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "id");
}

TEST(Person, RegisterUpdateErase) {
  Fixture<PersonAggregate> f("p1");
  EXPECT_EQ(f.Refused("register", {{"name", "Kay B"}, {"email", "not-an-email"}}).field, "email");
  f.One("register", {{"name", "Kay B"}, {"email", "kay@nhs.net"}, {"job_title", "Director"},
                     {"organisation_id", "rwe"}},
        "PersonRegistered");
  EXPECT_EQ(f.View()["email"], "kay@nhs.net");
  auto d = f.One("update-details", {{"job_title", "Network Director"}, {"name", "Kay B"}},
                 "PersonDetailsUpdated");
  EXPECT_EQ(d["job_title"], "Network Director");
  EXPECT_FALSE(d.contains("name"));  // unchanged fields are not repeated
  EXPECT_EQ(f.View()["job_title"], "Network Director");
  EXPECT_EQ(f.Refused("update-details", {{"job_title", "Network Director"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("update-details", {{"name", ""}}).field, "name");

  EXPECT_EQ(f.Refused("erase", {{"reason", " "}}).field, "reason");
  d = f.One("erase", {{"reason", "right to erasure request 2024-01"}}, "PersonalDataErased");
  EXPECT_FALSE(d.contains("name"));  // the event holds no personal data
  EXPECT_EQ(f.View()["name"], "erased person");  // where the name was, every read says so
  EXPECT_EQ(f.View()["email"], "");
  EXPECT_EQ(f.View()["erased"], true);
  EXPECT_EQ(f.View()["organisation_id"], "rwe");
  EXPECT_EQ(f.Refused("update-details", {{"name", "Back"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("erase", {{"reason", "again"}}).code, ErrorCode::kRuleViolation);
}

}  // namespace
}  // namespace assure::domain
