// DeliverableAggregate::SnapshotJson and FromSnapshotJson.
#include <limits>

#include "domain/deliverable.h"
#include "domain/snapshot_read.h"

namespace assure::domain {

namespace {

// A SeedDate as SeedDateToJson writes it, read strictly (SeedDateFromJson
// forgives a missing member; a snapshot must not).
SeedDate ReadSeedDate(SnapshotReader& r, std::string_view name) {
  SnapshotReader d(r.Object(name), r.what(), r.Path(name) + ".");
  SeedDate out;
  out.original = d.Str("text");
  out.date = d.OptStr("date");
  out.precision = d.Enum("precision", kDatePrecisionNames);
  r.Adopt(d);
  return out;
}

MmQsinReference ReadMmQsin(SnapshotReader& r, std::string_view name) {
  SnapshotReader m(r.Object(name), r.what(), r.Path(name) + ".");
  MmQsinReference out;
  out.raw = m.Str("raw");
  out.domain = m.Str("domain");
  out.codes = m.StrList("codes");
  r.Adopt(m);
  return out;
}

}  // namespace

nlohmann::json DeliverableAggregate::SnapshotJson(const State& s) {
  nlohmann::json out = ToJson(s);
  out["exists"] = s.exists;
  out["evidence_seq"] = s.evidence_seq;
  return out;
}

Result<DeliverableState> DeliverableAggregate::FromSnapshotJson(const nlohmann::json& j) {
  SnapshotReader r(j, "deliverable snapshot");
  State s;
  s.exists = r.Bool("exists");
  s.id = r.Str("id");
  s.programme_id = r.Str("programme_id");
  s.reference = r.Str("reference");
  s.objective = r.Str("objective");
  s.title = r.Str("title");
  s.description = r.Str("description");
  s.owner = r.Str("owner");
  // Absent from snapshots written before owners were linked (2026-12).
  if (j.is_object() && j.contains("owner_person_id")) s.owner_person_id = r.Str("owner_person_id");
  s.date_initiated = ReadSeedDate(r, "date_initiated");
  s.planned_end = ReadSeedDate(r, "planned_end");
  s.date_completed = ReadSeedDate(r, "date_completed");
  s.anticipated_outcome = r.Str("anticipated_outcome");
  s.interdependencies_risks = r.Str("interdependencies_risks");
  s.mm_qsin = ReadMmQsin(r, "mm_qsin");
  if (auto ragb = r.OptStr("ragb")) {
    s.ragb = ValueOf(kRagbNames, *ragb);
    if (!s.ragb) r.Fail("ragb", "is '" + *ragb + "', not one of: " + NamesList(kRagbNames));
  }
  // ragb_meaning is derived from ragb: not read.
  s.status = r.Enum("status", kDeliverableStatusNames);
  s.progress_notes = r.List<ProgressNote>("progress_notes", [](SnapshotReader& n) {
    return ProgressNote{n.Str("note_id"), n.Str("note_date"), n.Str("text")};
  });
  // A snapshot written before notes were capped lists every note and no
  // count: the count is then the number listed.
  if (j.is_object() && j.contains("progress_note_count")) {
    s.progress_note_count = static_cast<std::uint64_t>(
        r.Int("progress_note_count", 0, std::numeric_limits<std::int64_t>::max()));
  } else {
    s.progress_note_count = s.progress_notes.size();
  }
  if (s.progress_notes.size() > kRecentProgressNotes) {
    s.progress_notes.erase(s.progress_notes.begin(),
                           s.progress_notes.end() - static_cast<std::ptrdiff_t>(kRecentProgressNotes));
  }
  s.evidence = r.List<EvidenceLink>("evidence", [](SnapshotReader& e) {
    EvidenceLink out;
    out.evidence_id = e.Str("evidence_id");
    out.kind = e.Enum("kind", kEvidenceKindNames);
    out.target_id = e.Str("target_id");
    out.item_id = e.Str("item_id");
    return out;
  });
  s.evidence_seq = static_cast<std::uint32_t>(
      r.Int("evidence_seq", 0, std::numeric_limits<std::uint32_t>::max()));
  return r.Finish(std::move(s));
}

}  // namespace assure::domain
