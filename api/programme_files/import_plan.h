// The plan of an import: what to create and which commands to run, made by
// simulating every command against the current state (Decide + Evolve, pure)
// so a dry run reports exactly what a real run writes. Internal to importer.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/spreadsheet/table.h"
#include "api/programme_files/field_origins.h"
#include "api/programme_files/import_report.h"
#include "api/programme_files/importer.h"
#include "api/queries/network_model.h"

namespace assure::api::programme_files {

struct PlannedDeliverable {
  std::string id;
  std::string file;  // for the reason "imported from FILE" and the event source
  std::size_t row = 0;
  std::vector<domain::DeliverableAggregate::Command> commands;
};

struct PlannedProgramme {
  std::string id;
  std::string file;
  std::optional<domain::CreateWorkProgramme> create;
  std::vector<std::string> add;  // deliverable ids to list, in row order
};

struct PlannedGroup {
  std::string id;
  std::string file;
  domain::CreateGroup create;
};

struct ImportPlan {
  std::vector<PlannedGroup> groups;          // to create
  std::vector<PlannedProgramme> programmes;  // to create and/or add deliverables to
  std::vector<PlannedDeliverable> deliverables;  // with at least one command
  ImportReport report;
};

struct FileTables {
  std::string name;
  spreadsheet::ReadResult read;
};

// Makes the plan. Errors only for a table that cannot be placed in a
// programme (named by file and header row).
// `origins` gives, for an existing deliverable the file would change, who
// last set each of its fields (see field_origins.h).
using OriginsLookup = std::function<Result<FieldOrigins>(const std::string& deliverable_id)>;
Result<ImportPlan> MakePlan(const NetworkModel& model, const std::vector<FileTables>& files,
                            const ImportOptions& options, const OriginsLookup& origins);

// "imported from FILE".
std::string ImportReason(const std::string& file);

}  // namespace assure::api::programme_files
