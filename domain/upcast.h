// Event schema versions and the upcaster.
//
// Every event type has a current schema version; Decide always writes it.
// Stored events keep the version they were written with and are upcast on read
// (before Evolve or any projection sees them), so old history never needs
// rewriting. Event type names are on-disk and never renamed.
//
// History of schema changes:
//   DeliverableCreated v1 -> v2: v1 stored "date_initiated", "planned_end" and
//     "date_completed" as plain seed text and the MM/QSIN column as the string
//     "mm_qsin_reference". v2 stores each date as {"text","date","precision"}
//     (see seed_date.h) and the reference as "mm_qsin": {"raw","domain","codes"}
//     (see mm_qsin_reference.h); v1 "ragb" and "status" values written in seed
//     words ("Blue", "On Target") become wire names.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace assure::domain {

// The version Decide writes for `type` (1 for unknown types).
std::uint32_t CurrentSchemaVersion(std::string_view type);

// `data` written at `from_version`, returned in the current schema of `type`.
// Never fails: unknown types, current versions and future versions are
// returned unchanged.
nlohmann::json Upcast(std::string_view type, std::uint32_t from_version, nlohmann::json data);

}  // namespace assure::domain
