// Risk (issue 22): given/when/then for every command and rule of a risk
// register entry on the NHS 5x5 matrix.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "domain/risk.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using nlohmann::json;
using testing::Fixture;

json Raise() {
  return {{"reference", "OB-R07"},
          {"title", "Radiologist vacancies delay reporting"},
          {"cause", "vacancies in three trusts"},
          {"event", "reporting backlog exceeds 4 weeks"},
          {"effect", "delayed diagnoses"},
          {"category", "workforce"},
          {"owner_person_id", "p1"},
          {"group_id", "ob"},
          {"inherent", {{"likelihood", 4}, {"impact", 4}}},
          {"target", {{"likelihood", 2}, {"impact", 3}}},
          {"review_date", "2024-06-30"},
          {"deliverable_ids", {"d1"}},
          {"qsin_codes", {"IN-601"}}};
}

TEST(Risk, RaiseScoresOnTheFiveByFiveMatrix) {
  Fixture<RiskAggregate> f("r1");
  auto d = f.One("raise", Raise(), "RiskRaised");
  EXPECT_EQ(d["current"], (json{{"likelihood", 4}, {"impact", 4}})) << "current starts at the inherent score";
  const json v = f.View();
  EXPECT_EQ(v["current"]["score"], 16);
  EXPECT_EQ(v["current"]["grade"], "extreme");
  EXPECT_EQ(v["target"]["score"], 6);
  EXPECT_EQ(v["target"]["grade"], "moderate");
  EXPECT_EQ(v["status"], "open");
  EXPECT_EQ(f.described.back().summary, "Risk raised: Radiologist vacancies delay reporting, current score 4 x 4 = 16 (extreme)");
  EXPECT_EQ(f.Refused("raise", Raise()).code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(RiskGrade(3), "low");
  EXPECT_EQ(RiskGrade(4), "moderate");
  EXPECT_EQ(RiskGrade(12), "high");
  EXPECT_EQ(RiskGrade(15), "extreme");
}

TEST(Risk, ScoresAreOneToFiveAndAChangeNeedsAReason) {
  Fixture<RiskAggregate> f("r1");
  json bad = Raise();
  bad["inherent"]["likelihood"] = 6;
  EXPECT_EQ(f.Refused("raise", bad).field, "inherent.likelihood");
  bad = Raise();
  bad["inherent"]["impact"] = 0;
  EXPECT_EQ(f.Refused("raise", bad).field, "inherent.impact");
  bad = Raise();
  bad.erase("inherent");
  EXPECT_EQ(f.Refused("raise", bad).field, "inherent");
  bad = Raise();
  bad.erase("group_id");
  EXPECT_EQ(f.Refused("raise", bad).field, "group_id");
  f.One("raise", Raise(), "RiskRaised");

  EXPECT_EQ(f.Refused("score", {{"score", "current"}, {"likelihood", 3}, {"impact", 4}}).field, "reason");
  EXPECT_EQ(f.Refused("score", {{"score", "current"}, {"likelihood", 3}, {"impact", 9}, {"reason", "r"}}).field, "impact");
  EXPECT_EQ(f.Refused("score", {{"score", "residual"}, {"likelihood", 3}, {"impact", 4}, {"reason", "r"}}).field, "score");
  EXPECT_EQ(f.Refused("score", {{"score", "current"}, {"likelihood", 4}, {"impact", 4}, {"reason", "same"}}).code,
            ErrorCode::kRuleViolation);
  auto d = f.One("score", {{"score", "current"}, {"likelihood", 3}, {"impact", 4}, {"reason", "two posts filled"}},
                 "RiskScored");
  EXPECT_EQ(d["previous_likelihood"], 4);
  EXPECT_EQ(f.reasons.back(), "two posts filled");
  EXPECT_EQ(f.View()["current"]["score"], 12);
  EXPECT_EQ(f.described.back().summary, "Current score 4 x 4 = 16 (extreme) → 3 x 4 = 12 (high)");
  f.One("score", {{"score", "target"}, {"likelihood", 1}, {"impact", 3}, {"reason", "board appetite"}}, "RiskScored");
  EXPECT_EQ(f.View()["target"]["score"], 3);
  EXPECT_EQ(f.View()["inherent"]["score"], 16) << "the inherent score never moves";
}

TEST(Risk, ControlsAreClosedOnceWithEvidence) {
  Fixture<RiskAggregate> f("r1");
  f.One("raise", Raise(), "RiskRaised");
  EXPECT_EQ(f.Refused("add-control", {{"description", "x"}, {"due_date", "31/12/2024"}}).field, "due_date");
  auto d = f.One("add-control", {{"description", "Insourcing contract"}, {"owner_person_id", "p2"}, {"due_date", "2024-09-30"}},
                 "RiskControlAdded");
  EXPECT_EQ(d["control_id"], "c1");
  EXPECT_EQ(f.described.back().summary, "Control added: Insourcing contract, due 2024-09-30, owner p2");
  EXPECT_EQ(f.Refused("close-control", {{"control_id", "c9"}, {"evidence", "e"}, {"reason", "r"}}).field, "control_id");
  EXPECT_EQ(f.Refused("close-control", {{"control_id", "c1"}, {"reason", "r"}}).field, "evidence");
  EXPECT_EQ(f.Refused("close-control", {{"control_id", "c1"}, {"evidence", "contract signed"}}).field, "reason");
  f.One("close-control", {{"control_id", "c1"}, {"evidence", "contract signed 1 Aug"}, {"reason", "in place"}},
        "RiskControlClosed");
  EXPECT_EQ(f.View()["controls"][0]["closed"], true);
  EXPECT_EQ(f.described.back().summary, "Control closed: Insourcing contract (evidence: contract signed 1 Aug)");
  EXPECT_EQ(f.Refused("close-control", {{"control_id", "c1"}, {"evidence", "e"}, {"reason", "r"}}).code,
            ErrorCode::kRuleViolation);
  EXPECT_EQ(f.One("add-control", {{"description", "Second"}}, "RiskControlAdded")["control_id"], "c2");
}

TEST(Risk, ReviewsMoveTheNextReviewDate) {
  Fixture<RiskAggregate> f("r1");
  f.One("raise", Raise(), "RiskRaised");
  EXPECT_EQ(f.Refused("review", {{"reviewed_on", "2024-06-30"}, {"next_review_date", "2024-06-30"}}).field,
            "next_review_date");
  EXPECT_EQ(f.Refused("review", {{"next_review_date", "2024-09-30"}}).field, "reviewed_on");
  f.One("review", {{"reviewed_on", "2024-06-28"}, {"next_review_date", "2024-09-30"}, {"note", "no change"}},
        "RiskReviewed");
  EXPECT_EQ(f.View()["review_date"], "2024-09-30");
  EXPECT_EQ(f.View()["last_reviewed"], "2024-06-28");
}

TEST(Risk, ToleratingClosingAndReopeningNeedReasonsAndAClosedRiskTakesNoChange) {
  Fixture<RiskAggregate> f("r1");
  EXPECT_EQ(f.Refused("close", {{"reason", "r"}}).code, ErrorCode::kNotFound);
  f.One("raise", Raise(), "RiskRaised");
  EXPECT_EQ(f.Refused("tolerate", json::object()).field, "reason");
  f.One("tolerate", {{"reason", "within appetite"}}, "RiskStatusChanged");
  EXPECT_EQ(f.View()["status"], "tolerated");
  EXPECT_EQ(f.Refused("tolerate", {{"reason", "again"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("close", json::object()).field, "reason");
  f.One("close", {{"reason", "vacancies filled"}}, "RiskStatusChanged");
  EXPECT_EQ(f.View()["status_reason"], "vacancies filled");
  EXPECT_EQ(f.described.back().summary, "Status tolerated → closed");
  for (const auto& [name, body] : std::vector<std::pair<std::string, json>>{
           {"score", {{"score", "current"}, {"likelihood", 1}, {"impact", 1}, {"reason", "r"}}},
           {"add-control", {{"description", "x"}}},
           {"review", {{"reviewed_on", "2024-07-01"}, {"next_review_date", "2024-08-01"}}},
           {"tolerate", {{"reason", "r"}}}}) {
    EXPECT_EQ(f.Refused(name, body).code, ErrorCode::kRuleViolation) << name;
  }
  f.One("reopen", {{"reason", "vacancies again"}}, "RiskStatusChanged");
  EXPECT_EQ(f.View()["status"], "open");
  EXPECT_EQ(f.Refused("reopen", {{"reason", "r"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("escalate", json::object()).code, ErrorCode::kNotFound);
  EXPECT_EQ(f.types_seen.size(), 2u);
}

// RiskRaised and the read model keep their flat members now that RaiseRisk
// and RiskState hold them in one RiskDescription (on-disk: never renamed).
TEST(Risk, TheDescriptionIsStoredAndServedFlat) {
  Fixture<RiskAggregate> f("r1");
  const json d = f.One("raise", Raise(), "RiskRaised");
  std::set<std::string> keys;
  for (const auto& [key, value] : d.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "occurred_at", "reference", "title", "cause", "event", "effect",
                                         "category", "owner_person_id", "group_id", "inherent", "current", "target",
                                         "review_date", "deliverable_ids", "qsin_codes"}));
  keys.clear();
  const json view = f.View();  // items() of a temporary would outlive it (ASan: stack-use-after-scope)
  for (const auto& [key, value] : view.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "reference", "title", "cause", "event", "effect", "category",
                                         "owner_person_id", "group_id", "inherent", "current", "target", "review_date",
                                         "last_reviewed", "status", "status_reason", "controls", "deliverable_ids",
                                         "qsin_codes"}));
  const RiskDescription& a = f.state.description;
  EXPECT_EQ(a.reference, "OB-R07");
  EXPECT_EQ(a.title, "Radiologist vacancies delay reporting");
  EXPECT_EQ(a.cause, "vacancies in three trusts");
  EXPECT_EQ(a.event, "reporting backlog exceeds 4 weeks");
  EXPECT_EQ(a.effect, "delayed diagnoses");
  EXPECT_EQ(a.category, "workforce");
  EXPECT_EQ(a.owner_person_id, "p1");
  EXPECT_EQ(a.group_id, "ob");
  EXPECT_EQ(a.deliverable_ids, std::vector<std::string>{"d1"});
  EXPECT_EQ(a.qsin_codes, std::vector<std::string>{"IN-601"});
  // Text is trimmed as it always was.
  Fixture<RiskAggregate> g("r2");
  json padded = Raise();
  padded["title"] = "  Padded  ";
  EXPECT_EQ(g.One("raise", padded, "RiskRaised")["title"], "Padded");
}

// A risk's description and owner change by "edit", in words; its group
// does not (a risk moves up by escalation).
TEST(Risk, AnEditChangesTheDescriptionOrOwnerInWordsNotTheGroup) {
  Fixture<RiskAggregate> f("r1");
  f.One("raise", Raise(), "RiskRaised");
  auto d = f.One("edit", {{"title", "Radiologist vacancies"}, {"owner_person_id", "p2"}, {"cause", "vacancies in three trusts"},
                          {"qsin_codes", {"IN-601", "IN-203"}}, {"reason", "handed over"}},
                 "RiskEdited");
  EXPECT_EQ(d, (json{{"id", "r1"}, {"occurred_at", d["occurred_at"]}, {"title", "Radiologist vacancies"},
                     {"owner_person_id", "p2"}, {"qsin_codes", {"IN-601", "IN-203"}}}))
      << "only what changed";
  const json v = f.View();
  EXPECT_EQ(v["title"], "Radiologist vacancies");
  EXPECT_EQ(v["owner_person_id"], "p2");
  EXPECT_EQ(v["cause"], "vacancies in three trusts");
  EXPECT_EQ(v["group_id"], "ob");
  EXPECT_EQ(f.described.back().summary,
            "Edited: Title 'Radiologist vacancies delay reporting' → 'Radiologist vacancies'; Owner p1 → p2; "
            "QSIN statements now IN-601, IN-203");
  EXPECT_EQ(f.Refused("edit", {{"title", "Radiologist vacancies"}}).code, ErrorCode::kRuleViolation);
  EXPECT_EQ(f.Refused("edit", {{"title", "  "}}).field, "title");
  EXPECT_EQ(f.Refused("edit", {{"group_id", "sig"}}).field, "group_id");
  f.One("close", {{"reason", "funded"}}, "RiskStatusChanged");
  EXPECT_EQ(f.Refused("edit", {{"category", "finance"}}).code, ErrorCode::kRuleViolation);
}

}  // namespace
}  // namespace assure::domain
