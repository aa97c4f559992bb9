// Regression (issue 15): domain text had no limits. A 900 KB group name, a
// 10,000-character version label and NUL or other control characters in
// titles and reasons were stored. Every limit of domain/text_limits.h, and
// every aggregate's Decide refusing text beyond it, naming field and limit.
#include <gtest/gtest.h>

#include "domain/controlled_document.h"
#include "domain/deliverable.h"
#include "domain/escalation.h"
#include "domain/group.h"
#include "domain/issue_log.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/qsin_statement.h"
#include "domain/risk.h"
#include "domain/text_limits.h"
#include "domain/work_programme.h"
#include "tests/domain/fixture.h"

namespace assure::domain {
namespace {

using testing::Fixture;
using nlohmann::json;

// `n` characters of two bytes each: limits count characters, not bytes.
std::string Chars(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "\xC3\xA9";  // é
  return out;
}

TEST(TextLimits, EveryLimitInTheTable) {
  for (const TextLimit& l : kTextLimits) {
    SCOPED_TRACE(std::string(l.field));
    EXPECT_EQ(TextProblem(Chars(l.max_chars), l), "");
    const std::string over = TextProblem(Chars(l.max_chars + 1), l);
    EXPECT_NE(over.find("longer than " + std::to_string(l.max_chars) + " characters"), std::string::npos) << over;
    EXPECT_NE(TextProblem(std::string("a\0b", 3), l).find("U+0000"), std::string::npos);
    EXPECT_NE(TextProblem("a\x1b[31mb", l).find("U+001B"), std::string::npos);
    EXPECT_NE(TextProblem("a\x7f", l).find("U+007F"), std::string::npos);
    EXPECT_NE(TextProblem("a\xC2\x85", l).find("U+0085"), std::string::npos);  // C1 next line
    EXPECT_EQ(TextProblem("line one\nline two\r\n\tthree", l).empty(), l.multiline);
    EXPECT_EQ(TextProblem("a\xFF", l), "is not UTF-8 text");
    EXPECT_EQ(TextLimitOf(l.field).max_chars, l.max_chars);
  }
  EXPECT_EQ(TextLimitOf("name").max_chars, kNameChars);
  EXPECT_EQ(TextLimitOf("version_label").max_chars, kCodeChars);
  EXPECT_TRUE(TextLimitOf("reason").multiline);
  EXPECT_EQ(TextLimitOf("id").max_chars, kIdChars);
  EXPECT_EQ(TextLimitOf("programme_id").max_chars, kIdChars);
  EXPECT_EQ(TextLimitOf("deliverable_ids").max_chars, kIdChars);
  EXPECT_EQ(TextLimitOf("occurred_at").max_chars, kOtherChars);
  EXPECT_FALSE(TextLimitOf("occurred_at").multiline);
}

TEST(TextLimits, NestedTextIsNamedByItsPathAndPreviousValuesAreNotChecked) {
  NewEvent e{"X", 1, {{"links", json::array({{{"id", "ok"}}, {{"id", std::string(129, 'x')}}})}}, ""};
  auto s = CheckEventText({e});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, "links[1].id");
  EXPECT_NE(s.error().message.find("128"), std::string::npos) << s.error().message;
  s = CheckEventText({NewEvent{"X", 1, {{"codes", {"IN-601", "IN\n602"}}}, ""}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "codes[1]");
  // Stored before the limits: repeated as "previous_*", never refused.
  EXPECT_TRUE(CheckEventText({NewEvent{"X", 1, {{"previous_name", std::string(900'000, 'n')}}, ""}}).ok());
  s = CheckEventText({NewEvent{"X", 1, json::object(), std::string("why\0", 4)}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "reason");
}

// The field a refusal names, after checking it is a 422-style refusal that
// names the limit.
template <typename A>
std::string RefusedField(Fixture<A>& f, std::string_view command, const json& body, const std::string& mention) {
  const Error e = f.Refused(command, body);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << e.message;
  EXPECT_NE(e.message.find(mention), std::string::npos) << e.message;
  return e.field;
}

TEST(TextLimits, Group) {
  Fixture<GroupAggregate> f("g");
  EXPECT_EQ(RefusedField(f, "create", {{"name", std::string(900'000, 'n')}, {"kind", "sig"}}, "300 characters"),
            "name");
  EXPECT_EQ(RefusedField(f, "create", {{"name", std::string("Board\0", 6)}, {"kind", "sig"}}, "U+0000"), "name");
  EXPECT_TRUE(f.history.empty());
  f.One("create", {{"name", Chars(kNameChars)}, {"kind", "sig"}}, "GroupCreated");
  EXPECT_EQ(RefusedField(f, "rename", {{"name", "Ops\nBoard"}}, "U+000A"), "name");
  EXPECT_EQ(RefusedField(f, "change-lifecycle", {{"lifecycle", "dormant"}, {"reason", std::string(10'001, 'r')}},
                         "10000 characters"),
            "reason");
  EXPECT_EQ(f.history.size(), 1u);
}

TEST(TextLimits, ControlledDocument) {
  Fixture<ControlledDocumentAggregate> f("doc");
  EXPECT_EQ(RefusedField(f, "register", {{"title", "T\x01"}, {"document_numbers", "D-1"}}, "U+0001"), "title");
  f.One("register", {{"title", "Strategy"}, {"document_numbers", "D-1"}}, "ControlledDocumentRegistered");
  json draft = {{"version_label", std::string(10'000, '1')}, {"summary", "s"}, {"author", "KB"},
                {"content_sha256", std::string(64, 'a')}, {"media_type", "application/pdf"}, {"size_bytes", 1}};
  EXPECT_EQ(RefusedField(f, "add-draft-version", draft, "64 characters"), "version_label");
  draft["version_label"] = "V1";
  draft["summary"] = "Line one\nLine two\ttabbed";  // several lines: allowed
  f.One("add-draft-version", draft, "ControlledDocumentDraftAdded");
}

TEST(TextLimits, WorkProgrammeAndDeliverable) {
  Fixture<WorkProgrammeAggregate> p("wp");
  EXPECT_EQ(RefusedField(p, "create", {{"group_id", "g"}, {"year", "2023-24"}, {"title", "Work\x0bProgramme"}},
                         "U+000B"),
            "title");
  Fixture<DeliverableAggregate> d("d1");
  EXPECT_EQ(RefusedField(d, "create", {{"programme_id", "wp"}, {"title", Chars(kTitleChars + 1)}}, "500"), "title");
  EXPECT_EQ(RefusedField(d, "create", {{"programme_id", std::string(200, 'p')}, {"title", "t"}}, "128"),
            "programme_id");
  d.One("create", {{"programme_id", "wp"}, {"title", "t"}, {"description", "one\ntwo"}}, "DeliverableCreated");
  EXPECT_EQ(RefusedField(d, "change-ragb", {{"ragb", "red"}, {"reason", std::string("late\0", 5)}}, "U+0000"),
            "reason");
  EXPECT_EQ(RefusedField(d, "edit", {{"owner", "A\rB"}}, "U+000D"), "owner");
}

TEST(TextLimits, MeetingOrganisationPersonQsin) {
  Fixture<MeetingAggregate> m("m");
  EXPECT_EQ(RefusedField(m, "schedule",
                         {{"group_id", "g"}, {"title", std::string(501, 't')}, {"scheduled_for", "2023-05-24T14:00"}},
                         "500"),
            "title");
  Fixture<OrganisationAggregate> o("o");
  EXPECT_EQ(RefusedField(o, "register", {{"name", "Trust\x1f"}, {"kind", "trust"}}, "U+001F"), "name");
  EXPECT_EQ(RefusedField(o, "register", {{"name", "Trust"}, {"kind", "trust"}, {"ods_code", std::string(65, 'R')}},
                         "64"),
            "ods_code");
  Fixture<PersonAggregate> p("p");
  EXPECT_EQ(RefusedField(p, "register", {{"name", std::string(301, 'k')}}, "300"), "name");
  Fixture<QsinStatementAggregate> q("q");
  EXPECT_EQ(RefusedField(q, "define", {{"code", "IN-601"}, {"title", "t"}, {"edition", std::string(65, '2')}}, "64"),
            "edition");
  EXPECT_EQ(RefusedField(q, "define", {{"code", "IN-601"}, {"title", "t"}, {"edition", "2022"}, {"text", std::string(10'001, 'x')}},
                         "10000"),
            "text");
}

TEST(TextLimits, RiskIssueEscalation) {
  Fixture<RiskAggregate> r("r");
  const json risk = {{"title", "t"}, {"group_id", "g"}, {"inherent", {{"likelihood", 2}, {"impact", 2}}}};
  json bad = risk;
  bad["title"] = Chars(kTitleChars + 1);
  EXPECT_EQ(RefusedField(r, "raise", bad, "500"), "title");
  bad = risk;
  bad["qsin_codes"] = {"IN-601", std::string(65, 'c')};
  EXPECT_EQ(RefusedField(r, "raise", bad, "64"), "qsin_codes[1]");
  r.One("raise", risk, "RiskRaised");
  r.One("add-control", {{"description", "c"}}, "RiskControlAdded");
  // Evidence may run to several lines (a long-text field).
  r.One("close-control", {{"control_id", "c1"}, {"evidence", "minutes\nrota"}, {"reason", "done"}}, "RiskControlClosed");

  Fixture<IssueAggregate> i("i");
  const json issue = {{"title", "t"}, {"group_id", "g"}, {"priority", "low"}};
  bad = issue;
  bad["reference"] = std::string(65, 'R');
  EXPECT_EQ(RefusedField(i, "raise", bad, "64"), "reference");
  i.One("raise", issue, "IssueRaised");
  EXPECT_EQ(RefusedField(i, "resolve", {{"resolution", std::string(10'001, 'x')}}, "10000"), "resolution");
  i.One("resolve", {{"resolution", "line one\nline two"}}, "IssueResolved");

  Fixture<EscalationAggregate> e("e");
  const json escalation = {{"subject_kind", "risk"}, {"subject_id", "r"}, {"subject_title", "t"},
                           {"from_group_id", "a"}, {"to_group_id", "b"}, {"reason", "r"}};
  bad = escalation;
  bad["subject_title"] = Chars(kTitleChars + 1);
  EXPECT_EQ(RefusedField(e, "raise", bad, "500"), "subject_title");
  bad = escalation;
  bad["to_group_id"] = std::string(129, 'g');
  EXPECT_EQ(RefusedField(e, "raise", bad, "128"), "to_group_id");
  e.One("raise", escalation, "EscalationRaised");
  EXPECT_EQ(RefusedField(e, "accept", {{"decision", "m1/d1"}, {"note", std::string("a\0", 2)}}, "U+0000"), "note");
}

}  // namespace
}  // namespace assure::domain
