// ControlledDocumentAggregate::SnapshotJson and FromSnapshotJson.
#include <limits>

#include "domain/controlled_document.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

nlohmann::json ControlledDocumentAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  return out;
}

Result<ControlledDocumentState> ControlledDocumentAggregate::FromSnapshotJson(
    const nlohmann::json& j) {
  SnapshotReader r(j, "controlled document snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.title = r.Str("title");
  s.document_numbers = r.StrList("document_numbers");
  s.qsin_codes = r.StrList("qsin_codes");
  s.owner = r.Str("owner");
  s.target_audience = r.Str("target_audience");
  s.review_interval_months = r.SmallInt("review_interval_months");
  // in_force_version_id and review_date are derived from the versions: not read.
  s.withdrawn = r.Bool("withdrawn");
  s.withdrawn_reason = r.Str("withdrawn_reason");
  s.versions = r.List<DocumentVersion>("versions", [](SnapshotReader& v) {
    DocumentVersion out;
    out.version_id = v.Str("version_id");
    out.version_label = v.Str("version_label");
    out.summary = v.Str("summary");
    out.author = v.Str("author");
    out.content_sha256 = v.Str("content_sha256");
    out.media_type = v.Str("media_type");
    out.size_bytes = v.Int("size_bytes", std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max());
    out.status = v.Enum("status", kVersionStatusNames);
    out.approving_group_id = v.Str("approving_group_id");
    out.date_adopted = v.Str("date_adopted");
    out.meeting_decision_id = v.Str("meeting_decision_id");
    out.review_date = v.Str("review_date");
    out.published = v.Bool("published");
    out.superseded_by = v.Str("superseded_by");
    return out;
  });
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
