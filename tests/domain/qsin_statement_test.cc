// QSIN statement: given/when/then for every command.
#include <gtest/gtest.h>

#include "domain/qsin_statement.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

TEST(QsinStatement, DefineEditAssess) {
  Fixture<QsinStatementAggregate> f("IN-601");
  EXPECT_EQ(f.Refused("define", {{"code", "IN-61"}, {"title", "t"}, {"edition", "2022"}}).field, "code");
  EXPECT_EQ(f.Refused("define", {{"code", "IN-601"}, {"title", "t"}}).field, "edition");
  EXPECT_EQ(f.Refused("edit", {{"title", "x"}}).code, ErrorCode::kNotFound);
  f.One("define", {{"code", "IN-601"}, {"title", "Work programmes reviewed annually"}, {"edition", "2022"}},
        "QsinStatementDefined");
  EXPECT_EQ(f.View()["section"], "6");  // the hundreds digit
  EXPECT_EQ(f.Refused("define", {{"code", "IN-601"}, {"title", "t"}, {"edition", "2022"}}).code, ErrorCode::kAlreadyExists);

  auto d = f.One("edit", {{"section", "Governance"}, {"edition", "2022"}}, "QsinStatementEdited");
  EXPECT_FALSE(d.contains("edition"));
  EXPECT_EQ(f.View()["section"], "Governance");
  EXPECT_EQ(f.Refused("edit", {{"section", "Governance"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("edit", {{"title", ""}}).field, "title");

  EXPECT_EQ(f.Refused("record-self-assessment", {{"outcome", "partly-met"}, {"assessor_person_id", "p1"},
                                                 {"assessed_on", "2024-01-10"}}).field,
            "comment");
  EXPECT_EQ(f.Refused("record-self-assessment", {{"outcome", "mostly"}, {"assessor_person_id", "p1"},
                                                 {"assessed_on", "2024-01-10"}}).field,
            "outcome");
  f.One("record-self-assessment", {{"outcome", "partly-met"}, {"comment", "Two SIG programmes not yet reviewed"},
                                   {"assessor_person_id", "p1"}, {"assessed_on", "2024-01-10"}},
        "QsinSelfAssessmentRecorded");
  d = f.One("record-self-assessment", {{"outcome", "met"}, {"assessor_person_id", "p1"}, {"assessed_on", "2024-06-10"}},
            "QsinSelfAssessmentRecorded");
  EXPECT_EQ(d["assessment_id"], "s2");
  EXPECT_EQ(f.View()["assessments"].size(), 2u);
  EXPECT_EQ(f.View()["latest_assessment"]["outcome"], "met");
}

}  // namespace
}  // namespace assure::domain
