// Who last set each field of a deliverable, read from its events: an import
// (an event whose metadata source starts "import:", as ImportFiles records
// them) or anything else (the API, the CLI, a person). The importer uses it
// to tell a value the file brought in last time from one the board changed in
// Assure since, which a re-import must not silently undo. Internal to importer.
//
// Thread safety: stateless; the store is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "storage/event_store.h"

namespace assure::api::programme_files {

struct FieldOrigin {
  bool by_import = false;       // the last change to the field came from an import
  std::string actor;            // of the last change
  std::string reason;
  std::int64_t recorded_at_us = 0;
  // The text the last import gave the field ("" when no import set it): for
  // dates their text, for MM/QSIN its raw text, for ragb/status the wire name.
  std::string imported_value;
};

// By top-level field of the deliverable's read model ("owner", "planned_end",
// "mm_qsin", "ragb", "status", ...). kNotFound for no such deliverable.
using FieldOrigins = std::map<std::string, FieldOrigin>;

// True for the metadata source of an import's events ("import:FILE").
bool IsImportSource(std::string_view source);

Result<FieldOrigins> ReadFieldOrigins(storage::EventStore& store, const std::string& deliverable_id);

}  // namespace assure::api::programme_files
