// DeliverableAggregate::Evolve and ToJson.
#include <algorithm>

#include "domain/deliverable.h"
#include "domain/deliverable_fields.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

using nlohmann::json;

namespace {

// Applies the fields present in a Created/Edited event.
void ApplyFields(DeliverableState& s, const json& d) {
  using deliverable_fields::kText;
  for (const auto& t : kText) {
    if (auto v = GetOptStr(d, t.key)) s.*(t.member) = *v;
  }
  using deliverable_fields::kDates;
  for (const auto& t : kDates) {
    const json& v = GetMember(d, t.key);
    if (v.is_object()) s.*(t.member) = SeedDateFromJson(v);
  }
  const json& mm = GetMember(d, "mm_qsin");
  if (mm.is_object()) s.mm_qsin = MmQsinFromJson(mm);
}

}  // namespace

void DeliverableAggregate::Evolve(State& s, const EventView& e) {
  const json& d = DataOf(e);
  if (e.type == "DeliverableCreated") {
    s.exists = true;
    s.id = GetStr(d, "id");
    s.programme_id = GetStr(d, "programme_id");
    ApplyFields(s, d);
    s.ragb = GetOptEnum(d, "ragb", kRagbNames);
    s.status = GetEnum(d, "status", kDeliverableStatusNames, DeliverableStatus::kPlanned);
  } else if (e.type == "DeliverableEdited") {
    ApplyFields(s, d);
  } else if (e.type == "DeliverableRagbChanged") {
    s.ragb = GetOptEnum(d, "ragb", kRagbNames);
  } else if (e.type == "DeliverableStatusChanged" || e.type == "DeliverableReopened") {
    s.status = GetEnum(d, "status", kDeliverableStatusNames, s.status);
  } else if (e.type == "DeliverableCompleted") {
    s.status = DeliverableStatus::kCompleted;
    s.date_completed = SeedDateFromJson(GetMember(d, "date_completed"));
    s.ragb = GetOptEnum(d, "ragb", kRagbNames);
  } else if (e.type == "DeliverableProgressNoteAdded") {
    ++s.progress_note_count;
    s.progress_notes.push_back(
        ProgressNote{GetStr(d, "note_id"), GetStr(d, "note_date"), GetStr(d, "text")});
    // Memory does not grow with the notes: older ones are read from the
    // stream (GET /api/v1/deliverables/{id}/notes).
    if (s.progress_notes.size() > kRecentProgressNotes) s.progress_notes.erase(s.progress_notes.begin());
  } else if (e.type == "DeliverableEvidenceLinked") {
    ++s.evidence_seq;
    s.evidence.push_back(EvidenceLink{GetStr(d, "evidence_id"),
                                      GetEnum(d, "kind", kEvidenceKindNames, EvidenceKind::kDocument),
                                      GetStr(d, "target_id"), GetStr(d, "item_id")});
  } else if (e.type == "DeliverableEvidenceUnlinked") {
    const std::string id = GetStr(d, "evidence_id");
    std::erase_if(s.evidence, [&](const EvidenceLink& l) { return l.evidence_id == id; });
  }
}

json DeliverableAggregate::ToJson(const State& s) {
  json notes = json::array();
  for (const auto& n : s.progress_notes) {
    notes.push_back({{"note_id", n.note_id}, {"note_date", n.note_date}, {"text", n.text}});
  }
  json evidence = json::array();
  for (const auto& l : s.evidence) {
    evidence.push_back({{"evidence_id", l.evidence_id},
                        {"kind", NameOf(kEvidenceKindNames, l.kind)},
                        {"target_id", l.target_id},
                        {"item_id", l.item_id}});
  }
  json out{{"id", s.id},
              {"programme_id", s.programme_id},
              {"reference", s.reference},
              {"objective", s.objective},
              {"title", s.title},
              {"description", s.description},
              {"owner", s.owner},
              {"date_initiated", SeedDateToJson(s.date_initiated)},
              {"planned_end", SeedDateToJson(s.planned_end)},
              {"date_completed", SeedDateToJson(s.date_completed)},
              {"anticipated_outcome", s.anticipated_outcome},
              {"interdependencies_risks", s.interdependencies_risks},
              {"mm_qsin", MmQsinToJson(s.mm_qsin)},
              {"ragb", s.ragb ? json(NameOf(kRagbNames, *s.ragb)) : json(nullptr)},
              {"ragb_meaning", s.ragb ? json(RagbMeaning(*s.ragb)) : json(nullptr)},
              {"status", NameOf(kDeliverableStatusNames, s.status)},
              {"progress_notes", std::move(notes)},
              {"progress_note_count", s.progress_note_count},
              {"evidence", std::move(evidence)}};
  // Only a linked owner has it: the JSON of every other deliverable (and so
  // every evidence pack made before owners were linked) is as it was.
  if (!s.owner_person_id.empty()) out["owner_person_id"] = s.owner_person_id;
  return out;
}

}  // namespace assure::domain
