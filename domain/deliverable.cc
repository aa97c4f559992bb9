// DeliverableAggregate::Decide.
#include "domain/deliverable.h"

#include <algorithm>

#include "domain/calendar.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/text_limits.h"

namespace assure::domain {

using nlohmann::json;

namespace {

struct TextField {
  const char* key;
  std::optional<std::string> DeliverableFields::*field;
  std::string DeliverableState::*current;
};
constexpr TextField kTextFields[] = {
    {"reference", &DeliverableFields::reference, &DeliverableState::reference},
    {"objective", &DeliverableFields::objective, &DeliverableState::objective},
    {"title", &DeliverableFields::title, &DeliverableState::title},
    {"description", &DeliverableFields::description, &DeliverableState::description},
    {"owner", &DeliverableFields::owner, &DeliverableState::owner},
    {"anticipated_outcome", &DeliverableFields::anticipated_outcome,
     &DeliverableState::anticipated_outcome},
    {"interdependencies_risks", &DeliverableFields::interdependencies_risks,
     &DeliverableState::interdependencies_risks},
};

struct DateField {
  const char* key;
  std::optional<std::string> DeliverableFields::*field;
  SeedDate DeliverableState::*current;
};
constexpr DateField kDateFields[] = {
    {"date_initiated", &DeliverableFields::date_initiated, &DeliverableState::date_initiated},
    {"planned_end", &DeliverableFields::planned_end, &DeliverableState::planned_end},
    {"date_completed", &DeliverableFields::date_completed, &DeliverableState::date_completed},
};

// The fields of `f` that differ from `current` (all of them, with defaults for
// absent ones, when `current` is null: a create).
json FieldData(const DeliverableFields& f, const DeliverableState* current) {
  json data = json::object();
  for (const auto& t : kTextFields) {
    const auto& v = f.*(t.field);
    if (current == nullptr) {
      data[t.key] = Trim(v.value_or(""));
    } else if (v && Trim(*v) != current->*(t.current)) {
      data[t.key] = Trim(*v);
    }
  }
  for (const auto& d : kDateFields) {
    const auto& v = f.*(d.field);
    if (current == nullptr) {
      data[d.key] = SeedDateToJson(ParseSeedDate(Trim(v.value_or(""))));
    } else if (v && Trim(*v) != (current->*(d.current)).original) {
      data[d.key] = SeedDateToJson(ParseSeedDate(Trim(*v)));
    }
  }
  if (current == nullptr) {
    data["mm_qsin"] = MmQsinToJson(ParseMmQsinReference(Trim(f.mm_qsin_reference.value_or(""))));
  } else if (f.mm_qsin_reference && Trim(*f.mm_qsin_reference) != current->mm_qsin.raw) {
    data["mm_qsin"] = MmQsinToJson(ParseMmQsinReference(Trim(*f.mm_qsin_reference)));
  }
  return data;
}

// The owner fields of the event: a linked owner (owner_person_id) carries no
// text, so linking empties `owner` and a non-empty `owner` unlinks. Created
// carries owner_person_id only when linked (older events never do).
Status OwnerData(const DeliverableFields& f, const DeliverableState* current, json& data) {
  const std::string person = Trim(f.owner_person_id.value_or(""));
  if (!person.empty() && !Trim(f.owner.value_or("")).empty()) {
    return InvalidField("owner", "a linked owner (owner_person_id) has no text: give owner or "
                                 "owner_person_id, not both");
  }
  if (current == nullptr) {
    if (!person.empty()) data["owner_person_id"] = person;
    return {};
  }
  if (f.owner_person_id && person != current->owner_person_id) {
    data["owner_person_id"] = person;
    if (!person.empty() && !current->owner.empty()) data["owner"] = "";
  }
  const std::string text = GetStr(data, "owner");
  if (!text.empty() && !current->owner_person_id.empty()) data["owner_person_id"] = "";
  return {};
}

// Planned end must not end before the initiated date begins.
Status CheckDates(const SeedDate& initiated, const SeedDate& planned_end) {
  const auto end = PeriodEnd(planned_end);
  if (initiated.date && end && *end < *initiated.date) {
    return RuleViolation("the planned end '" + planned_end.original +
                         "' is before the date initiated '" + initiated.original + "'");
  }
  return {};
}

SeedDate DateOr(const json& data, const char* key, const SeedDate& fallback) {
  const json& v = GetMember(data, key);
  return v.is_object() ? SeedDateFromJson(v) : fallback;
}

Status CheckOpen(const DeliverableState& s, std::string_view what) {
  if (IsClosed(s.status)) {
    return RuleViolation("the deliverable is " +
                         std::string(NameOf(kDeliverableStatusNames, s.status)) + "; reopen it to " +
                         std::string(what));
  }
  return {};
}

json RagbOrNull(const std::optional<Ragb>& r) {
  return r ? json(NameOf(kRagbNames, *r)) : json(nullptr);
}

}  // namespace

Result<Events> DeliverableAggregate::Decide(const State& s, const Command& command,
                                            const CommandContext& ctx) {
  if (!std::holds_alternative<CreateDeliverable>(command)) ASSURE_TRY(CheckExists(s.exists, kKind));
  const std::string status_name(NameOf(kDeliverableStatusNames, s.status));
  return TextChecked(std::visit(
      Overloaded{
          [&](const CreateDeliverable& c) -> Result<Events> {
            ASSURE_TRY(CheckCreate(s.exists, kKind, ctx));
            if (Trim(c.programme_id).empty()) return InvalidField("programme_id", "name the work programme");
            if (Trim(c.fields.title.value_or("")).empty()) {
              return InvalidField("title", "a deliverable needs a title");
            }
            json data = FieldData(c.fields, nullptr);
            ASSURE_TRY(OwnerData(c.fields, nullptr, data));
            ASSURE_TRY(CheckDates(DateOr(data, "date_initiated", {}), DateOr(data, "planned_end", {})));
            data["programme_id"] = Trim(c.programme_id);
            data["ragb"] = RagbOrNull(c.ragb);
            data["status"] = NameOf(kDeliverableStatusNames, c.status);
            return Events{MakeEvent("DeliverableCreated", ctx, ctx.new_id, std::move(data))};
          },
          [&](const EditDeliverable& c) -> Result<Events> {
            if (c.fields.title && Trim(*c.fields.title).empty()) {
              return InvalidField("title", "a deliverable needs a title");
            }
            json data = FieldData(c.fields, &s);
            ASSURE_TRY(OwnerData(c.fields, &s, data));
            if (data.empty()) return RuleViolation("nothing to change: the fields are the same");
            ASSURE_TRY(CheckDates(DateOr(data, "date_initiated", s.date_initiated),
                                  DateOr(data, "planned_end", s.planned_end)));
            return Events{MakeEvent("DeliverableEdited", ctx, s.id, std::move(data), Trim(c.reason))};
          },
          [&](const ChangeDeliverableRagb& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s, "change its rating"));
            if (s.ragb == c.ragb) {
              return RuleViolation("the rating is already " + std::string(NameOf(kRagbNames, c.ragb)));
            }
            ASSURE_TRY(RequireReason(c.reason, "change a RAGB rating"));
            return Events{MakeEvent("DeliverableRagbChanged", ctx, s.id,
                                    {{"ragb", NameOf(kRagbNames, c.ragb)},
                                     {"previous_ragb", RagbOrNull(s.ragb)}},
                                    Trim(c.reason))};
          },
          [&](const ChangeDeliverableStatus& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s, "change its status"));
            if (c.status == DeliverableStatus::kCompleted) {
              return RuleViolation("use the complete command to record completion with its date");
            }
            if (c.status == s.status) return RuleViolation("the status is already " + status_name);
            if (c.status == DeliverableStatus::kCancelled || c.status == DeliverableStatus::kOnHold) {
              ASSURE_TRY(RequireReason(c.reason, "put a deliverable on hold or cancel it"));
            }
            return Events{MakeEvent("DeliverableStatusChanged", ctx, s.id,
                                    {{"status", NameOf(kDeliverableStatusNames, c.status)},
                                     {"previous_status", status_name}},
                                    Trim(c.reason))};
          },
          [&](const CompleteDeliverable& c) -> Result<Events> {
            ASSURE_TRY(CheckOpen(s, "complete it again"));
            const SeedDate done = ParseSeedDate(Trim(c.date_completed));
            if (!done.date) {
              return InvalidField("date_completed", "'" + c.date_completed +
                                                        "' is not a date (e.g. 2023-06-30 or Jun-23)");
            }
            if (s.date_initiated.date && *PeriodEnd(done) < *s.date_initiated.date) {
              return RuleViolation("the completion date is before the date initiated");
            }
            const Ragb rating = c.ragb.value_or(Ragb::kGreen);
            return Events{MakeEvent("DeliverableCompleted", ctx, s.id,
                                    {{"date_completed", SeedDateToJson(done)},
                                     {"ragb", NameOf(kRagbNames, rating)},
                                     {"previous_ragb", RagbOrNull(s.ragb)},
                                     {"previous_status", status_name}},
                                    Trim(c.reason))};
          },
          [&](const ReopenDeliverable& c) -> Result<Events> {
            if (!IsClosed(s.status)) return RuleViolation("only a completed or cancelled deliverable can be reopened");
            if (IsClosed(c.status)) return InvalidField("status", "reopen to an open status");
            ASSURE_TRY(RequireReason(c.reason, "reopen a deliverable"));
            return Events{MakeEvent("DeliverableReopened", ctx, s.id,
                                    {{"status", NameOf(kDeliverableStatusNames, c.status)},
                                     {"previous_status", status_name}},
                                    Trim(c.reason))};
          },
          [&](const AddDeliverableProgressNote& c) -> Result<Events> {
            if (!ParseIsoDate(c.note_date)) return InvalidField("note_date", "must be a date written YYYY-MM-DD");
            if (Trim(c.text).empty()) return InvalidField("text", "the note is empty");
            return Events{MakeEvent("DeliverableProgressNoteAdded", ctx, s.id,
                                    {{"note_id", "n" + std::to_string(s.progress_note_count + 1)},
                                     {"note_date", c.note_date},
                                     {"text", Trim(c.text)}})};
          },
          [&](const LinkDeliverableEvidence& c) -> Result<Events> {
            const std::string target = Trim(c.target_id), item = Trim(c.item_id);
            if (target.empty()) return InvalidField("target_id", "name the document or meeting");
            if (c.kind != EvidenceKind::kDocument && item.empty()) {
              return InvalidField("item_id", "name the document version or meeting decision");
            }
            for (const auto& e : s.evidence) {
              if (e.kind == c.kind && e.target_id == target && e.item_id == item) {
                return RuleViolation("this evidence is already linked (" + e.evidence_id + ")");
              }
            }
            return Events{MakeEvent("DeliverableEvidenceLinked", ctx, s.id,
                                    {{"evidence_id", "e" + std::to_string(s.evidence_seq + 1)},
                                     {"kind", NameOf(kEvidenceKindNames, c.kind)},
                                     {"target_id", target},
                                     {"item_id", c.kind == EvidenceKind::kDocument ? "" : item}})};
          },
          [&](const UnlinkDeliverableEvidence& c) -> Result<Events> {
            const bool linked = std::any_of(s.evidence.begin(), s.evidence.end(), [&](const auto& e) {
              return e.evidence_id == c.evidence_id;
            });
            if (!linked) return InvalidField("evidence_id", "no evidence '" + c.evidence_id + "' is linked");
            ASSURE_TRY(RequireReason(c.reason, "unlink evidence"));
            return Events{MakeEvent("DeliverableEvidenceUnlinked", ctx, s.id,
                                    {{"evidence_id", c.evidence_id}}, Trim(c.reason))};
          },
      },
      command));
}

}  // namespace assure::domain
