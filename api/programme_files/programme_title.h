// Which work programme a table belongs to, read from its title, and the
// deterministic ids the importer gives the entities it creates.
//
//   "Medical Physics Work Programme (2023 - 2024)" -> group "Medical Physics"
//                                                     (kind sig), year "2023-24"
//   "Work Programme (2023 - 2024)"  (no group named) -> group "Network Core
//                                                     Team" (kind forum), the
//                                                     network core programme
// Years may be written "(2023 - 2024)", "2023-24", "2023/24", "2023 24",
// "2023-2024" or with an en or em dash ("2023 – 2024", as Word and Excel
// write it); a leading "WMIN" is dropped from the group name.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/group.h"

namespace assure::api::programme_files {

// The group that owns the untitled core programme of the strategy document.
inline constexpr std::string_view kCoreGroupName = "Network Core Team";

struct ProgrammeTitle {
  std::string group_name;  // "Medical Physics"
  domain::GroupKind group_kind = domain::GroupKind::kSig;
  std::string year;        // "2023-24"
  std::string title;       // the title as written (trimmed)
};

// nullopt when no programme year can be read from `title`.
std::optional<ProgrammeTitle> ParseProgrammeTitle(std::string_view title);

// Lower case, letters and digits only, single spaces: "Comms & Engagement-01 "
// and "comms engagement 01" are the same key.
std::string NormaliseKey(std::string_view text);

// prefix + the first 20 hex digits of SHA-256(key): "dlv-3f2a...".
std::string StableId(std::string_view prefix, std::string_view key);

}  // namespace assure::api::programme_files
