// DeliverableAggregate::ParseCommand: the JSON codec of deliverable commands.
#include "domain/deliverable.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

namespace {

DeliverableFields ReadFields(FieldReader& r) {
  DeliverableFields f;
  f.reference = r.OptStr("reference");
  f.objective = r.OptStr("objective");
  f.title = r.OptStr("title");
  f.description = r.OptStr("description");
  f.owner = r.OptStr("owner");
  f.owner_person_id = r.OptStr("owner_person_id");
  f.date_initiated = r.OptStr("date_initiated");
  f.planned_end = r.OptStr("planned_end");
  f.date_completed = r.OptStr("date_completed");
  f.anticipated_outcome = r.OptStr("anticipated_outcome");
  f.interdependencies_risks = r.OptStr("interdependencies_risks");
  f.mm_qsin_reference = r.OptStr("mm_qsin_reference");
  return f;
}

}  // namespace

Result<DeliverableAggregate::Command> DeliverableAggregate::ParseCommand(
    std::string_view name, const nlohmann::json& body) {
  FieldReader r(body);
  Command command;
  if (name == "create") {
    CreateDeliverable c;
    c.programme_id = r.Str("programme_id");
    c.fields = ReadFields(r);
    if (r.ok() && Trim(c.fields.title.value_or("")).empty()) r.Fail("title", "is required and must be a non-empty string");
    c.ragb = r.OptEnum("ragb", kRagbNames);
    c.status = r.OptEnum("status", kDeliverableStatusNames).value_or(DeliverableStatus::kPlanned);
    command = c;
  } else if (name == "edit") {
    command = EditDeliverable{ReadFields(r), r.StrOr("reason")};
  } else if (name == "change-ragb") {
    command = ChangeDeliverableRagb{r.Enum("ragb", kRagbNames), r.Str("reason")};
  } else if (name == "change-status") {
    command = ChangeDeliverableStatus{r.Enum("status", kDeliverableStatusNames), r.StrOr("reason")};
  } else if (name == "complete") {
    command = CompleteDeliverable{r.Str("date_completed"), r.OptEnum("ragb", kRagbNames), r.StrOr("reason")};
  } else if (name == "reopen") {
    ReopenDeliverable c;
    c.reason = r.Str("reason");
    c.status = r.OptEnum("status", kDeliverableStatusNames).value_or(DeliverableStatus::kInProgress);
    command = c;
  } else if (name == "add-progress-note") {
    command = AddDeliverableProgressNote{r.Date("note_date"), r.Str("text")};
  } else if (name == "link-evidence") {
    command = LinkDeliverableEvidence{r.Enum("kind", kEvidenceKindNames), r.Str("target_id"),
                                      r.StrOr("item_id")};
  } else if (name == "unlink-evidence") {
    command = UnlinkDeliverableEvidence{r.Str("evidence_id"), r.Str("reason")};
  } else {
    return UnknownCommand(kKind, name);
  }
  if (!r.ok()) return r.error();
  return command;
}

}  // namespace assure::domain
