// Deliverable: a row of a work programme.
//
// Stream kind "deliverable" (on-disk). Event types (on-disk, never renamed);
// every event's data also carries "id" and "occurred_at". Dates are SeedDate
// objects {text, date, precision}; mm_qsin is {raw, domain, codes}.
//   DeliverableCreated (v2)       {programme_id, reference, objective, title, description,
//                                  owner, date_initiated, planned_end, date_completed,
//                                  anticipated_outcome, interdependencies_risks, mm_qsin,
//                                  ragb|null, status,
//                                  owner_person_id?}           (v1: see upcast.h)
//   DeliverableEdited             {only the changed fields, shapes as in Created}
// owner_person_id (since 2026-12; absent in older events = ""): the owner is
// that person (a linked owner) and `owner` is "": the name is never copied
// into the deliverable's events, so erasing the person covers it. Reads show
// the person's current name (api/queries/deliverable_owner.h). Linking
// empties the free-text owner; a non-empty free-text owner unlinks.
//   DeliverableRagbChanged        {ragb, previous_ragb|null}  reason required
//   DeliverableStatusChanged      {status, previous_status}   reason required for
//                                                              on-hold / cancelled
//   DeliverableCompleted          {date_completed, ragb, previous_ragb|null, previous_status}
//   DeliverableReopened           {status, previous_status}   reason required
//   DeliverableProgressNoteAdded  {note_id, note_date, text}
//   DeliverableEvidenceLinked     {evidence_id, kind, target_id, item_id}
//   DeliverableEvidenceUnlinked   {evidence_id}               reason required
//
// Rules: the planned end may not end before the initiated date begins (so
// "Mar-23" .. "Mar-23" is fine); a completed or cancelled deliverable cannot
// change rating, status or completion until it is reopened; completion needs
// a readable date, not before the initiated date; rating becomes Green on
// completion unless another is given. Note and evidence ids are assigned here,
// deterministically: "n1", "n2", ... and "e1", "e2", ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/deliverable_status.h"
#include "domain/event.h"
#include "domain/mm_qsin_reference.h"
#include "domain/ragb.h"
#include "domain/result.h"
#include "domain/seed_date.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class EvidenceKind : std::uint8_t { kDocument, kDocumentVersion, kMeetingDecision };
// On-disk wire names: never renamed.
inline constexpr WireName<EvidenceKind> kEvidenceKindNames[] = {
    {EvidenceKind::kDocument, "document"},
    {EvidenceKind::kDocumentVersion, "document-version"},
    {EvidenceKind::kMeetingDecision, "meeting-decision"},
};

// The text fields a deliverable carries, shared by create and edit. Dates and
// the MM/QSIN reference are the seed's text; Decide parses them.
struct DeliverableFields {
  std::optional<std::string> reference;
  std::optional<std::string> objective;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> owner;
  // A linked owner: the person's id (then `owner` must be empty); "" unlinks.
  std::optional<std::string> owner_person_id;
  std::optional<std::string> date_initiated;
  std::optional<std::string> planned_end;
  std::optional<std::string> date_completed;
  std::optional<std::string> anticipated_outcome;
  std::optional<std::string> interdependencies_risks;
  std::optional<std::string> mm_qsin_reference;
};

