// The import use case: files of work programmes -> groups, work programmes
// and deliverables, idempotently. Used by `assure import` on a stopped store
// and by the API's POST /api/v1/imports (upload), with the same report.
//
// Matching rule (see README.md): a table belongs to the programme its title
// names (group + year); a row is the deliverable whose id is derived from
//   programme id | normalised reference | normalised title | n
// where n counts earlier rows of the same table with the same reference and
// title. Importing the same file again therefore finds every entity and
// appends nothing; an edited file appends only the differences, as ordinary
// change events with the reason "imported from FILE".
//
// All files are read and the whole plan is made before anything is written:
// a bad file (empty, binary, not UTF-8, not a zip, zip bomb, too many
// columns, no header, no programme table, no programme year) is an error
// naming the file (and row), and nothing is written. Commands the domain
// refuses for one row become warnings naming the row.
//
// Thread safety: stateless; the store is thread-safe. Writes are made by up
// to ImportOptions::threads threads (the store group-commits them): the
// caller's, and helpers on ImportOptions::post or threads of their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/core/entity_writer.h"
#include "api/spreadsheet/read_options.h"
#include "api/programme_files/import_report.h"
#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::programme_files {

struct ImportFile {
  std::string name;   // shown in messages and reasons: "wmin.csv" (no directories)
  std::string bytes;  // the file's content
};

struct ImportOptions {
  bool dry_run = false;           // plan and report, write nothing
  // A field Assure changed since an import last set it (a rating changed
  // with a reason, an edit: any event not from an import) is kept and
  // reported as a conflict; with overwrite the file's value is applied (and
  // still reported). See README.md.
  bool overwrite = false;
  // Owner cells that name exactly one person are reported as proposed links
  // (ImportReport::owners) and left as text; with link_owners they are
  // linked: the deliverable's owner is the person, by id (README.md, "Owners
  // who are people").
  bool link_owners = false;
  std::string actor = "import";   // who: recorded on every event
  std::int64_t now_us = 0;        // occurred-at of the events (UTC microseconds)
  // Event metadata source; default "import:FILE". A source of one's own
  // should start "import:" too: that is how a later import tells the values
  // an import set from the board's own changes (see overwrite).
  std::string source;
  std::string correlation_id;     // ties the events of one import together
  // Put every table into this existing programme instead of the one its
  // title names (for a CSV without a title row).
  std::string programme_id;
  // The title to use for tables whose own title names no programme year,
  // e.g. "Medical Physics Work Programme (2023 - 2024)". Without it the file
  // name is tried, then the table is an error.
  std::string programme_title;
  spreadsheet::ReadOptions read;       // reader limits
  // The writer to write through: the server's (so that an import and the
  // requests it meets decide in turn). Unset (the CLI on a stopped store):
  // the import makes one of its own.
  EntityWriter* writer = nullptr;
  // Called during writing with (deliverables done, deliverables to write),
  // on the writer's thread: it must be quick.
  std::function<void(std::size_t, std::size_t)> progress;
};

Result<ImportReport> ImportFiles(storage::EventStore& store, const std::vector<ImportFile>& files,
                                 const ImportOptions& options);

}  // namespace assure::api::programme_files
