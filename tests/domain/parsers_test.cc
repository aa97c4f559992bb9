// The pure parsers and read-side helpers, on the seed's real messy values.
#include <gtest/gtest.h>

#include "domain/calendar.h"
#include "domain/event.h"
#include "domain/json_text.h"
#include "domain/mm_qsin_reference.h"
#include "domain/read/membership_at.h"
#include "domain/read/overdue.h"
#include "domain/read/quorum.h"
#include "domain/seed_date.h"
#include "domain/seed_status.h"

namespace assure::domain {
namespace {

using P = DatePrecision;

void ExpectDate(std::string_view text, std::optional<std::string> date, P precision,
                std::optional<int> year = std::nullopt) {
  const SeedDate d = ParseSeedDate(text, year);
  EXPECT_EQ(d.original, text);
  EXPECT_EQ(d.date, date) << text;
  EXPECT_EQ(d.precision, precision) << text;
}

// "<kind>-<id>" and back; another kind, a kind that only starts the same, or
// no id, is no id of the kind.
TEST(StreamIds, IdInStreamIsStreamIdsInverse) {
  EXPECT_EQ(StreamId("meeting", "m-1"), "meeting-m-1");
  EXPECT_EQ(IdInStream("meeting-m-1", "meeting"), "m-1");
  EXPECT_EQ(IdInStream("meeting-m-1", "person"), "");
  EXPECT_EQ(IdInStream("meetings-m-1", "meeting"), "");
  EXPECT_EQ(IdInStream("meeting-", "meeting"), "");
  EXPECT_EQ(IdInStream("meeting", "meeting"), "");
  EXPECT_EQ(IdInStream("", "meeting"), "");
}

TEST(SeedDate, MonthPrecisionForms) {
  ExpectDate("Mar-23", "2023-03-01", P::kMonth);
  ExpectDate("Set 2022", "2022-09-01", P::kMonth);  // the seed's typo for Sep
  ExpectDate("Planned Apr 23", "2023-04-01", P::kMonth);
  ExpectDate("planned Mar 23", "2023-03-01", P::kMonth);
  ExpectDate("Draft Dec-22", "2022-12-01", P::kMonth);
  ExpectDate("Planned Jun 23", "2023-06-01", P::kMonth);
  ExpectDate("Sept 2023", "2023-09-01", P::kMonth);
  // An xlsx date cell shown as "Feb-21" comes from the reader as ISO year-month.
  ExpectDate("2021-02", "2021-02-01", P::kMonth);
  ExpectDate("2021-13", std::nullopt, P::kNone);
}

TEST(SeedDate, DayPrecisionForms) {
  ExpectDate("01/04/2023", "2023-04-01", P::kDay);  // day first (UK)
  ExpectDate("24/5/23", "2023-05-24", P::kDay);
  ExpectDate("2023-05-24", "2023-05-24", P::kDay);
  ExpectDate("19th Sept", std::nullopt, P::kNone);  // no year known
  ExpectDate("19th Sept", "2023-09-19", P::kDay, 2023);
  ExpectDate("3 March 2024", "2024-03-03", P::kDay);
}

TEST(SeedDate, YearAndWords) {
  ExpectDate("planned 2024", "2024-01-01", P::kYear);
  ExpectDate("ongoing", std::nullopt, P::kNone);
  ExpectDate("Ongoing", std::nullopt, P::kNone);
  ExpectDate("Not started", std::nullopt, P::kNone);
  ExpectDate("SIG Setup", std::nullopt, P::kNone);
  ExpectDate("01/", std::nullopt, P::kNone);
  ExpectDate("", std::nullopt, P::kNone);
  ExpectDate("31/02/2023", std::nullopt, P::kNone);  // no such day
}

TEST(SeedDate, PeriodEnd) {
  EXPECT_EQ(PeriodEnd(ParseSeedDate("Feb-24")), "2024-02-29");
  EXPECT_EQ(PeriodEnd(ParseSeedDate("planned 2024")), "2024-12-31");
  EXPECT_EQ(PeriodEnd(ParseSeedDate("01/04/2023")), "2023-04-01");
  EXPECT_EQ(PeriodEnd(ParseSeedDate("ongoing")), std::nullopt);
}

TEST(SeedDate, JsonRoundTrip) {
  const SeedDate d = ParseSeedDate("Draft Dec-22");
  const auto j = SeedDateToJson(d);
  EXPECT_EQ(j["precision"], "month");
  EXPECT_EQ(SeedDateFromJson(j), d);
  EXPECT_EQ(SeedDateFromJson(nlohmann::json(42)), SeedDate{});
}

void ExpectRef(std::string_view raw, std::string domain, std::vector<std::string> codes) {
  const auto r = ParseMmQsinReference(raw);
  EXPECT_EQ(r.raw, raw);
  EXPECT_EQ(r.domain, domain) << raw;
  EXPECT_EQ(r.codes, codes) << raw;
}

TEST(MmQsinReference, SeedValues) {
  ExpectRef("Operational Governance IN-601", "Operational Governance", {"IN-601"});
  ExpectRef("Clinical Governance IN-501, 601, 701", "Clinical Governance",
            {"IN-501", "IN-601", "IN-701"});
  ExpectRef("Clinical Governance IN-701, 702", "Clinical Governance", {"IN-701", "IN-702"});
  ExpectRef("Workforce IN-203", "Workforce", {"IN-203"});
  ExpectRef("IN-501,601", "", {"IN-501", "IN-601"});
  ExpectRef("All", "All", {});
  ExpectRef("Comms & Engagement", "Comms & Engagement", {});
  ExpectRef("Quality Standards in Imaging", "Quality Standards in Imaging", {});
  ExpectRef("Workforce IN 2", "Workforce", {});  // truncated in the seed
  ExpectRef("IN-201, IN-601, IN-603", "", {"IN-201", "IN-601", "IN-603"});
  ExpectRef("", "", {});
}

TEST(MmQsinReference, CodeShape) {
  EXPECT_TRUE(IsQsinCode("IN-601"));
  EXPECT_FALSE(IsQsinCode("IN-61"));
  EXPECT_FALSE(IsQsinCode("in-601"));
}

TEST(SeedStatus, SeedWords) {
  using S = DeliverableStatus;
  EXPECT_EQ(ParseSeedStatus("On Target"), (SeedStatus{Ragb::kBlue, S::kInProgress}));
  EXPECT_EQ(ParseSeedStatus("Planned Activity"), (SeedStatus{std::nullopt, S::kPlanned}));
  EXPECT_EQ(ParseSeedStatus("Planned activity"), (SeedStatus{std::nullopt, S::kPlanned}));
  EXPECT_EQ(ParseSeedStatus("Completed"), (SeedStatus{Ragb::kGreen, S::kCompleted}));
  EXPECT_EQ(ParseSeedStatus("Ongoing"), (SeedStatus{std::nullopt, S::kInProgress}));
  EXPECT_EQ(ParseSeedStatus("Not started"), (SeedStatus{std::nullopt, S::kNotStarted}));
  EXPECT_EQ(ParseSeedStatus("RED"), (SeedStatus{Ragb::kRed, std::nullopt}));
  EXPECT_EQ(ParseSeedStatus("amber"), (SeedStatus{Ragb::kAmber, std::nullopt}));
  EXPECT_EQ(ParseSeedStatus("Blue (B)"), (SeedStatus{Ragb::kBlue, std::nullopt}));
  EXPECT_EQ(ParseSeedStatus(" Green "), (SeedStatus{Ragb::kGreen, std::nullopt}));
  EXPECT_EQ(ParseSeedStatus("Quality Standards in Imaging"), SeedStatus{});
}

TEST(Calendar, Basics) {
  EXPECT_EQ(FormatTimestampUs(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestampUs(1684922400LL * 1'000'000 + 5), "2023-05-24T10:00:00.000005Z");
  EXPECT_EQ(FormatTimestampUs(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_TRUE(ParseIsoDate("2024-02-29"));
  EXPECT_FALSE(ParseIsoDate("2023-02-29"));
  EXPECT_EQ(FormatIsoDate(AddMonths(CivilDate{2023, 1, 31}, 13)), "2024-02-29");
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24T14:00"));
  EXPECT_TRUE(IsIsoDateOrDateTime("2023-05-24T14:00:00+01:00"));
  EXPECT_FALSE(IsIsoDateOrDateTime("24/05/2023"));
  for (std::int64_t d : {-800000, -1, 0, 19501, 2932896}) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  }
}

TEST(ReadQuorum, CountsMembersPresentAndChair) {
  using read::QuorumMember;
  const std::vector<QuorumMember> members = {{"p1", MemberRole::kChair},
                                             {"p2", MemberRole::kMember},
                                             {"p3", MemberRole::kMember},
                                             {"p4", MemberRole::kObserver},
                                             {"p5", MemberRole::kSecretary}};
  QuorumRule rule{2, 50, true};
  auto o = read::ComputeQuorum(rule, members, {"p2", "p3", "p4", "p5", "guest"});
  EXPECT_EQ(o.counted_members, 3);
  EXPECT_EQ(o.present_members, 2);
  EXPECT_EQ(o.required, 2);
  EXPECT_FALSE(o.chair_present);
  EXPECT_FALSE(o.quorate);  // chair required
  o = read::ComputeQuorum(rule, members, {"p1", "p2"});
  EXPECT_TRUE(o.quorate);
  o = read::ComputeQuorum(QuorumRule{1, 100, false}, members, {"p1", "p2"});
  EXPECT_EQ(o.required, 3);
  EXPECT_FALSE(o.quorate);
  EXPECT_EQ(read::QuorumOutcomeFromJson(read::QuorumOutcomeToJson(o)), o);
}

TEST(ReadOverdue, PlannedEndPassedAndNotCompleted) {
  const SeedDate mar23 = ParseSeedDate("Mar-23");
  EXPECT_FALSE(read::IsOverdue(mar23, DeliverableStatus::kInProgress, "2023-03-31"));
  EXPECT_TRUE(read::IsOverdue(mar23, DeliverableStatus::kInProgress, "2023-04-01"));
  EXPECT_FALSE(read::IsOverdue(mar23, DeliverableStatus::kCompleted, "2024-01-01"));
  EXPECT_FALSE(read::IsOverdue(mar23, DeliverableStatus::kCancelled, "2024-01-01"));
  EXPECT_FALSE(read::IsOverdue(ParseSeedDate("ongoing"), DeliverableStatus::kPlanned, "2030-01-01"));
  EXPECT_FALSE(read::IsOverdue(mar23, DeliverableStatus::kPlanned, "not a date"));
}

TEST(ReadMembershipAt, InclusiveRange) {
  EXPECT_TRUE(read::HeldOn("2023-01-01", std::nullopt, "2023-05-24"));
  EXPECT_FALSE(read::HeldOn("2023-06-01", std::nullopt, "2023-05-24"));
  EXPECT_TRUE(read::HeldOn("2023-01-01", std::string("2023-05-24"), "2023-05-24"));
  EXPECT_FALSE(read::HeldOn("2023-01-01", std::string("2023-05-23"), "2023-05-24"));
  EXPECT_FALSE(read::HeldOn("bad", std::nullopt, "2023-05-24"));
}

// Regression (issue 15): JSON nested past kMaxJsonDepth is refused before
// a value is built (dump() and copies of one recurse per level).
TEST(JsonText, DepthCountsBracketsOutsideStrings) {
  EXPECT_TRUE(JsonDepthWithin("1", 0));
  EXPECT_FALSE(JsonDepthWithin("[]", 0));
  EXPECT_TRUE(JsonDepthWithin("[[1],[2,3]]", 2));
  EXPECT_TRUE(JsonDepthWithin("[[1],[2,{}]]", 3));
  EXPECT_FALSE(JsonDepthWithin("[[1],[2,[{}]]]", 3));
  EXPECT_TRUE(JsonDepthWithin(R"({"a": "[[[[", "b": ["\"[[[", 1]})", 2));
  EXPECT_TRUE(JsonDepthWithin(R"(["\\", []])", 2));  // an escaped backslash ends nothing
  EXPECT_TRUE(JsonDepthWithin("]]]][", 1));          // not JSON: the parser refuses it
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_FALSE(JsonDepthWithin(deep));
  EXPECT_TRUE(ParseJsonText(deep).is_discarded());
  const std::string limit = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(ParseJsonText(limit).dump(), limit);
  EXPECT_TRUE(ParseJsonText("[" + limit + "]").is_discarded());
  EXPECT_TRUE(ParseJsonText("{").is_discarded());
  EXPECT_EQ(ParseJsonText(R"({"a":"[["})")["a"], "[[");
}

}  // namespace
}  // namespace assure::domain
