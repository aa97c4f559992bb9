// What an import did (or, for a dry run, would do): counts, one line per
// programme, one entry per row, and every warning with its file and row.
//
// Thread safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/spreadsheet/table.h"

namespace assure::api::programme_files {

enum class RowAction {
  kCreate,     // a new deliverable
  kChange,     // an existing deliverable changed (fields_changed says what)
  kUnchanged,  // found, nothing differs: no events
  kSkip,       // not a deliverable (a section row): see warnings
  kRejected,   // the domain refused it (e.g. planned end before start): see warnings
};
const char* RowActionName(RowAction action);  // "create", "change", ...

struct RowReport {
  std::string file;   // "wmin.csv" or "book.xlsx:Sheet"
  std::size_t row = 0;
  RowAction action = RowAction::kUnchanged;
  std::string programme_id;
  std::string deliverable_id;  // empty for kSkip
  std::string reference;
  std::string title;
  std::vector<std::string> fields_changed;  // kChange: "owner", "ragb", "status", ...
  std::vector<std::string> notes;           // values kept as text only
};

struct ProgrammeReport {
  std::string id;
  std::string title;
  std::string group_id;
  std::string group_name;
  std::string year;
  bool created = false;
  bool group_created = false;
  std::size_t rows = 0;  // deliverable rows of the file mapped onto it
  std::size_t deliverables_created = 0;
  std::size_t deliverables_changed = 0;
  std::size_t deliverables_unchanged = 0;
  std::size_t deliverables_added = 0;  // listed in the programme by this import
  // Deliverables listed in the programme that no row of this import matched
  // (kept: an import never removes anything).
  std::vector<std::string> not_in_file;
};

// A field the file would change that Assure changed since an import last
// set it (by anything but an import: a rating changed with a reason, an
// edit): Assure's value is kept and the conflict reported, unless the import
// was asked to overwrite (then the file's value is applied, and reported).
struct FieldConflict {
  std::string file;  // "wmin.csv" or "book.xlsx:Sheet"
  std::size_t row = 0;
  std::string deliverable_id;
  std::string reference;
  std::string title;
  std::string field;           // "ragb", "status", "owner", "planned_end", ...
  std::string file_value;      // what the file says
  std::string assure_value;    // what Assure says
  std::string imported_value;  // what the last import set it to ("" if none did)
  std::string changed_by;      // actor of Assure's change
  std::string changed_at;      // its recorded time, e.g. "2024-03-01T09:30:00.000000Z"
  std::string reason;          // its reason, as recorded
  bool overwritten = false;    // the file's value was applied (overwrite)
};

// An Owner text of the file and the person it names (owner_links.h), one
// entry per folded text, for the rows that create a deliverable or could
// change its owner. A proposed link is made only when the import is asked
// to (ImportOptions::link_owners); then it is kLinked.
enum class OwnerMatch {
  kLinked,     // the deliverables' owner is (or, in a dry run, would be) the person
  kProposed,   // one person has this name: linked if the import is confirmed
  kAmbiguous,  // several people have this name: never linked
  kUnmatched,  // nobody has this name: kept as free text
};
const char* OwnerMatchName(OwnerMatch match);  // "linked", "proposed", ...

struct OwnerReport {
  std::string owner;  // the cell's text, as first seen
  OwnerMatch match = OwnerMatch::kUnmatched;
  std::string person_id;                // kLinked, kProposed
  std::string person_name;              // kLinked, kProposed
  std::string organisation;             // the person's organisation's name ("" if none)
  std::vector<std::string> candidates;  // kAmbiguous: the ids of the people of that name
  std::size_t rows = 0;                 // rows with this text
};

// A row whose Interdependencies/ Risks text says something, for a
// deliverable no risk links yet: a draft risk. An import never raises one;
// the programme manager scores and confirms drafts at /api/v1/risk-drafts
// (api/queries/risk_drafts.h).
struct DraftRiskReport {
  std::string file;  // "wmin.csv" or "book.xlsx:Sheet"
  std::size_t row = 0;
  std::string deliverable_id;
  std::string reference;
  std::string title;  // the deliverable's
  std::string text;   // the column as the deliverable holds it after the import
  std::string risk_title;  // the draft's proposed title (DraftRiskTitle)
};

struct ImportReport {
  bool dry_run = false;
  std::vector<std::string> files;
  // Per file, in the order of `files`: the text encoding read ("UTF-8",
  // "Windows-1252"; empty for xlsx).
  std::vector<std::string> encodings;
  std::size_t tables = 0;
  std::size_t groups_created = 0;
  std::size_t programmes_created = 0;
  std::size_t programmes_existing = 0;
  std::size_t deliverables_created = 0;
  std::size_t deliverables_changed = 0;
  std::size_t deliverables_unchanged = 0;
  std::size_t rows_skipped = 0;   // kSkip + kRejected
  std::size_t events_appended = 0;  // 0 for a dry run
  std::vector<ProgrammeReport> programmes;
  std::vector<RowReport> rows;
  std::vector<spreadsheet::Warning> warnings;
  std::vector<FieldConflict> conflicts;
  std::vector<OwnerReport> owners;  // in order of first appearance
  std::vector<DraftRiskReport> draft_risks;  // in row order
};

// Where draft risks are confirmed (the import report says so).
inline constexpr const char* kRiskDraftsPath = "/api/v1/risk-drafts";

// {..., "counts": {..., "draft_risks"}, ..., "draft_risks": [{file, row,
// deliverable_id, reference, title, text, risk_title}], "draft_risks_note"}.
nlohmann::json ToJson(const ImportReport& report);
// What the report says of its draft risks: how many, and that they are
// confirmed at kRiskDraftsPath (the import raises none).
std::string DraftRisksNote(const ImportReport& report);

// For a person: a summary, the programmes, then (when `rows`) a line per
// created/changed/skipped row, then the warnings.
std::string FormatReport(const ImportReport& report, bool rows = true);

}  // namespace assure::api::programme_files
