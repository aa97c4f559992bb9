#include "server/http_upload.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/programme_files/import_report.h"
#include "domain/json_text.h"
#include "server/read_file.h"

namespace assure::server {

using json = nlohmann::json;

namespace {

std::size_t Size(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::size_t>() : 0;
}
std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool Bool(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}
std::vector<std::string> Strs(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}
const json& Arr(const json& j, const char* key) {
  static const json kEmpty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

// The inverse of api::programme_files::ToJson, for FormatReport.
api::programme_files::ImportReport ReportFromJson(const json& j) {
  using namespace api::programme_files;
  ImportReport r;
  r.dry_run = Bool(j, "dry_run");
  r.files = Strs(j, "files");
  r.encodings = Strs(j, "encodings");
  const json counts = j.value("counts", json::object());
  r.tables = Size(counts, "tables");
  r.groups_created = Size(counts, "groups_created");
  r.programmes_created = Size(counts, "programmes_created");
  r.programmes_existing = Size(counts, "programmes_existing");
  r.deliverables_created = Size(counts, "deliverables_created");
  r.deliverables_changed = Size(counts, "deliverables_changed");
  r.deliverables_unchanged = Size(counts, "deliverables_unchanged");
  r.rows_skipped = Size(counts, "rows_skipped");
  r.events_appended = Size(counts, "events_appended");
  for (const auto& p : Arr(j, "programmes")) {
    ProgrammeReport pr;
    pr.id = Str(p, "id");
    pr.title = Str(p, "title");
    pr.group_id = Str(p, "group_id");
    pr.group_name = Str(p, "group_name");
    pr.year = Str(p, "year");
    pr.created = Bool(p, "created");
    pr.group_created = Bool(p, "group_created");
    pr.rows = Size(p, "rows");
    pr.deliverables_created = Size(p, "deliverables_created");
    pr.deliverables_changed = Size(p, "deliverables_changed");
    pr.deliverables_unchanged = Size(p, "deliverables_unchanged");
    pr.deliverables_added = Size(p, "deliverables_added");
    pr.not_in_file = Strs(p, "not_in_file");
    r.programmes.push_back(std::move(pr));
  }
  for (const auto& row : Arr(j, "rows")) {
    RowReport rr;
    rr.file = Str(row, "file");
    rr.row = Size(row, "row");
    const std::string action = Str(row, "action");
    for (RowAction a : {RowAction::kCreate, RowAction::kChange, RowAction::kUnchanged, RowAction::kSkip,
                        RowAction::kRejected}) {
      if (action == RowActionName(a)) rr.action = a;
    }
    rr.programme_id = Str(row, "programme_id");
    rr.deliverable_id = Str(row, "deliverable_id");
    rr.reference = Str(row, "reference");
    rr.title = Str(row, "title");
    rr.fields_changed = Strs(row, "fields_changed");
    rr.notes = Strs(row, "notes");
    r.rows.push_back(std::move(rr));
  }
  for (const auto& w : Arr(j, "warnings")) {
    r.warnings.push_back({Str(w, "file"), Size(w, "row"), Str(w, "message")});
  }
  for (const auto& c : Arr(j, "conflicts")) {
    FieldConflict fc;
    fc.file = Str(c, "file");
    fc.row = Size(c, "row");
    fc.deliverable_id = Str(c, "deliverable_id");
    fc.reference = Str(c, "reference");
    fc.title = Str(c, "title");
    fc.field = Str(c, "field");
    fc.file_value = Str(c, "file_value");
    fc.assure_value = Str(c, "assure_value");
    fc.imported_value = Str(c, "imported_value");
    fc.changed_by = Str(c, "changed_by");
    fc.changed_at = Str(c, "changed_at");
    fc.reason = Str(c, "reason");
    fc.overwritten = Bool(c, "overwritten");
    r.conflicts.push_back(std::move(fc));
  }
  for (const auto& o : Arr(j, "owners")) {
    OwnerReport owner;
    owner.owner = Str(o, "owner");
    const std::string match = Str(o, "match");
    for (OwnerMatch m : {OwnerMatch::kLinked, OwnerMatch::kProposed, OwnerMatch::kAmbiguous, OwnerMatch::kUnmatched}) {
      if (match == OwnerMatchName(m)) owner.match = m;
    }
    owner.person_id = Str(o, "person_id");
    owner.person_name = Str(o, "person_name");
    owner.organisation = Str(o, "organisation");
    owner.candidates = Strs(o, "candidates");
    owner.rows = Size(o, "rows");
    r.owners.push_back(std::move(owner));
  }
  for (const auto& d : Arr(j, "draft_risks")) {
    r.draft_risks.push_back({Str(d, "file"), Size(d, "row"), Str(d, "deliverable_id"), Str(d, "reference"),
                             Str(d, "title"), Str(d, "text"), Str(d, "risk_title")});
  }
  return r;
}

}  // namespace

int UploadImports(const UploadOptions& opts, const std::vector<std::string>& paths, std::FILE* out,
                  std::FILE* err) {
  auto endpoint = ParseHttpUrl(opts.server, opts.ca_file);
  if (!endpoint.ok()) {
    std::fprintf(err, "assure import: %s\n", endpoint.error().message.c_str());
    return kUploadError;
  }
  if (opts.token.empty()) {
    std::fprintf(err,
                 "assure import: --server needs a token: --token TOKEN or the environment variable "
                 "ASSURE_TOKEN (an editor's or admin's, see `assure token create`)\n");
    return kUploadError;
  }
  // Read every file first: a missing file refuses the whole command before
  // anything is sent.
  std::vector<std::pair<std::string, std::string>> files;  // name, bytes
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      std::fprintf(err, "assure import: %s: cannot read: not a file\n", path.c_str());
      return kUploadRefused;
    }
    auto bytes = ReadWholeFile(path);
    if (!bytes) {
      std::fprintf(err, "assure import: %s: cannot read\n", path.c_str());
      return kUploadRefused;
    }
    files.emplace_back(std::filesystem::path(path).filename().string(), std::move(*bytes));
  }

