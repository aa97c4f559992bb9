#include "api/evidence/pack_html.h"

#include "api/evidence/pack_content.h"

#include <algorithm>

namespace assure::api {

namespace {

using nlohmann::json;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #005eb8;margin-top:2em}
h3{margin-top:1.4em}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#eef3f9}.meta td:first-child{font-weight:600;width:14em}
code{font-size:.85em;word-break:break-all}.gap{color:#a00;font-weight:600}
.r-red{background:#f8d7da}.r-amber{background:#fff3cd}.r-green{background:#d4edda}.r-blue{background:#d6e6ff}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{page-break-before:always}
h2.first{page-break-before:avoid}a{color:inherit;text-decoration:none}table{page-break-inside:auto}
tr{page-break-inside:avoid}}
)";

std::string S(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return HtmlEscape(v.get<std::string>());
  return HtmlEscape(v.dump());
}

std::string Field(const json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) ? S(obj[key]) : std::string();
}

void Row(std::string& out, std::initializer_list<std::string> cells, const char* tag = "td") {
  out += "<tr>";
  for (const auto& c : cells) out += std::string("<") + tag + ">" + c + "</" + tag + ">";
  out += "</tr>\n";
}

std::string RagbCell(const json& r) {
  if (!r.is_string()) return "<td>none</td>";
  return "<td class=\"r-" + S(r) + "\">" + S(r) + "</td>";
}

// The report shows each deliverable's latest RAGB changes (ReportModel cut
// them to kHtmlRagbRows); the whole history is in pack.json
// ("ragb_histories") and events.jsonl.
void Deliverables(std::string& out, const json& st, const json& histories, const json& totals) {
  out += "<h3>Deliverables</h3>\n";
  if (st["deliverables"].empty()) {
    out += "<p>None mapped to this statement on the date.</p>\n";
    return;
  }
  for (const auto& d : st["deliverables"]) {
    const json& s = d["state"];
    out += "<h4>" + Field(s, "reference") + " " + Field(s, "title") + "</h4>\n<table class=\"meta\">";
    Row(out, {"Status", Field(s, "status")});
    out += "<tr><td>RAGB</td>" + RagbCell(s["ragb"]) + "</tr>\n";
    // A linked owner by the name the pack gives beside the state, and id.
    const std::string linked = Field(s, "owner_person_id");
    Row(out, {"Owner", linked.empty() ? Field(s, "owner") : Field(d, "owner_name") + " (person " + linked + ")"});
    Row(out, {"Programme / group", S(d["programme_id"]) + " / " + S(d["group_id"])});
    Row(out, {"Planned end", s.contains("planned_end") ? Field(s["planned_end"], "text") : ""});
    Row(out, {"Description", Field(s, "description")});
    static const json kNone = json::array();
    const json& history = histories.contains(S(d["id"])) ? histories[S(d["id"])] : kNone;
    const std::size_t skip = history.size() > kHtmlRagbRows ? history.size() - kHtmlRagbRows : 0;
    const std::string id = S(d["id"]);
    const std::size_t total = totals.is_object() && totals.contains(id) && totals[id].is_number_unsigned()
                                  ? std::max<std::size_t>(totals[id].get<std::size_t>(), history.size())
                                  : history.size();
    out += "</table>\n";
    if (total > history.size() - skip) {
      out += "<p class=\"note\">RAGB history: the latest " + std::to_string(history.size() - skip) + " of " +
             std::to_string(total) + " changes; every change, with its reason, is in pack.json "
             "(ragb_histories) and events.jsonl.</p>\n";
    }
    out += "<table><tr><th>When</th><th>From</th><th>To</th><th>Reason</th><th>By</th>"
           "<th>Position</th></tr>\n";
    for (std::size_t i = skip; i < history.size(); ++i) {
      const json& h = history[i];
      out += "<tr><td>" + S(h["recorded_at"]) + "</td>" + RagbCell(h["from"]) + RagbCell(h["to"]) +
             "<td>" + S(h["reason"]) + "</td><td>" + S(h["actor"]) + "</td><td>" + S(h["position"]) +
             "</td></tr>\n";
    }
    out += "</table>\n";
  }
}

void Documents(std::string& out, const json& st) {
  out += "<h3>Controlled documents</h3>\n";
  if (st["documents"].empty()) {
    out += "<p>None mapped to this statement on the date.</p>\n";
    return;
  }
  for (const auto& d : st["documents"]) {
    out += "<h4>" + S(d["title"]) + "</h4>\n<table class=\"meta\">";
    const json& f = d["in_force"];
    Row(out, {"In force on the date", f.is_null() ? "no version in force"
                                                  : "version " + Field(f, "version_label") +
                                                        ", adopted " + Field(f, "date_adopted")});
    Row(out, {"Review date", Field(f, "review_date")});
    Row(out, {"Content", f.is_null() ? "" : "<code>documents/" + Field(f, "content_sha256") + "</code>"});
    Row(out, {"Owner", S(d["owner"])});
    if (d["withdrawn"].get<bool>()) Row(out, {"Withdrawn", S(d["withdrawn_reason"])});
    out += "</table>\n<table>";
    Row(out, {"Version", "Status", "Adopted", "Approved by", "Decision", "Review", "SHA-256"}, "th");
    for (const auto& v : d["versions"]) {
      Row(out, {S(v["version_label"]), S(v["status"]), S(v["date_adopted"]),
                S(v["approving_group_id"]), S(v["meeting_decision_id"]), S(v["review_date"]),
                "<code>" + S(v["content_sha256"]) + "</code>"});
    }
    out += "</table>\n";
  }
}

void Groups(std::string& out, const json& st) {
  out += "<h3>Groups involved</h3>\n";
  if (st["groups"].empty()) out += "<p>None.</p>\n";
  for (const auto& g : st["groups"]) {
    out += "<h4>" + (g["found"].get<bool>() ? S(g["name"]) : S(g["id"]) + " (not found)") + "</h4>\n";
    if (!g["found"].get<bool>()) continue;
    const json& tor = g["terms_of_reference"];
    out += "<p>Kind " + S(g["kind"]) + ", " + S(g["lifecycle"]) + ". Terms of reference: " +
           (tor.is_null() ? std::string("none recorded")
                          : Field(tor, "title") + " (" + Field(tor, "document_id") + ")" +
                                (tor["in_force"].is_null()
                                     ? ""
                                     : ", version " + Field(tor["in_force"], "version_label") +
                                           " adopted " + Field(tor["in_force"], "date_adopted"))) +
           ".</p>\n<table>";
    Row(out, {"Member on the date", "Role", "Organisation", "From", "To"}, "th");
    for (const auto& m : g["members_on_date"]) {
      Row(out, {m["name"].is_null() ? S(m["person_id"]) : S(m["name"]), S(m["role"]),
                S(m["organisation_id"]), S(m["start_date"]), S(m["end_date"])});
    }
    out += "</table>\n";
  }
}

void Meetings(std::string& out, const json& st, std::size_t omitted) {
  out += "<h3>Meeting decisions and actions</h3>\n";
  if (st["meetings"].empty()) out += "<p>No meeting decision references this evidence.</p>\n";
  if (omitted > 0) {
    out += "<p class=\"note\">The latest " + std::to_string(st["meetings"].size()) + " of " +
           std::to_string(st["meetings"].size() + omitted) +
           " meetings with a decision referencing this evidence; every one is in pack.json.</p>\n";
  }
  for (const auto& m : st["meetings"]) {
    const json& q = m["quorum"];
    out += "<h4>" + S(m["title"]) + " (" + S(m["group_id"]) + "), " + S(m["scheduled_for"]) +
           "</h4>\n<p>Status " + S(m["status"]) + "; quorum: " +
           (q.is_null() ? std::string("not recorded")
                        : (q.value("quorate", false) ? std::string("quorate") : std::string("not quorate")) +
                              " (" + S(q) + ")") +
           ".</p>\n<table>";
    Row(out, {"Decision", "Text", "Links"}, "th");
    for (const auto& d : m["decisions"]) Row(out, {S(d["decision_id"]), S(d["text"]), S(d["links"])});
    out += "</table>\n<table>";
    Row(out, {"Action", "Text", "Owner", "Due", "Status"}, "th");
    for (const auto& a : m["actions"]) {
      Row(out, {S(a["action_id"]), S(a["text"]), S(a["owner_person_id"]), S(a["due_date"]),
                S(a["status"])});
    }
    out += "</table>\n<table>";
    Row(out, {"Attendee", "Attendance"}, "th");
    for (const auto& a : m["attendance"]) Row(out, {S(a["person_id"]), S(a["attendance"])});
    out += "</table>\n";
  }
}

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
  const json& as_of = pack["as_of"];
  const json& cp = pack["checkpoint"];
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\n<title>"
                    "Evidence pack as at " + S(as_of["date"]) + "</title>\n<style>" + kStyle +
                    "</style></head><body>\n<h1>QSIN evidence pack as at " + S(as_of["date"]) +
                    "</h1>\n<table class=\"meta\">";
  Row(out, {"As at", S(as_of["timestamp"]) + " (log position " + S(as_of["position"]) + ")"});
  Row(out, {"Statements", S(pack["scope"]["codes"])});
  Row(out, {"Pack identity", "<code>" + HtmlEscape(identity) + std::string(kIdentitySuffix)});
  Row(out, {"Signed checkpoint", "tree size " + S(cp["tree_size"]) + ", root <code>" +
                                     S(cp["root_hash"]) + "</code>, signed " + S(cp["timestamp"])});
  Row(out, {"Public key", "<code>" + S(cp["public_key"]) + "</code> (Ed25519; check it against the "
                                                           "one the network published)"});
  Row(out, {"Events relied on", S(pack["event_count"]) + " (events.jsonl, each proven in proofs.json)"});
  out += "</table>\n<p>To check this pack without trusting the server: <code>assure verify-pack "
         "PACK.zip --public-key KEY</code>, or follow storage/FORMAT.md section 6.</p>\n";
  out += "<h2 class=\"first\">Gaps</h2>\n";
  if (pack["gaps"].empty()) {
    out += "<p>Every statement in this pack has evidence.</p>\n";
  } else {
    out += "<p class=\"gap\">No deliverable, controlled document or meeting decision on the date "
           "for:</p>\n<ul>";
    for (const auto& g : pack["gaps"]) out += "<li>" + S(g) + "</li>";
    out += "</ul>\n";
  }
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
    const json& cat = st["catalogue"];
    out += "<h2 id=\"" + S(st["code"]) + "\">" + S(st["code"]) +
           (cat.is_null() ? std::string(" (not in the catalogue)") : " " + Field(cat, "title")) + "</h2>\n";
    if (!cat.is_null()) out += "<p>" + Field(cat, "text") + "</p>\n";
    const json& sa = st["self_assessment"];
    out += "<h3>Self-assessment</h3>\n";
    if (sa.is_null()) {
      out += "<p>None recorded by the date.</p>\n";
    } else {
      out += "<p><strong>" + Field(sa, "outcome") + "</strong> on " + Field(sa, "assessed_on") +
             " by " + Field(sa, "assessor_person_id") + ": " + Field(sa, "comment") + "</p>\n";
    }
    if (!st["has_evidence"].get<bool>()) out += "<p class=\"gap\">No evidence on the date.</p>\n";
    static const json kNoHistories = json::object();
    Deliverables(out, st, pack.contains("ragb_histories") ? pack["ragb_histories"] : kNoHistories,
                 pack.contains("ragb_history_totals") ? pack["ragb_history_totals"] : kNoHistories);
    Documents(out, st);
    Groups(out, st);
    Meetings(out, st, omitted);
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace assure::api
