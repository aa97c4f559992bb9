// RiskAggregate::SnapshotJson and FromSnapshotJson.
#include "domain/risk.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

namespace {

RiskScore ReadScore(SnapshotReader& r, std::string_view name) {
  SnapshotReader n(r.Object(name), r.what(), r.Path(name) + ".");
  RiskScore s{static_cast<int>(n.Int("likelihood", 0, 5)), static_cast<int>(n.Int("impact", 0, 5))};
  r.Adopt(n);
  return s;
}

}  // namespace

nlohmann::json RiskAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  out["next_control"] = s.next_control;
  return out;
}

Result<RiskState> RiskAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "risk snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  RiskDescription& a = s.description;
  a.reference = r.Str("reference");
  a.title = r.Str("title");
  a.cause = r.Str("cause");
  a.event = r.Str("event");
  a.effect = r.Str("effect");
  a.category = r.Str("category");
  a.owner_person_id = r.Str("owner_person_id");
  a.group_id = r.Str("group_id");
  a.deliverable_ids = r.StrList("deliverable_ids");
  a.qsin_codes = r.StrList("qsin_codes");
  s.inherent = ReadScore(r, "inherent");
  s.current = ReadScore(r, "current");
  s.target = ReadScore(r, "target");
  s.review_date = r.Str("review_date");
  s.last_reviewed = r.Str("last_reviewed");
  s.status = r.Enum("status", kRiskStatusNames);
  s.status_reason = r.Str("status_reason");
  s.controls = ReadOwnedActions(kRiskControls, r);
  s.next_control = r.SmallInt("next_control");
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
