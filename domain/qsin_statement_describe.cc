// QsinStatementAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/qsin_statement.h"

namespace assure::domain {

static_assert(Aggregate<QsinStatementAggregate>);

Change QsinStatementAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  if (e.type == "QsinStatementDefined" || e.type == "QsinStatementEdited") {
    DataFields(c, d, {{"code", s.code}, {"section", s.section}, {"title", s.title},
                      {"text", s.text}, {"edition", s.edition}});
    c.summary = e.type == "QsinStatementDefined"
                    ? "Defined: " + GetStr(d, "code") + " " + Excerpt(GetStr(d, "title"))
                    : ChangedFields(c);
  } else if (e.type == "QsinSelfAssessmentRecorded") {
    const std::string id = GetStr(d, "assessment_id"), comment = GetStr(d, "comment");
    AddChange(c, "assessments." + id, nullptr, ItemOf(e));
    c.summary = "Self-assessment (" + HumanDate(GetStr(d, "assessed_on")) +
                "): " + Words(GetStr(d, "outcome")) + (comment.empty() ? "" : " - " + Excerpt(comment));
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
