// ImportReport as JSON and as text.
#include "api/programme_files/import_report.h"

namespace assure::api::programme_files {

using nlohmann::json;

const char* RowActionName(RowAction action) {
  switch (action) {
    case RowAction::kCreate: return "create";
    case RowAction::kChange: return "change";
    case RowAction::kUnchanged: return "unchanged";
    case RowAction::kSkip: return "skip";
    case RowAction::kRejected: return "rejected";
  }
  return "unchanged";
}

const char* OwnerMatchName(OwnerMatch match) {
  switch (match) {
    case OwnerMatch::kLinked: return "linked";
    case OwnerMatch::kProposed: return "proposed";
    case OwnerMatch::kAmbiguous: return "ambiguous";
    case OwnerMatch::kUnmatched: return "unmatched";
  }
  return "unmatched";
}

std::string DraftRisksNote(const ImportReport& r) {
  if (r.draft_risks.empty()) return "No row's Interdependencies/ Risks text offers a draft risk.";
  return std::to_string(r.draft_risks.size()) + " row(s) " + (r.dry_run ? "would offer" : "offer") +
         " their Interdependencies/ Risks text as a draft risk. The import raises no risk: review the drafts "
         "(GET " + kRiskDraftsPath + "), score and confirm them (POST " + kRiskDraftsPath + "/confirm).";
}

json ToJson(const ImportReport& r) {
  json programmes = json::array();
  for (const auto& p : r.programmes) {
    programmes.push_back({{"id", p.id},
                          {"title", p.title},
                          {"group_id", p.group_id},
                          {"group_name", p.group_name},
                          {"year", p.year},
                          {"created", p.created},
                          {"group_created", p.group_created},
                          {"rows", p.rows},
                          {"deliverables_created", p.deliverables_created},
                          {"deliverables_changed", p.deliverables_changed},
                          {"deliverables_unchanged", p.deliverables_unchanged},
                          {"deliverables_added", p.deliverables_added},
                          {"not_in_file", p.not_in_file}});
  }
  json rows = json::array();
  for (const auto& row : r.rows) {
    rows.push_back({{"file", row.file},
                    {"row", row.row},
                    {"action", RowActionName(row.action)},
                    {"programme_id", row.programme_id},
                    {"deliverable_id", row.deliverable_id},
                    {"reference", row.reference},
                    {"title", row.title},
                    {"fields_changed", row.fields_changed},
                    {"notes", row.notes}});
  }
  json warnings = json::array();
  for (const auto& w : r.warnings) {
    warnings.push_back({{"file", w.file}, {"row", w.row}, {"message", w.message}});
  }
  json conflicts = json::array();
  for (const auto& c : r.conflicts) {
    conflicts.push_back({{"file", c.file},
                         {"row", c.row},
                         {"deliverable_id", c.deliverable_id},
                         {"reference", c.reference},
                         {"title", c.title},
                         {"field", c.field},
                         {"file_value", c.file_value},
                         {"assure_value", c.assure_value},
                         {"imported_value", c.imported_value},
                         {"changed_by", c.changed_by},
                         {"changed_at", c.changed_at},
                         {"reason", c.reason},
                         {"overwritten", c.overwritten}});
  }
  json owners = json::array();
  for (const auto& o : r.owners) {
    owners.push_back({{"owner", o.owner},
                      {"match", OwnerMatchName(o.match)},
                      {"person_id", o.person_id},
                      {"person_name", o.person_name},
                      {"organisation", o.organisation},
                      {"candidates", o.candidates},
                      {"rows", o.rows}});
  }
  json drafts = json::array();
  for (const auto& d : r.draft_risks) {
    drafts.push_back({{"file", d.file},
                      {"row", d.row},
                      {"deliverable_id", d.deliverable_id},
                      {"reference", d.reference},
                      {"title", d.title},
                      {"text", d.text},
                      {"risk_title", d.risk_title}});
  }
  return {{"dry_run", r.dry_run},
          {"files", r.files},
          {"encodings", r.encodings},
          {"counts",
           {{"tables", r.tables},
            {"groups_created", r.groups_created},
            {"programmes_created", r.programmes_created},
            {"programmes_existing", r.programmes_existing},
            {"deliverables_created", r.deliverables_created},
            {"deliverables_changed", r.deliverables_changed},
            {"deliverables_unchanged", r.deliverables_unchanged},
            {"rows_skipped", r.rows_skipped},
            {"warnings", r.warnings.size()},
            {"draft_risks", r.draft_risks.size()},
            {"events_appended", r.events_appended}}},
          {"programmes", programmes},
          {"rows", rows},
          {"warnings", warnings},
          {"conflicts", conflicts},
          {"owners", owners},
          {"draft_risks", drafts},
          {"draft_risks_note", DraftRisksNote(r)}};
}

std::string FormatReport(const ImportReport& r, bool rows) {
  std::string out;
  const std::string would = r.dry_run ? "would be " : "";
  out += r.dry_run ? "DRY RUN: nothing written.\n" : "";
  out += std::to_string(r.tables) + " table(s) read from " + std::to_string(r.files.size()) +
         " file(s).\n";
  for (std::size_t i = 0; i < r.files.size() && i < r.encodings.size(); ++i) {
    if (r.encodings[i].empty()) continue;
    out += "  " + r.files[i] + ": read as " + r.encodings[i] + "\n";
  }
  out += "Programmes: " + std::to_string(r.programmes_created) + " " + would + "created, " +
         std::to_string(r.programmes_existing) + " existing; groups " + would + "created: " +
         std::to_string(r.groups_created) + "\n";
  out += "Deliverables: " + std::to_string(r.deliverables_created) + " " + would + "created, " +
         std::to_string(r.deliverables_changed) + " " + would + "changed, " +
         std::to_string(r.deliverables_unchanged) + " unchanged; rows not imported: " +
         std::to_string(r.rows_skipped) + "; warnings: " + std::to_string(r.warnings.size()) + "\n";
  if (!r.dry_run) out += "Events appended: " + std::to_string(r.events_appended) + "\n";
  out += "\n";
  for (const auto& p : r.programmes) {
    out += "  " + p.id + "  " + p.title + " [" + p.group_name + ", " + p.year + "]" +
           (p.created ? " (new)" : "") + ": " + std::to_string(p.rows) + " rows, " +
           std::to_string(p.deliverables_created) + " new, " +
           std::to_string(p.deliverables_changed) + " changed, " +
           std::to_string(p.deliverables_unchanged) + " unchanged" +
           (p.not_in_file.empty() ? std::string()
                                  : ", " + std::to_string(p.not_in_file.size()) +
                                        " listed but not in the file (kept)") +
           "\n";
  }
  if (rows) {
    bool header = false;
    for (const auto& row : r.rows) {
      if (row.action == RowAction::kUnchanged) continue;
      if (!header) {
        out += "\nRows:\n";
        header = true;
      }
      out += "  " + row.file + ", row " + std::to_string(row.row) + ": " +
             RowActionName(row.action);
      if (!row.deliverable_id.empty()) out += " " + row.deliverable_id;
      if (!row.reference.empty()) out += " [" + row.reference + "]";
      if (!row.title.empty()) out += " " + (row.title.size() > 60 ? row.title.substr(0, 60) + "..." : row.title);
      if (!row.fields_changed.empty()) {
        out += " (";
        for (std::size_t i = 0; i < row.fields_changed.size(); ++i) {
          out += (i ? ", " : "") + row.fields_changed[i];
        }
        out += ")";
      }
      out += "\n";
      for (const auto& n : row.notes) out += "      note: " + n + "\n";
    }
  }
  if (!r.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const auto& w : r.warnings) {
      out += "  " + w.file + (w.row ? ", row " + std::to_string(w.row) : std::string()) + ": " +
             w.message + "\n";
    }
  }
  if (!r.conflicts.empty()) {
    out += "\nConflicts (changed in Assure since the last import):\n";
    for (const auto& c : r.conflicts) {
      out += "  " + c.file + ", row " + std::to_string(c.row) + " [" + c.reference + "] " +
             c.field + ": file '" + c.file_value + "', Assure '" + c.assure_value + "' (" +
             c.changed_by + ", " + c.changed_at +
             (c.reason.empty() ? std::string() : ": " + c.reason) + "): " +
             (c.overwritten ? "file's value applied (overwrite)" : "Assure's value kept") + "\n";
    }
  }
  bool owners_header = false;
  bool proposed = false;
  for (const auto& o : r.owners) {
    if (!owners_header) {
      out += "\nOwners:\n";
      owners_header = true;
    }
    const std::string rows_text = " (" + std::to_string(o.rows) + " row" + (o.rows == 1 ? "" : "s") + ")";
    out += "  Owner '" + o.owner + "'";
    switch (o.match) {
      case OwnerMatch::kLinked:
      case OwnerMatch::kProposed:
        out += " → person " + o.person_name + (o.organisation.empty() ? "" : ", " + o.organisation) + " [" +
               o.person_id + "]" + rows_text + ": " +
               (o.match == OwnerMatch::kLinked ? (r.dry_run ? "would be linked" : "linked") : "proposed link");
        proposed = proposed || o.match == OwnerMatch::kProposed;
        break;
      case OwnerMatch::kAmbiguous: {
        std::string ids;
        for (const auto& c : o.candidates) ids += (ids.empty() ? "" : ", ") + c;
        out += rows_text + ": ambiguous, " + std::to_string(o.candidates.size()) +
               " people have that name (" + ids + "): not linked, kept as free text";
        break;
      }
      case OwnerMatch::kUnmatched:
        out += rows_text + ": no person of that name, kept as free text";
        break;
    }
    out += "\n";
  }
  if (proposed) {
    out += "  Proposed links are made only when confirmed: import again with --link-owners "
           "(HTTP link_owners=true).\n";
  }
  if (!r.draft_risks.empty()) {
    out += "\nDraft risks (from the Interdependencies/ Risks column):\n";
    if (rows) {
      for (const auto& d : r.draft_risks) {
        out += "  " + d.file + ", row " + std::to_string(d.row) + " " + d.deliverable_id +
               (d.reference.empty() ? std::string() : " [" + d.reference + "]") + ": " + d.risk_title + "\n";
      }
    }
    out += "  " + DraftRisksNote(r) + "\n";
  }
  return out;
}

}  // namespace assure::api::programme_files