  json reports = json::array();
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& [name, bytes] = files[i];
    std::string target = "/api/v1/imports?file_name=" + UrlEncode(name) +
                         "&dry_run=" + (opts.dry_run ? "true" : "false");
    if (opts.overwrite) target += "&overwrite=true";
    if (opts.link_owners) target += "&link_owners=true";
    if (!opts.title.empty()) target += "&title=" + UrlEncode(opts.title);
    auto reply = HttpRequest(*endpoint, "POST", target, opts.token, bytes, "application/octet-stream",
                             opts.timeout);
    if (!reply.ok()) {
      std::fprintf(err, "assure import: %s: %s\n", paths[i].c_str(), reply.error().message.c_str());
      if (i > 0) std::fprintf(err, "(the files before it were imported)\n");
      return kUploadError;
    }
    json body = domain::ParseJsonText(reply->body);
    if (reply->status != 200 && reply->status != 201) {
      std::string detail = body.is_object() ? Str(body, "detail") : std::string();
      if (detail.empty() && body.is_object()) detail = Str(body, "title");
      if (detail.empty()) detail = reply->body.substr(0, 200);
      const std::string field = body.is_object() ? Str(body, "field") : std::string();
      std::fprintf(err, "assure import: %s: the server refused it (HTTP %d): %s%s\n", paths[i].c_str(),
                   reply->status, detail.c_str(), field.empty() ? "" : (" [field: " + field + "]").c_str());
      if (reply->status == 401) {
        std::fprintf(err, "The token was not accepted (unknown, expired or revoked).\n");
      } else if (reply->status == 403) {
        std::fprintf(err, "The token may not import: an editor's or admin's token is needed.\n");
      }
      std::fprintf(err, "Nothing was written for this file.%s\n",
                   i > 0 ? " The files before it were imported." : "");
      return kUploadRefused;
    }
    if (!body.is_object()) {
      std::fprintf(err, "assure import: %s: the server's answer (HTTP %d) is not a JSON report\n",
                   paths[i].c_str(), reply->status);
      return kUploadError;
    }
    if (opts.json) {
      reports.push_back(std::move(body));
      continue;
    }
    const auto report = ReportFromJson(body);
    std::size_t listed = 0;
    for (const auto& row : report.rows) listed += row.action != api::programme_files::RowAction::kUnchanged;
    const bool rows = opts.rows || listed <= 200;
    if (files.size() > 1) std::fprintf(out, "%s== %s\n", i ? "\n" : "", paths[i].c_str());
    std::fputs(api::programme_files::FormatReport(report, rows).c_str(), out);
    if (!rows) std::fprintf(out, "\n(%zu rows created, changed or skipped: --rows lists them)\n", listed);
  }
  if (opts.json) {
    const json& shown = reports.size() == 1 ? reports[0] : reports;
    std::fprintf(out, "%s\n", shown.dump(2).c_str());
  }
  std::fflush(out);
  return kUploadOk;
}

}  // namespace assure::server
