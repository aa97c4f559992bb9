// The seed's "MM/QSIN Reference" column: a maturity-matrix domain and/or QSIN
// statement codes, e.g. "Operational Governance IN-601",
// "Clinical Governance IN-501, 601, 701", "IN-501,601", "All",
// "Comms & Engagement". Pure: the importer and Decide both use it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace assure::domain {

struct MmQsinReference {
  std::string raw;                 // the text as given
  std::string domain;              // text before the first code, trimmed ("" if none)
  std::vector<std::string> codes;  // "IN-501", in order of appearance, no duplicates
  friend bool operator==(const MmQsinReference&, const MmQsinReference&) = default;
};

// Codes start at the first upper-case "IN" that begins a word and is followed
// by '-', ' ' or a digit; every three-digit number after it is a statement
// ("IN-501, 601" -> IN-501, IN-601). Numbers of other lengths ("Workforce
// IN 2") give no code; the raw text keeps them.
MmQsinReference ParseMmQsinReference(std::string_view raw);

// True for "IN-" followed by exactly three digits.
bool IsQsinCode(std::string_view code);

// {"raw": ..., "domain": ..., "codes": [...]}; FromJson never fails.
nlohmann::json MmQsinToJson(const MmQsinReference& ref);
MmQsinReference MmQsinFromJson(const nlohmann::json& object);

}  // namespace assure::domain
