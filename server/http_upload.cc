#include "server/http_upload.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/programme_files/import_report.h"
#include "domain/hex.h"
#include "domain/json_text.h"
#include "server/read_file.h"

namespace assure::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;

Result<HttpEndpoint> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), url.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--server must be an http:// URL, e.g. http://127.0.0.1:8080 (got '" +
                         std::string(url) + "')",
                     "server");
  }
  url.remove_prefix(kScheme.size());
  HttpEndpoint e;
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    e.base = std::string(url.substr(slash));
    while (!e.base.empty() && e.base.back() == '/') e.base.pop_back();
  }
  if (authority.find('@') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "--server: no user in the URL; use --token", "server");
  }
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "--server: unterminated IPv6 address", "server");
    }
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return MakeError(ErrorCode::kInvalidArgument, "--server: bad port", "server");
      e.port = std::string(rest.substr(1));
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    e.port = std::string(authority.substr(colon + 1));
  }
  e.host = std::string(host);
  if (e.host.empty()) return MakeError(ErrorCode::kInvalidArgument, "--server: no host", "server");
  if (e.port.empty() || e.port.size() > 5 ||
      e.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(e.port) == 0 ||
      std::stoi(e.port) > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "--server: bad port '" + e.port + "'", "server");
  }
  return e;
}

std::string UrlEncode(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[3] = {'%'};
      domain::WriteHexUpper(escaped + 1, c);
      out.append(escaped, sizeof escaped);
    }
  }
  return out;
}

Result<HttpReplyData> HttpRequest(const HttpEndpoint& endpoint, const std::string& method,
                                  const std::string& target, const std::string& bearer_token,
                                  std::string body, const std::string& content_type,
                                  std::chrono::milliseconds timeout) {
  const std::string where = "http://" + endpoint.host + ":" + endpoint.port;
  auto fail = [&](const char* what, const beast::error_code& ec) -> Error {
    return MakeError(ErrorCode::kUnavailable,
                     std::string("cannot ") + what + " " + where + ": " + ec.message(), "server");
  };
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  const auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
  if (ec) return fail("resolve", ec);

  // Beast's timeouts apply to asynchronous operations: each step is started
  // asynchronously and the io_context run to completion, so the call blocks
  // like a synchronous one but never longer than `timeout`.
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);
  stream.async_connect(results, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  ioc.run();
  if (ec) return fail("connect to", ec);

  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), endpoint.base + target, 11};
  const bool default_port = endpoint.port == "80";
  const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]"
                                                                        : endpoint.host;
  req.set(bhttp::field::host, default_port ? host : host + ":" + endpoint.port);
  req.set(bhttp::field::user_agent, "assure-import");
  req.set(bhttp::field::accept, "application/json, application/problem+json");
  req.set(bhttp::field::connection, "close");
  if (!bearer_token.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer_token);
  if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();

  ioc.restart();
  bhttp::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  ioc.run();
  // A server that refuses early (401, 413) may close before reading the
  // whole body: still try to read its answer.
  const beast::error_code write_ec = ec;

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  ioc.restart();
  bhttp::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  ioc.run();
  if (ec) return fail(write_ec ? "send to" : "read the answer of", write_ec ? write_ec : ec);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);

  auto& res = parser.get();
  HttpReplyData out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[bhttp::field::content_type]);
  out.body = std::move(res.body());
  return out;
}

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
  return r;
}

}  // namespace

int UploadImports(const UploadOptions& opts, const std::vector<std::string>& paths, std::FILE* out,
                  std::FILE* err) {
  auto endpoint = ParseHttpUrl(opts.server);
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
