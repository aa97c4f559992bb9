// The export use case: a work programme as boards know it, the seed's twelve
// columns in order, as CSV (UTF-8 with BOM, CRLF, a title row) or xlsx (RAGB
// cells filled, header frozen, columns sized). Used by `assure export` and by
// GET /api/v1/programmes/{id}/export?format=csv|xlsx&as_of=YYYY-MM-DD (or a date-time).
//
// Cells are the deliverable's own texts: dates and the MM/QSIN reference as
// originally written ("Mar-23", "ongoing", "Clinical Governance IN-501,
// 601, 701"); the RAGB Status column as the seed writes it: "Completed" or
// "Cancelled" for a closed deliverable, else the rating's word ("Red",
// "Amber", "Blue", "Green"), else the status word ("Planned Activity",
// "Not started", "Ongoing", "On Hold"). Importing the export again changes
// nothing (see importer.h).
//
// Thread safety: stateless.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/spreadsheet/table.h"
#include "api/queries/network_model.h"
#include "domain/result.h"

namespace assure::api::programme_files {

enum class ExportFormat { kCsv, kXlsx };

// "csv" / "xlsx" (any case); nullopt otherwise.
std::optional<ExportFormat> ParseExportFormat(std::string_view text);

// The RAGB Status cell for a deliverable (see above).
std::string SeedStatusWord(const domain::DeliverableState& d);

// The programme as a Table: title = the programme's title, header = the
// seed's columns, one row per listed deliverable in programme order.
// kNotFound for an unknown programme.
Result<spreadsheet::Table> ProgrammeTable(const NetworkModel& model, const std::string& programme_id);

Result<std::string> ExportProgramme(const NetworkModel& model, const std::string& programme_id,
                                    ExportFormat format);

struct ExportedFile {
  std::string bytes;
  std::string content_type;  // "text/csv; charset=utf-8" or the xlsx media type
  std::string file_name;     // e.g. "medical-physics-work-programme-2023-2024.csv"
};

// The whole use case over a store: the model as at `as_of` (domain::ParseAsAt:
// a date is the end of that UTC day; or a date-time; "" for now), then
// ExportProgramme. Errors: kInvalidArgument
// for a bad format or date (field "format" / "as_of"), kNotFound for an
// unknown programme or one that did not exist yet on that date.
Result<ExportedFile> ExportProgrammeFile(storage::EventStore& store,
                                         const std::string& programme_id,
                                         std::string_view format, std::string_view as_of);

// For finding a programme's id: every programme, ordered by title.
struct ProgrammeSummary {
  std::string id;
  std::string title;
  std::string group_id;
  std::string group_name;
  std::string year;
  std::size_t deliverables = 0;
};
std::vector<ProgrammeSummary> ListProgrammes(const NetworkModel& model);

}  // namespace assure::api::programme_files
