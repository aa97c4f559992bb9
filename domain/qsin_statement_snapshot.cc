// QsinStatementAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/qsin_statement.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json QsinStatementAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<QsinStatementState> QsinStatementAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "QSIN statement snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.code = r.Str("code");
  s.section = r.Str("section");
  s.title = r.Str("title");
  s.text = r.Str("text");
  s.edition = r.Str("edition");
  // latest_assessment is derived (the last of these): not read.
  s.assessments = r.List<SelfAssessment>("assessments", [](SnapshotReader& a) {
    SelfAssessment out;
    out.assessment_id = a.Str("assessment_id");
    out.outcome = a.Enum("outcome", kAssessmentOutcomeNames);
    out.comment = a.Str("comment");
    out.assessor_person_id = a.Str("assessor_person_id");
    out.assessed_on = a.Str("assessed_on");
    return out;
  });
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
