#include "api/evidence/pack_html.h"

#include "api/evidence/pack_content.h"
#include "api/evidence/pack_html_sections.h"
#include "api/evidence/report_names.h"
#include "api/evidence/report_verdict.h"

#include <vector>

namespace assure::api {

namespace {

using nlohmann::json;

constexpr const char* kStyle = R"(
@page{size:A4;margin:15mm 14mm}
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #005eb8;margin-top:2em}
h3{margin-top:1.4em}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .45em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef3f9;overflow-wrap:normal}.meta td:first-child{font-weight:600;width:14em}
code{font-size:.85em;word-break:break-all}.gap{color:#a00;font-weight:600}.note{color:#555}
td ul{margin:.2em 0;padding-left:1.2em}
.r-red{background:#f8d7da}.r-amber{background:#fff3cd}.r-green{background:#d4edda}.r-blue{background:#d6e6ff}
.v-met{background:#d4edda;font-weight:600}.v-partly-met{background:#fff3cd;font-weight:600}
.v-gap{background:#f8d7da;font-weight:600}.v-met,.v-partly-met,.v-gap{white-space:nowrap}
@media print{body{margin:0;max-width:none;font-size:9.5pt;padding:0}h2{page-break-before:always}
h2.first,h2.keep{page-break-before:avoid}a{color:inherit;text-decoration:none}table{page-break-inside:auto}
tr{page-break-inside:avoid}h3,h4{page-break-after:avoid}
.r-red,.r-amber,.r-green,.r-blue,.v-met,.v-partly-met,.v-gap,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)";

// The summary row lists at most this many deliverables (the detail lists
// them all).
constexpr std::size_t kSummaryDeliverables = 20;

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {
constexpr std::string_view kIdentitySuffix = "</code> (SHA-256 of pack.json)";
}  // namespace

bool FillPackHtmlIdentity(std::string& html, const std::string& identity) {
  const std::string pending = "<code>" + std::string(kPendingIdentity) + std::string(kIdentitySuffix);
  const auto at = html.find(pending);
  if (at == std::string::npos) return false;
  html.replace(at, pending.size(), "<code>" + HtmlEscape(identity) + std::string(kIdentitySuffix));
  return true;
}

std::string RenderPackHtml(const json& pack, const std::string& identity) {
  using html::Row;
  using html::S;
  const json& as_of = pack["as_of"];
  const json& cp = pack["checkpoint"];
  const std::string date = as_of.value("date", "");
  const ReportNamer names(pack);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\n<title>"
                    "Evidence pack as at " + S(as_of["date"]) + "</title>\n<style>" + kStyle +
                    "</style></head><body>\n<h1>QSIN evidence pack as at " + S(as_of["date"]) +
                    "</h1>\n<table class=\"meta\">";
  Row(out, {"As at", S(as_of["timestamp"]) + " (log position " + S(as_of["position"]) + ")"});
  std::string codes;
  for (const auto& c : pack["scope"]["codes"]) codes += (codes.empty() ? "" : ", ") + S(c);
  Row(out, {"Statements", codes});
  Row(out, {"Pack identity", "<code>" + HtmlEscape(identity) + std::string(kIdentitySuffix)});
  Row(out, {"Signed checkpoint", "tree size " + S(cp["tree_size"]) + ", root <code>" +
                                     S(cp["root_hash"]) + "</code>, signed " + S(cp["timestamp"])});
  Row(out, {"Public key", "<code>" + S(cp["public_key"]) + "</code> (Ed25519; check it against the "
                                                           "one the network published)"});
  Row(out, {"Events relied on", S(pack["event_count"]) + " (events.jsonl, each proven in proofs.json)"});
  out += "</table>\n<p>To check this pack without trusting the server: <code>assure verify-pack "
         "PACK.zip --public-key KEY</code>, or follow storage/FORMAT.md section 6. This report is bound "
         "to the pack by its SHA-256 in the signed statement (signature.json).</p>\n";

  // Each statement's summary row and detail, rendered in one pass; the
  // overview (every summary row) goes before them.
  std::string overview, detail;
  std::vector<std::string> gaps;
  static const json kNone = json::object();
  const json& entities = pack.contains("entities") ? pack["entities"] : kNone;
  const json& histories = pack.contains("ragb_histories") ? pack["ragb_histories"] : kNone;
  const json& totals = pack.contains("ragb_history_totals") ? pack["ragb_history_totals"] : kNone;
  for (const auto& section : pack["statements"]) {
    // ReportModel cut the meetings to the latest kHtmlMeetings by date; a
    // pack.json read back is cut here (in its order) and counted the same way.
    json trimmed = section;
    std::size_t omitted = section.value("meetings_omitted", std::size_t{0});
    if (trimmed["meetings"].is_array() && trimmed["meetings"].size() > kHtmlMeetings) {
      omitted += trimmed["meetings"].size() - kHtmlMeetings;
      trimmed["meetings"].erase(trimmed["meetings"].begin() + kHtmlMeetings, trimmed["meetings"].end());
    }
    const json st = HydrateStatement(pack, trimmed);
    const StatementSummary summary = Summarise(st, date);
    if (summary.verdict == Verdict::kGap) gaps.push_back(S(st["code"]));
    overview += html::SummaryRow(st, summary, names, 0);
    const json& cat = st["catalogue"];
    detail += "<h2 id=\"" + S(st["code"]) + "\">" + S(st["code"]) +
              (cat.is_null() ? std::string(" (not in the catalogue)") : " " + html::Field(cat, "title")) +
              "</h2>\n";
    if (!cat.is_null()) detail += "<p>" + html::Field(cat, "text") + "</p>\n";
    detail += "<table class=\"summary\">";
    detail += html::kSummaryHeader;
    detail += html::SummaryRow(st, summary, names, kSummaryDeliverables);
    detail += "</table>\n";
    const json& sa = st["self_assessment"];
    detail += "<h3>Self-assessment</h3>\n";
    if (sa.is_null()) {
      detail += "<p>None recorded by the date.</p>\n";
    } else {
      detail += "<p><strong>" + html::Words(sa.value("outcome", json())) + "</strong> on " + html::Field(sa, "assessed_on") +
                " by " + names.Person(sa.value("assessor_person_id", json())) + ": " +
                html::Field(sa, "comment") + "</p>\n";
    }
    html::Deliverables(detail, st, histories, totals, names);
    html::Documents(detail, st, names);
    html::Groups(detail, st, names);
    html::Risks(detail, st, names);
    html::Meetings(detail, st, omitted, entities, names);
  }
  out += "<h2 class=\"first\">Summary</h2>\n<table class=\"summary\">";
  out += html::kSummaryHeader;
  out += overview;
  out += "</table>\n";
  if (gaps.empty()) {
    out += "<p>No statement in this pack is a gap.</p>\n";
  } else {
    out += "<p class=\"gap\">Gaps (no evidence that counts on the date): ";
    for (std::size_t i = 0; i < gaps.size(); ++i) out += (i ? ", " : "") + gaps[i];
    out += ".</p>\n";
  }
  if (pack["gaps"].is_array() && !pack["gaps"].empty()) {
    out += "<p>Nothing at all (no deliverable, controlled document or meeting decision) is mapped on "
           "the date to: ";
    for (std::size_t i = 0; i < pack["gaps"].size(); ++i) out += (i ? ", " : "") + S(pack["gaps"][i]);
    out += " (pack.json \"gaps\").</p>\n";
  }
  out += kHowToReadHtml;
  out += detail;
  out += "</body></html>\n";
  return out;
}

}  // namespace assure::api
