// Owned actions (domain/owned_action.h): a risk's controls and an issue's
// actions are the one thing, each in its own aggregate's words and ids.
#include <gtest/gtest.h>

#include <string>

#include "domain/issue_log.h"
#include "domain/risk.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using nlohmann::json;
using testing::Fixture;

json RaiseRiskBody() {
  return {{"title", "Radiologist vacancies delay reporting"},
          {"owner_person_id", "p1"},
          {"group_id", "ob"},
          {"inherent", {{"likelihood", 4}, {"impact", 4}}}};
}

json RaiseIssueBody() {
  return {{"title", "Reporting backlog past 4 weeks"}, {"group_id", "ob"}, {"priority", "high"}};
}

// Given a holder, when one owned action is added, closed, and closed again
// (and one unknown closed), then each answer speaks of the holder's kind.
template <typename Aggregate>
void ExpectOwnedActions(const char* raise_event, const json& raise, const std::string& noun,
                        const std::string& article, const std::string& holder, const std::string& id_key,
                        const std::string& first_id, const std::string& added_event,
                        const std::string& closed_event) {
  Fixture<Aggregate> f("h1");
  f.One("raise", raise, raise_event);
  const std::string add = "add-" + noun, close = "close-" + noun;
  EXPECT_EQ(f.Refused(add, {{"description", "  "}}).field, "description");
  auto added = f.One(add, {{"description", " Insourcing contract "}, {"owner_person_id", "p2"}}, added_event);
  EXPECT_EQ(added[id_key], first_id);
  EXPECT_EQ(added["description"], "Insourcing contract");
  Error unknown = f.Refused(close, {{id_key, "x9"}, {"evidence", "e"}, {"reason", "r"}});
  EXPECT_EQ(unknown.field, id_key);
  EXPECT_EQ(unknown.message, "the " + holder + " has no " + noun + " x9");
  EXPECT_EQ(f.Refused(close, {{id_key, first_id}, {"evidence", "e"}}).message,
            "a reason is required to close " + article + " " + noun);
  f.One(close, {{id_key, first_id}, {"evidence", "contract signed"}, {"reason", "in place"}}, closed_event);
  Error again = f.Refused(close, {{id_key, first_id}, {"evidence", "e"}, {"reason", "r"}});
  EXPECT_EQ(again.code, ErrorCode::kRuleViolation);
  EXPECT_EQ(again.message, "the " + noun + " is already closed");
  const json list = f.View()[noun + "s"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], (json{{id_key, first_id},
                           {"description", "Insourcing contract"},
                           {"owner_person_id", "p2"},
                           {"due_date", ""},
                           {"closed", true},
                           {"evidence", "contract signed"}}));
}

TEST(OwnedAction, ARisksControlsAreOwnedActionsInTheWordsOfARisk) {
  ExpectOwnedActions<RiskAggregate>("RiskRaised", RaiseRiskBody(), "control", "a", "risk", "control_id", "c1",
                                    "RiskControlAdded", "RiskControlClosed");
}

TEST(OwnedAction, AnIssuesActionsAreOwnedActionsInTheWordsOfAnIssue) {
  ExpectOwnedActions<IssueAggregate>("IssueRaised", RaiseIssueBody(), "action", "an", "issue", "action_id", "a1",
                                     "IssueActionAdded", "IssueActionClosed");
}

// A holder takes at most 200; the 201st is refused in its own words.
TEST(OwnedAction, AHolderTakesAtMostTwoHundred) {
  Fixture<IssueAggregate> f("i1");
  f.One("raise", RaiseIssueBody(), "IssueRaised");
  for (int i = 0; i < 200; ++i) f.One("add-action", {{"description", "step " + std::to_string(i)}}, "IssueActionAdded");
  Error full = f.Refused("add-action", {{"description", "one more"}});
  EXPECT_EQ(full.code, ErrorCode::kRuleViolation);
  EXPECT_EQ(full.message, "an issue holds at most 200 actions");
}

}  // namespace
}  // namespace assure::domain
