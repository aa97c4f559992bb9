#include "domain/qsin_statement.h"

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/mm_qsin_reference.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

Result<Events> QsinStatementAggregate::Decide(const State& s, const Command& command,
                                              const CommandContext& ctx) {
  return TextChecked(std::visit(
      Overloaded{
          [&](const DefineQsinStatement& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (!IsQsinCode(c.code)) return InvalidField("code", "a QSIN code looks like IN-601");
            if (Trim(c.title).empty()) return InvalidField("title", "a statement needs a title");
            if (Trim(c.edition).empty()) return InvalidField("edition", "name the edition (e.g. 2022)");
            const std::string section = Trim(c.section).empty() ? c.code.substr(3, 1) : Trim(c.section);
            return Events{MakeEvent("QsinStatementDefined", ctx, ctx.new_id,
                                    {{"code", c.code},
                                     {"section", section},
                                     {"title", Trim(c.title)},
                                     {"text", Trim(c.text)},
                                     {"edition", Trim(c.edition)}})};
          },
          [&](const EditQsinStatement& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            json data = json::object();
            auto consider = [&](const char* key, const std::optional<std::string>& v,
                                const std::string& current) {
              if (v && Trim(*v) != current) data[key] = Trim(*v);
            };
            if (c.title && Trim(*c.title).empty()) return InvalidField("title", "the title is empty");
            if (c.edition && Trim(*c.edition).empty()) return InvalidField("edition", "the edition is empty");
            consider("section", c.section, s.section);
            consider("title", c.title, s.title);
            consider("text", c.text, s.text);
            consider("edition", c.edition, s.edition);
            if (data.empty()) return RuleViolation("nothing to change: the statement is the same");
            return Events{MakeEvent("QsinStatementEdited", ctx, s.id, std::move(data))};
          },
          [&](const RecordSelfAssessment& c) -> Result<Events> {
            ASSURE_TRY(CheckExists(s.exists, kKind));
            if (Trim(c.assessor_person_id).empty()) return InvalidField("assessor_person_id", "name the assessor");
            if (!ParseIsoDate(c.assessed_on)) return InvalidField("assessed_on", "must be a date written YYYY-MM-DD");
            if (c.outcome != AssessmentOutcome::kMet && Trim(c.comment).empty()) {
              return InvalidField("comment", "say what is missing when a statement is not fully met");
            }
            return Events{MakeEvent("QsinSelfAssessmentRecorded", ctx, s.id,
                                    {{"assessment_id", "s" + std::to_string(s.assessments.size() + 1)},
                                     {"outcome", NameOf(kAssessmentOutcomeNames, c.outcome)},
                                     {"comment", Trim(c.comment)},
                                     {"assessor_person_id", Trim(c.assessor_person_id)},
                                     {"assessed_on", c.assessed_on}})};
          },
      },
      command));
}

void QsinStatementAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "QsinStatementDefined") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.code = GetStr(d, "code");
    s.section = GetStr(d, "section");
    s.title = GetStr(d, "title");
    s.text = GetStr(d, "text");
    s.edition = GetStr(d, "edition");
  } else if (e.type == "QsinStatementEdited") {
    if (auto v = GetOptStr(d, "section")) s.section = *v;
    if (auto v = GetOptStr(d, "title")) s.title = *v;
    if (auto v = GetOptStr(d, "text")) s.text = *v;
    if (auto v = GetOptStr(d, "edition")) s.edition = *v;
  } else if (e.type == "QsinSelfAssessmentRecorded") {
    s.assessments.push_back(SelfAssessment{
        GetStr(d, "assessment_id"),
        GetEnum(d, "outcome", kAssessmentOutcomeNames, AssessmentOutcome::kNotMet),
        GetStr(d, "comment"), GetStr(d, "assessor_person_id"), GetStr(d, "assessed_on")});
  }
}

Result<QsinStatementAggregate::Command> QsinStatementAggregate::ParseCommand(std::string_view name,
                                                                             const json& body) {
  FieldReader r(body);
  Command command;
  if (name == "define") {
    command = DefineQsinStatement{r.Str("code"), r.StrOr("section"), r.Str("title"), r.StrOr("text"),
                                  r.Str("edition")};
  } else if (name == "edit") {
    command = EditQsinStatement{r.OptStr("section"), r.OptStr("title"), r.OptStr("text"),
                                r.OptStr("edition")};
  } else if (name == "record-self-assessment") {
    command = RecordSelfAssessment{r.Enum("outcome", kAssessmentOutcomeNames), r.StrOr("comment"),
                                   r.Str("assessor_person_id"), r.Date("assessed_on")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

json QsinStatementAggregate::ToJson(const State& s) {
  json assessments = json::array();
  for (const auto& a : s.assessments) {
    assessments.push_back({{"assessment_id", a.assessment_id},
                           {"outcome", NameOf(kAssessmentOutcomeNames, a.outcome)},
                           {"comment", a.comment},
                           {"assessor_person_id", a.assessor_person_id},
                           {"assessed_on", a.assessed_on}});
  }
  json latest = assessments.empty() ? json(nullptr) : assessments.back();
  return json{{"id", s.id},           {"code", s.code},       {"section", s.section},
              {"title", s.title},     {"text", s.text},       {"edition", s.edition},
              {"latest_assessment", std::move(latest)},      {"assessments", std::move(assessments)}};
}

}  // namespace assure::domain
