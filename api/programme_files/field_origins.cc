#include "api/programme_files/field_origins.h"

#include "api/core/history.h"
#include "domain/deliverable.h"

namespace assure::api::programme_files {
namespace {

// The text of a field's value in the read model: strings as they are, null
// as "", a date's "text" and an MM/QSIN reference's "raw".
std::string ValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  return v.dump();
}

}  // namespace

bool IsImportSource(std::string_view source) { return source.starts_with("import:"); }

Result<FieldOrigins> ReadFieldOrigins(storage::EventStore& store,
                                      const std::string& deliverable_id) {
  auto history = History<domain::DeliverableAggregate>(store, deliverable_id);
  if (!history.ok()) return history.error();
  FieldOrigins out;
  for (const HistoryEntry& h : *history) {
    const bool by_import = IsImportSource(h.source);
    for (const FieldChange& c : h.changes) {
      const std::string field = c.field.substr(0, c.field.find('.'));
      const std::string sub = c.field.size() > field.size() ? c.field.substr(field.size() + 1) : "";
      // A date's parsed value or an MM/QSIN reference's codes follow its text.
      if (!sub.empty() && sub != "text" && sub != "raw") continue;
      FieldOrigin& o = out[field];
      o.by_import = by_import;
      o.actor = h.actor;
      o.reason = h.reason;
      o.recorded_at_us = h.recorded_at_us;
      if (by_import) o.imported_value = ValueText(c.to);
    }
  }
  return out;
}

}  // namespace assure::api::programme_files
