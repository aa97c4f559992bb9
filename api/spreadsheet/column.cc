#include "api/spreadsheet/column.h"

#include <utility>

namespace assure::api::spreadsheet {
namespace {

// Lower-case ASCII letters and digits only: "Interdependencies/ Risks" ->
// "interdependenciesrisks". Non-ASCII bytes are dropped too.
std::string Fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

struct Alias {
  std::string_view folded;
  Column column;
};

// Folded spellings seen in the seed and in the network's workbooks, plus the
// obvious short forms. Keep each list specific: "status" alone is the RAGB
// column in every programme workbook we have seen.
constexpr Alias kAliases[] = {
    {"networkreference", Column::kNetworkReference},
    {"networkref", Column::kNetworkReference},
    {"reference", Column::kNetworkReference},
    {"ref", Column::kNetworkReference},
    {"refno", Column::kNetworkReference},
    {"networkobjective", Column::kNetworkObjective},
    {"objective", Column::kNetworkObjective},
    {"deliverable", Column::kDeliverable},
    {"deliverables", Column::kDeliverable},
    {"dateinitiated", Column::kDateInitiated},
    {"initiated", Column::kDateInitiated},
    {"startdate", Column::kDateInitiated},
    {"datestarted", Column::kDateInitiated},
    {"plannedenddate", Column::kPlannedEndDate},
    {"plannedend", Column::kPlannedEndDate},
    {"enddate", Column::kPlannedEndDate},
    {"duedate", Column::kPlannedEndDate},
    {"targetdate", Column::kPlannedEndDate},
    {"datecompleted", Column::kDateCompleted},
    {"completed", Column::kDateCompleted},
    {"completiondate", Column::kDateCompleted},
    {"datecomplete", Column::kDateCompleted},
    {"owner", Column::kOwner},
    {"owners", Column::kOwner},
    {"lead", Column::kOwner},
    {"description", Column::kDescription},
    {"anticipatedoutcome", Column::kAnticipatedOutcome},
    {"anticipatedoutcomes", Column::kAnticipatedOutcome},
    {"outcome", Column::kAnticipatedOutcome},
    {"outcomes", Column::kAnticipatedOutcome},
    {"interdependenciesrisks", Column::kInterdependenciesRisks},
    {"interdependencyrisks", Column::kInterdependenciesRisks},
    {"interdependenciesandrisks", Column::kInterdependenciesRisks},
    {"dependenciesrisks", Column::kInterdependenciesRisks},
    {"interdependencies", Column::kInterdependenciesRisks},
    {"risks", Column::kInterdependenciesRisks},
    {"ragbstatus", Column::kRagbStatus},
    {"ragstatus", Column::kRagbStatus},
    {"ragb", Column::kRagbStatus},
    {"rag", Column::kRagbStatus},
    {"ragbrating", Column::kRagbStatus},
    {"status", Column::kRagbStatus},
    {"mmqsinreference", Column::kMmQsinReference},
    {"mmqsinref", Column::kMmQsinReference},
    {"qsinreference", Column::kMmQsinReference},
    {"qsinref", Column::kMmQsinReference},
    {"qsin", Column::kMmQsinReference},
    {"mmqsin", Column::kMmQsinReference},
};

}  // namespace

std::string_view DisplayName(Column column) {
  switch (column) {
    case Column::kNetworkReference: return "Network Reference";
    case Column::kNetworkObjective: return "Network Objective";
    case Column::kDeliverable: return "Deliverable";
    case Column::kDateInitiated: return "Date Initiated";
    case Column::kPlannedEndDate: return "Planned End Date";
    case Column::kDateCompleted: return "Date Completed";
    case Column::kOwner: return "Owner";
    case Column::kDescription: return "Description";
    case Column::kAnticipatedOutcome: return "Anticipated Outcome";
    case Column::kInterdependenciesRisks: return "Interdependencies/Risks";
    case Column::kRagbStatus: return "RAGB Status";
    case Column::kMmQsinReference: return "MM/QSIN Reference";
  }
  return "";
}

std::vector<std::string> CanonicalHeader() {
  std::vector<std::string> out;
  out.reserve(kColumnCount);
  for (Column c : kAllColumns) out.emplace_back(DisplayName(c));
  return out;
}

std::optional<Column> MatchColumn(std::string_view header_text) {
  const std::string folded = Fold(header_text);
  if (folded.empty()) return std::nullopt;
  for (const Alias& a : kAliases) {
    if (a.folded == folded) return a.column;
  }
  return std::nullopt;
}

HeaderMatch MatchHeader(const std::vector<std::string>& header) {
  HeaderMatch m;
  m.columns.resize(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::optional<Column> c = MatchColumn(header[i]);
    if (!c) {
      if (!Fold(header[i]).empty()) m.unknown.push_back(i);
      continue;
    }
    auto& slot = m.position[static_cast<std::size_t>(*c)];
    if (slot) {
      m.duplicate.push_back(i);
      continue;
    }
    slot = i;
    m.columns[i] = c;
    ++m.matched;
  }
  return m;
}

}  // namespace assure::api::spreadsheet
