// Row -> deliverable fields.
#include "api/programme_files/row_mapping.h"

#include "domain/seed_date.h"
#include "domain/seed_status.h"

namespace assure::api::programme_files {

namespace {

using spreadsheet::Column;

std::string Quote(const std::string& s) {
  constexpr std::size_t kMax = 60;
  return "'" + (s.size() > kMax ? s.substr(0, kMax) + "..." : s) + "'";
}

}  // namespace

std::vector<std::string> AlignCells(const spreadsheet::Row& row, std::size_t header_size,
                                    std::vector<std::string>& warnings) {
  std::vector<std::string> cells = row.cells;
  if (cells.size() <= header_size) {
    cells.resize(header_size);
    return cells;
  }
  const std::size_t original = cells.size();
  std::size_t extra = cells.size() - header_size;
  std::vector<std::size_t> dropped;
  for (std::size_t i = cells.size() - 1; i-- > 0 && extra > 0;) {
    if (cells[i].empty()) {
      cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(i));
      dropped.push_back(i + 1);
      --extra;
    }
  }
  // One warning for the row, saying everything that was done to it.
  std::string message = std::to_string(original) + " cells against " +
                        std::to_string(header_size) + " columns";
  if (!dropped.empty()) {
    std::string list;
    for (auto it = dropped.rbegin(); it != dropped.rend(); ++it) {
      list += (list.empty() ? "" : ", ") + std::to_string(*it);
    }
    message += ": realigned by dropping empty cell " + list;
  }
  if (cells.size() > header_size) {
    std::string rest;
    for (std::size_t i = header_size; i < cells.size(); ++i) {
      if (!cells[i].empty()) rest += (rest.empty() ? "" : ", ") + Quote(cells[i]);
    }
    message += (dropped.empty() ? ": " : "; ") + std::string("text beyond the last column not imported: ") + rest;
    cells.resize(header_size);
  }
  warnings.push_back(std::move(message));
  return cells;
}

namespace {

// `text` with each run of line breaks and tabs (and the spaces around them)
// replaced by one space.
std::string JoinLines(const std::string& text) {
  if (text.find_first_of("\r\n\t") == std::string::npos) return text;
  std::string out;
  bool gap = false;
  for (const char c : text) {
    if (c == '\r' || c == '\n' || c == '\t') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      gap = true;
    } else if (gap && c == ' ') {
      continue;
    } else {
      if (gap && !out.empty()) out.push_back(' ');
      gap = false;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<MappedRow> MapRow(const spreadsheet::HeaderMatch& match, std::size_t header_size,
                                const spreadsheet::Row& row, std::string& skip_reason) {
  MappedRow out;
  out.number = row.number;
  const std::vector<std::string> cells = AlignCells(row, header_size, out.warnings);
  auto cell = [&](Column c) -> std::optional<std::string> {
    const auto at = match.Find(c);
    if (!at || *at >= cells.size()) return std::nullopt;
    return cells[*at];
  };
  auto& f = out.fields;
  f.reference = cell(Column::kNetworkReference);
  f.objective = cell(Column::kNetworkObjective);
  f.title = cell(Column::kDeliverable);
  f.date_initiated = cell(Column::kDateInitiated);
  f.planned_end = cell(Column::kPlannedEndDate);
  f.date_completed = cell(Column::kDateCompleted);
  f.owner = cell(Column::kOwner);
  f.description = cell(Column::kDescription);
  f.anticipated_outcome = cell(Column::kAnticipatedOutcome);
  f.interdependencies_risks = cell(Column::kInterdependenciesRisks);
  f.mm_qsin_reference = cell(Column::kMmQsinReference);

  // Cells of one-line fields (domain/text_limits.h) may hold line breaks
  // (Alt+Enter in Excel): joined with a space, as the sheet shows them.
  for (std::optional<std::string>* one_line : {&f.reference, &f.title, &f.owner, &f.date_initiated,
                                                &f.planned_end, &f.date_completed, &f.mm_qsin_reference}) {
    if (*one_line) **one_line = JoinLines(**one_line);
  }

  if (!f.title || f.title->empty()) {
    std::string held;
    for (const auto& c : cells) {
      if (!c.empty()) held += (held.empty() ? "" : ", ") + Quote(c);
    }
    skip_reason = "no Deliverable text, so no deliverable (a section row?): holds " + held;
    return std::nullopt;
  }

  struct DateCol {
    const std::optional<std::string>* text;
    Column column;
  };
  for (const DateCol& d : {DateCol{&f.date_initiated, Column::kDateInitiated},
                           DateCol{&f.planned_end, Column::kPlannedEndDate},
                           DateCol{&f.date_completed, Column::kDateCompleted}}) {
    if (!*d.text || (*d.text)->empty()) continue;
    if (!domain::ParseSeedDate(**d.text).date) {
      out.notes.push_back(std::string(spreadsheet::DisplayName(d.column)) + " " + Quote(**d.text) +
                          " kept as text (no date read)");
    }
  }
  if (const auto status = cell(Column::kRagbStatus); status && !status->empty()) {
    const domain::SeedStatus s = domain::ParseSeedStatus(*status);
    out.ragb = s.ragb;
    out.status = s.status;
    if (!s.ragb && !s.status) {
      out.warnings.push_back("RAGB Status " + Quote(*status) +
                             " not recognised: rating and status not set from it");
    }
  }
  // A completion date the status does not bear out: the row is not completed
  // (completing takes the word), and the board should know.
  if (f.date_completed && !f.date_completed->empty() &&
      domain::ParseSeedDate(*f.date_completed).date &&
      out.status != domain::DeliverableStatus::kCompleted &&
      out.status != domain::DeliverableStatus::kCancelled) {
    const auto status = cell(Column::kRagbStatus);
    out.warnings.push_back(
        "Date Completed " + Quote(*f.date_completed) + " but RAGB Status " +
        (status && !status->empty() ? Quote(*status) + " does not say Completed"
                                    : std::string("is empty")) +
        ": not imported as completed (write Completed in RAGB Status to complete it)");
  }
  return out;
}

}  // namespace assure::api::programme_files
