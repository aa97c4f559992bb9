// Export of a work programme as CSV or xlsx.
#include "api/programme_files/export_programme.h"

#include <algorithm>
#include <cctype>

#include "api/queries/deliverable_owner.h"
#include "api/spreadsheet/column.h"
#include "api/spreadsheet/csv_writer.h"
#include "api/spreadsheet/xlsx_writer.h"
#include "domain/calendar.h"

namespace assure::api::programme_files {

using domain::DeliverableStatus;

std::optional<ExportFormat> ParseExportFormat(std::string_view text) {
  std::string lower;
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "csv") return ExportFormat::kCsv;
  if (lower == "xlsx") return ExportFormat::kXlsx;
  return std::nullopt;
}

std::string SeedStatusWord(const domain::DeliverableState& d) {
  if (d.status == DeliverableStatus::kCompleted) return "Completed";
  if (d.status == DeliverableStatus::kCancelled) return "Cancelled";
  // The one word that carries a rating and a status, so a fresh store reads
  // back both (a bare "Blue" would come back planned).
  if (d.ragb == domain::Ragb::kBlue && d.status == DeliverableStatus::kInProgress) return "On Target";
  if (d.ragb) {
    switch (*d.ragb) {
      case domain::Ragb::kRed: return "Red";
      case domain::Ragb::kAmber: return "Amber";
      case domain::Ragb::kBlue: return "Blue";
      case domain::Ragb::kGreen: return "Green";
    }
  }
  switch (d.status) {
    case DeliverableStatus::kPlanned: return "Planned Activity";
    case DeliverableStatus::kNotStarted: return "Not started";
    case DeliverableStatus::kInProgress: return "Ongoing";
    case DeliverableStatus::kOnHold: return "On Hold";
    default: return "";
  }
}

Result<spreadsheet::Table> ProgrammeTable(const NetworkModel& model, const std::string& programme_id) {
  auto p = model.programmes.Find(programme_id);
  if (!p) {
    return MakeError(ErrorCode::kNotFound, "no work programme '" + programme_id + "'",
                     "programme_id");
  }
  spreadsheet::Table table;
  table.title = p->title;
  table.id = programme_id;
  table.header = spreadsheet::CanonicalHeader();
  for (const std::string& id : p->deliverable_ids) {
    auto d = model.deliverables.Find(id);
    if (!d) continue;
    spreadsheet::Row row;
    row.number = table.rows.size() + 2;
    row.cells = {d->reference,
                 d->objective,
                 d->title,
                 d->date_initiated.original,
                 d->planned_end.original,
                 d->date_completed.original,
                 OwnerOf(model, *d),  // a linked owner by the person's name
                 d->description,
                 d->anticipated_outcome,
                 d->interdependencies_risks,
                 SeedStatusWord(*d),
                 d->mm_qsin.raw};
    table.rows.push_back(std::move(row));
  }
  return table;
}

Result<std::string> ExportProgramme(const NetworkModel& model, const std::string& programme_id,
                                    ExportFormat format) {
  auto table = ProgrammeTable(model, programme_id);
  if (!table.ok()) return table.error();
  if (format == ExportFormat::kCsv) {
    spreadsheet::CsvWriteOptions options;
    options.title_row = !table->title.empty();
    return spreadsheet::WriteCsv(*table, options);
  }
  return spreadsheet::WriteXlsx({*table});
}

namespace {

std::string Slug(std::string_view title) {
  std::string out;
  for (char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "programme" : out;
}

}  // namespace

Result<ExportedFile> ExportProgrammeFile(storage::EventStore& store,
                                         const std::string& programme_id,
                                         std::string_view format, std::string_view as_of) {
  const auto fmt = ParseExportFormat(format.empty() ? "csv" : format);
  if (!fmt) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "format '" + std::string(format) + "' is not csv or xlsx", "format");
  }
  std::uint64_t up_to = store.Head().position;
  if (!as_of.empty()) {
    auto end_us = domain::ParseAsAt(as_of, "as_of");  // a date: the end of that UTC day
    if (!end_us.ok()) return std::move(end_us).error();
    auto at = store.PositionAt(*end_us);
    if (!at.ok()) return at.error();
    up_to = *at;
  }
  auto model = BuildNetworkModel(store, up_to);
  if (!model.ok()) return model.error();
  if (!model->programmes.Find(programme_id)) {
    return MakeError(ErrorCode::kNotFound,
                     "no work programme '" + programme_id + "'" +
                         (as_of.empty() ? std::string() : " on " + std::string(as_of)),
                     "programme_id");
  }
  auto bytes = ExportProgramme(*model, programme_id, *fmt);
  if (!bytes.ok()) return bytes.error();
  ExportedFile out;
  out.bytes = std::move(*bytes);
  const std::string stem = Slug(model->programmes.Find(programme_id)->title);
  if (*fmt == ExportFormat::kCsv) {
    out.content_type = "text/csv; charset=utf-8";
    out.file_name = stem + ".csv";
  } else {
    out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out.file_name = stem + ".xlsx";
  }
  return out;
}

std::vector<ProgrammeSummary> ListProgrammes(const NetworkModel& model) {
  std::vector<ProgrammeSummary> out;
  model.programmes.ForEach([&](const std::string& id, const domain::WorkProgrammeState& p) {
    auto g = model.groups.Find(p.group_id);
    out.push_back({id, p.title, p.group_id, g ? g->name : std::string(), p.year,
                   p.deliverable_ids.size()});
  });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.title, a.year, a.id) < std::tie(b.title, b.year, b.id);
  });
  return out;
}

}  // namespace assure::api::programme_files