// "create": programme_id, title, and any of reference, objective, description,
// owner or owner_person_id, date_initiated, planned_end, date_completed, anticipated_outcome,
// interdependencies_risks, mm_qsin_reference (strings); ragb?, status?
struct CreateDeliverable {
  std::string programme_id;
  DeliverableFields fields;
  std::optional<Ragb> ragb;
  DeliverableStatus status = DeliverableStatus::kPlanned;
};
struct EditDeliverable {  // "edit": any of the DeliverableFields members, reason?
  DeliverableFields fields;
  std::string reason;  // optional (an import gives "imported from FILE")
};
struct ChangeDeliverableRagb {  // "change-ragb": ragb, reason
  Ragb ragb = Ragb::kBlue;
  std::string reason;
};
struct ChangeDeliverableStatus {  // "change-status": status, reason?
  DeliverableStatus status = DeliverableStatus::kInProgress;
  std::string reason;
};
struct CompleteDeliverable {  // "complete": date_completed, ragb?, reason?
  std::string date_completed;
  std::optional<Ragb> ragb;
  std::string reason;  // optional (an import gives "imported from FILE")
};
struct ReopenDeliverable {  // "reopen": reason, status? (default in-progress)
  std::string reason;
  DeliverableStatus status = DeliverableStatus::kInProgress;
};
struct AddDeliverableProgressNote {  // "add-progress-note": note_date (YYYY-MM-DD), text
  std::string note_date;
  std::string text;
};
struct LinkDeliverableEvidence {  // "link-evidence": kind, target_id, item_id?
  EvidenceKind kind = EvidenceKind::kDocument;
  std::string target_id;  // document id or meeting id
  std::string item_id;    // version id or decision id ("" for kind document)
};
struct UnlinkDeliverableEvidence {  // "unlink-evidence": evidence_id, reason
  std::string evidence_id;
  std::string reason;
};

struct ProgressNote {
  std::string note_id;
  std::string note_date;
  std::string text;
  friend bool operator==(const ProgressNote&, const ProgressNote&) = default;
};
struct EvidenceLink {
  std::string evidence_id;
  EvidenceKind kind = EvidenceKind::kDocument;
  std::string target_id;
  std::string item_id;
  friend bool operator==(const EvidenceLink&, const EvidenceLink&) = default;
};

// How many progress notes a state keeps (and ToJson shows); all of them stay
// in the stream.
inline constexpr std::size_t kRecentProgressNotes = 20;

struct DeliverableState {
  bool exists = false;
  std::string id;
  std::string programme_id;
  std::string reference;
  std::string objective;
  std::string title;
  std::string description;
  std::string owner;            // free text; "" when linked
  std::string owner_person_id;  // a linked owner (a person id), or ""
  SeedDate date_initiated;
  SeedDate planned_end;
  SeedDate date_completed;
  std::string anticipated_outcome;
  std::string interdependencies_risks;
  MmQsinReference mm_qsin;
  std::optional<Ragb> ragb;
  DeliverableStatus status = DeliverableStatus::kPlanned;
  std::vector<ProgressNote> progress_notes;  // the newest kRecentProgressNotes, oldest first
  std::uint64_t progress_note_count = 0;     // notes ever added: numbers the next note id
  std::vector<EvidenceLink> evidence;  // currently linked
  std::uint32_t evidence_seq = 0;      // links ever made
  friend bool operator==(const DeliverableState&, const DeliverableState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct DeliverableAggregate {
  static constexpr std::string_view kKind = "deliverable";  // on-disk
  using State = DeliverableState;
  using Command =
      std::variant<CreateDeliverable, EditDeliverable, ChangeDeliverableRagb,
                   ChangeDeliverableStatus, CompleteDeliverable, ReopenDeliverable,
                   AddDeliverableProgressNote, LinkDeliverableEvidence, UnlinkDeliverableEvidence>;

  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, programme_id, reference, objective, title, description, owner,
  //  owner_person_id (only when linked), date_initiated, planned_end, date_completed, anticipated_outcome,
  //  interdependencies_risks, mm_qsin, ragb|null, ragb_meaning|null, status,
  //  progress_notes: [{note_id, note_date, text}] (the newest 20, oldest first),
//  progress_note_count,
  //  evidence: [{evidence_id, kind, target_id, item_id}]}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists" and "evidence_seq" (links ever made: it numbers the
  // next evidence id, and unlinked ones are gone from "evidence"); a snapshot
  // without "progress_note_count" (older) counts the notes it lists. Ignores
  // the derived ragb_meaning.
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
