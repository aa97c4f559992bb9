#include "api/evidence/pack_html_sections.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <vector>

#include "api/evidence/pack_html.h"

namespace assure::api::html {

namespace {

using nlohmann::json;

const json& At(const json& obj, const char* key) {
  static const json kNull;
  return obj.is_object() && obj.contains(key) ? obj[key] : kNull;
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string DeliverableLabel(const json& state) {
  const std::string ref = Field(state, "reference");
  const std::string title = Field(state, "title");
  return ref.empty() ? title : ref + " " + title;
}

// What a decision refers to, in words: "deliverable Gov-01 Network governance
// framework", "document WMIN Strategy (version v2)".
std::string LinkText(const json& link, const json& entities) {
  const std::string kind = Field(link, "kind");
  const json& id = At(link, "id");
  const json& table = At(entities, kind == "deliverable" ? "deliverables" : "documents");
  std::string what;
  if (id.is_string() && table.is_object() && table.contains(id.get<std::string>())) {
    const json& e = table[id.get<std::string>()];
    what = kind == "deliverable" ? DeliverableLabel(At(e, "state")) : Field(e, "title");
  }
  if (what.empty()) what = S(id);
  if (kind == "risk") {
    const json& risks = At(entities, "risks");
    if (id.is_string() && risks.is_object() && risks.contains(id.get<std::string>())) {
      const json& r = At(risks[id.get<std::string>()], "state");
      return "risk " + (Field(r, "reference").empty() ? "" : Field(r, "reference") + " ") + Field(r, "title");
    }
  }
  if (kind == "risk" || kind == "issue" || kind == "escalation") return kind + " " + S(id);
  std::string out = (kind == "deliverable" ? "deliverable " : "document ") + what;
  if (!Field(link, "version_id").empty()) out += " (version " + Field(link, "version_id") + ")";
  return out;
}

// "d3" as "Decision 3", anything else as "Decision <id>".
std::string DecisionName(const json& id) {
  std::string s = S(id);
  if (s.size() > 1 && s[0] == 'd' && std::all_of(s.begin() + 1, s.end(), ::isdigit)) s.erase(0, 1);
  return "Decision " + s;
}

}  // namespace

std::string S(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return HtmlEscape(v.get<std::string>());
  return HtmlEscape(v.dump());
}

std::string Words(const json& v) {
  std::string s = S(v);
  std::replace(s.begin(), s.end(), '-', ' ');
  return s;
}

std::string Field(const json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) ? S(obj[key]) : std::string();
}

void Row(std::string& out, std::initializer_list<std::string> cells, const char* tag) {
  out += "<tr>";
  for (const auto& c : cells) out += std::string("<") + tag + ">" + c + "</" + tag + ">";
  out += "</tr>\n";
}

std::string RagbCell(const json& r) {
  if (!r.is_string()) return "<td>none</td>";
  return "<td class=\"r-" + S(r) + "\">" + S(r) + "</td>";
}

std::string QuorumSentence(const json& m) {
  const json& q = At(m, "quorum");
  if (!q.is_object()) {
    return "Quorum not recorded (the meeting is " + Field(m, "status") + "; it is recorded when the meeting closes).";
  }
  const bool met = q.value("quorate", false);
  const auto n = [&](const char* k) { return std::to_string(q.value(k, 0)); };
  return std::string(met ? "Quorum met" : "Quorum not met") + ": " + n("present_members") + " of " +
         n("counted_members") + " members present (at least " + n("required") + " needed); the chair or a " +
         "vice-chair was " + (q.value("chair_present", false) ? "present." : "not present.");
}

const char* const kSummaryHeader =
    "<tr><th>Statement</th><th>Self-assessment</th><th>Deliverables</th><th>Controlled documents</th>"
    "<th>Decisions and meetings</th><th>Risks</th><th>Verdict</th></tr>\n";

std::string SummaryRow(const json& st, const StatementSummary& s, const ReportNamer& names,
                       std::size_t list_limit) {
  std::string out = "<tr class=\"summary\"><td><a href=\"#" + Field(st, "code") + "\">" + Field(st, "code") +
                    "</a> " + Field(At(st, "catalogue"), "title") + "</td><td>";
  const json& sa = At(st, "self_assessment");
  out += sa.is_object() ? "<strong>" + Words(At(sa, "outcome")) + "</strong>, " + Field(sa, "assessed_on") +
                              ", by " + names.Person(At(sa, "assessor_person_id"))
                        : std::string("none recorded");
  out += "</td><td>";
  if (s.achieved + s.under_way + s.not_evidence == 0) out += "none";
  std::vector<std::string> parts;
  if (s.achieved) parts.push_back(std::to_string(s.achieved) + " achieved");
  if (s.under_way) parts.push_back(std::to_string(s.under_way) + " under way");
  if (s.not_evidence) parts.push_back(std::to_string(s.not_evidence) + " not evidence");
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  const json& ds = At(st, "deliverables");
  if (list_limit > 0 && ds.is_array() && !ds.empty()) {
    out += "<ul>";
    std::size_t listed = 0;
    for (const auto& d : ds) {
      if (listed++ == list_limit) break;
      const json& state = At(d, "state");
      const json& ragb = At(state, "ragb");
      out += "<li>" + DeliverableLabel(state) + ": " + (ragb.is_string() ? "<span class=\"r-" + S(ragb) + "\">" +
                                                                               S(ragb) + "</span>"
                                                                         : std::string("no rating")) +
             ", " + Words(At(state, "status")) + " (" + std::string(EvidenceName(ClassifyDeliverable(state))) +
             ")</li>";
    }
    out += "</ul>";
    if (ds.size() > list_limit) {
      out += "and " + std::to_string(ds.size() - list_limit) + " more, listed below";
    }
  }
  out += "</td><td>";
  out += s.documents_in_force + s.documents_not_in_force == 0
             ? std::string("none")
             : std::to_string(s.documents_in_force) + " approved and in force" +
                   (s.documents_not_in_force ? ", " + std::to_string(s.documents_not_in_force) + " not in force"
                                             : std::string());
  out += "</td><td>";
  out += s.decisions == 0 ? std::string("none")
                          : Plural(s.decisions, "decision", "decisions") + " at " +
                                Plural(s.meetings, "meeting", "meetings") + " (" +
                                std::to_string(s.quorate_meetings) +
                                (s.meetings_shown < s.meetings
                                     ? " of the latest " + std::to_string(s.meetings_shown) + " quorate)"
                                     : std::string(" quorate)"));
  out += "</td><td>";
  out += s.risks == 0 ? std::string("none")
                      : Plural(s.risks, "risk", "risks") + ", " + std::to_string(s.risks_in_use) +
                            " reviewed or escalated";
  const std::string verdict(VerdictName(s.verdict));
  std::string css = verdict;
  std::replace(css.begin(), css.end(), ' ', '-');
  out += "</td><td class=\"v-" + css + "\">" + verdict + "</td></tr>\n";
  return out;
}

// The report shows each deliverable's latest RAGB changes (ReportModel cut
// them to kHtmlRagbRows); the whole history is in pack.json
// ("ragb_histories") and events.jsonl.
void Deliverables(std::string& out, const json& st, const json& histories, const json& totals,
                  const ReportNamer& names) {
  out += "<h3>Deliverables</h3>\n";
  if (st["deliverables"].empty()) {
    out += "<p>None mapped to this statement on the date.</p>\n";
    return;
  }
  for (const auto& d : st["deliverables"]) {
    const json& s = At(d, "state");
    out += "<h4>" + DeliverableLabel(s) + "</h4>\n<table class=\"meta\">";
    Row(out, {"Counts as", std::string(EvidenceName(ClassifyDeliverable(s)))});
    Row(out, {"Status", Words(At(s, "status"))});
    out += "<tr><td>RAGB</td>" + RagbCell(At(s, "ragb")) + "</tr>\n";
    // A linked owner (owner_person_id) by the name the pack gives beside the
    // state (owner_name: as at the pack's position, "erased person" after erasure).
    Row(out, {"Owner", Field(s, "owner_person_id").empty() ? Field(s, "owner") : Field(d, "owner_name")});
    Row(out, {"Programme", names.Programme(At(d, "programme_id"))});
    Row(out, {"Group", names.Group(At(d, "group_id"))});
    Row(out, {"Planned end", Field(At(s, "planned_end"), "text")});
    Row(out, {"Description", Field(s, "description")});
    static const json kNone = json::array();
    const std::string id = S(At(d, "id"));
    const json& history = histories.contains(id) ? histories[id] : kNone;
    const std::size_t skip = history.size() > kHtmlRagbRows ? history.size() - kHtmlRagbRows : 0;
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
             "<td>" + S(h["reason"]) + "</td><td>" + names.Actor(h["actor"]) + "</td><td>" + S(h["position"]) +
             "</td></tr>\n";
    }
    out += "</table>\n";
  }
}

void Documents(std::string& out, const json& st, const ReportNamer& names) {
  out += "<h3>Controlled documents</h3>\n";
  if (st["documents"].empty()) {
    out += "<p>None mapped to this statement on the date.</p>\n";
    return;
  }
  for (const auto& d : st["documents"]) {
    out += "<h4>" + Field(d, "title") + "</h4>\n<table class=\"meta\">";
    const json& f = At(d, "in_force");
    Row(out, {"In force on the date", f.is_null() ? "no version in force"
                                                  : "version " + Field(f, "version_label") +
                                                        ", adopted " + Field(f, "date_adopted")});
    Row(out, {"Approved by", f.is_null() ? "" : names.Group(At(f, "approving_group_id"))});
    Row(out, {"Review date", Field(f, "review_date")});
    Row(out, {"Content", f.is_null() ? "" : "<code>documents/" + Field(f, "content_sha256") + "</code>"});
    Row(out, {"Owner", Field(d, "owner")});
    if (At(d, "withdrawn").is_boolean() && d["withdrawn"].get<bool>()) Row(out, {"Withdrawn", Field(d, "withdrawn_reason")});
    out += "</table>\n<table>";
    Row(out, {"Version", "Status", "Adopted", "Approved by", "Decision", "Review", "SHA-256"}, "th");
    for (const auto& v : At(d, "versions")) {
      Row(out, {S(v["version_label"]), Words(v["status"]), S(v["date_adopted"]),
                names.Group(v["approving_group_id"]), S(v["meeting_decision_id"]), S(v["review_date"]),
                "<code>" + S(v["content_sha256"]) + "</code>"});
    }
    out += "</table>\n";
  }
}

void Groups(std::string& out, const json& st, const ReportNamer& names) {
  out += "<h3>Groups involved</h3>\n";
  if (st["groups"].empty()) out += "<p>None.</p>\n";
  for (const auto& g : st["groups"]) {
    const bool found = At(g, "found").is_boolean() && g["found"].get<bool>();
    out += "<h4>" + names.Group(At(g, "id")) + (found ? "" : " (not found)") + "</h4>\n";
    if (!found) continue;
    const json& tor = At(g, "terms_of_reference");
    out += "<p>" + Words(At(g, "kind")) + ", " + Words(At(g, "lifecycle")) + ". Terms of reference: " +
           (tor.is_null() ? std::string("none recorded")
                          : Field(tor, "title") +
                                (At(tor, "in_force").is_null()
                                     ? ", no version in force"
                                     : ", version " + Field(tor["in_force"], "version_label") +
                                           " adopted " + Field(tor["in_force"], "date_adopted"))) +
           ".</p>\n<table>";
    Row(out, {"Member on the date", "Role", "Organisation", "From", "To"}, "th");
    for (const auto& m : At(g, "members_on_date")) {
      Row(out, {names.HasNames() || m["name"].is_null() ? names.Person(m["person_id"]) : S(m["name"]),
                Words(m["role"]), names.Organisation(m["organisation_id"]), S(m["start_date"]),
                S(m["end_date"])});
    }
    out += "</table>\n";
  }
}

void Meetings(std::string& out, const json& st, std::size_t omitted, const json& entities,
              const ReportNamer& names) {
  out += "<h3>Meeting decisions and actions</h3>\n";
  if (st["meetings"].empty()) out += "<p>No meeting decision references this evidence.</p>\n";
  if (omitted > 0) {
    out += "<p class=\"note\">The latest " + std::to_string(st["meetings"].size()) + " of " +
           std::to_string(st["meetings"].size() + omitted) +
           " meetings with a decision referencing this evidence; every one is in pack.json.</p>\n";
  }
  for (const auto& m : st["meetings"]) {
    out += "<h4>" + Field(m, "title") + " (" + names.Group(At(m, "group_id")) + "), " + Field(m, "scheduled_for") +
           "</h4>\n<p>The meeting is " + Words(At(m, "status")) + ". " + QuorumSentence(m) + "</p>\n";
    for (const auto& d : At(m, "decisions")) {
      std::string text = Field(d, "text");
      if (!text.empty() && std::string_view(".!?").find(text.back()) == std::string_view::npos) text += ".";
      out += "<p><strong>" + DecisionName(At(d, "decision_id")) + ":</strong> " + text;
      const json& links = At(d, "links");
      if (links.is_array() && !links.empty()) {
        out += " It refers to ";
        for (std::size_t i = 0; i < links.size(); ++i) {
          out += (i == 0 ? "" : i + 1 == links.size() ? " and " : ", ") + LinkText(links[i], entities);
        }
        out += ".";
      }
      out += "</p>\n";
    }
    const json& actions = At(m, "actions");
    if (actions.is_array() && !actions.empty()) {
      out += "<table>";
      Row(out, {"Action", "Text", "Owner", "Due", "Status"}, "th");
      for (const auto& a : actions) {
        Row(out, {S(a["action_id"]), S(a["text"]), names.Person(a["owner_person_id"]), S(a["due_date"]),
                  Words(a["status"])});
      }
      out += "</table>\n";
    }
    // Attendance as sentences: "Present: A, B. Apologies: C."
    std::map<std::string, std::vector<std::string>> by;
    for (const auto& a : At(m, "attendance")) by[S(a["attendance"])].push_back(names.Person(a["person_id"]));
    if (by.empty()) {
      out += "<p>No attendance recorded.</p>\n";
      continue;
    }
    out += "<p>";
    for (const char* kind : {"present", "apologies", "absent"}) {
      auto it = by.find(kind);
      if (it == by.end()) continue;
      std::string k = kind;
      k[0] = static_cast<char>(::toupper(k[0]));
      out += k + ": ";
      for (std::size_t i = 0; i < it->second.size(); ++i) out += (i ? ", " : "") + it->second[i];
      out += ". ";
      by.erase(it);
    }
    for (const auto& [kind, people] : by) {  // any other value
      out += kind + ": ";
      for (std::size_t i = 0; i < people.size(); ++i) out += (i ? ", " : "") + people[i];
      out += ". ";
    }
    out += "</p>\n";
  }
}

// A score as boards say it: "4 x 5 = 20 (extreme)"; "not scored".
std::string ScoreText(const json& score) {
  if (!score.is_object() || score.value("score", 0) == 0) return "not scored";
  return S(score["likelihood"]) + " x " + S(score["impact"]) + " = " + S(score["score"]) + " (" + S(score["grade"]) + ")";
}

void Risks(std::string& out, const json& st, const ReportNamer& names) {
  out += "<h3>Risk management</h3>\n";
  const json& risks = At(st, "risks");
  if (!risks.is_array() || risks.empty()) {
    out += "<p>No risk on any group's register is mapped to this statement on the date.</p>\n";
    return;
  }
  for (const auto& r : risks) {
    const json& s = At(r, "state");
    out += "<h4>" + (Field(s, "reference").empty() ? "" : Field(s, "reference") + " ") + Field(s, "title") + "</h4>\n";
    out += "<table class=\"meta\">";
    Row(out, {"Register", names.Group(At(s, "group_id"))});
    Row(out, {"Owner", Field(s, "owner_person_id").empty() ? "none named" : names.Person(At(s, "owner_person_id"))});
    Row(out, {"Cause, event, effect", Field(s, "cause") + " → " + Field(s, "event") + " → " + Field(s, "effect")});
    Row(out, {"Score on the date", "current " + ScoreText(At(s, "current")) + "; inherent " +
                                       ScoreText(At(s, "inherent")) + "; target " + ScoreText(At(s, "target"))});
    Row(out, {"Status", Words(At(s, "status")) +
                            (Field(s, "status_reason").empty() ? "" : " (" + Field(s, "status_reason") + ")")});
    Row(out, {"Reviews", Field(s, "last_reviewed").empty() ? "never reviewed"
                                                           : "last reviewed " + Field(s, "last_reviewed") +
                                                                 ", next due " + Field(s, "review_date")});
    out += "</table>\n";
    const json& controls = At(s, "controls");
    if (controls.is_array() && !controls.empty()) {
      out += "<table>";
      Row(out, {"Control", "Owner", "Due", "Closed with evidence"}, "th");
      for (const auto& c : controls) {
        Row(out, {Field(c, "description"), Field(c, "owner_person_id").empty() ? "" : names.Person(At(c, "owner_person_id")),
                  Field(c, "due_date"), At(c, "closed").is_boolean() && c["closed"].get<bool>() ? Field(c, "evidence") : "open"});
      }
      out += "</table>\n";
    }
    const json& escalations = At(r, "escalations");
    if (escalations.is_array() && !escalations.empty()) {
      out += "<ul>";
      for (const auto& e : escalations) {
        std::string decided = Field(e, "accepted_decision");
        if (decided.empty()) decided = Field(e, "closed_decision");
        out += "<li>Escalated from " + names.Group(At(e, "from_group_id")) + " to " + names.Group(At(e, "to_group_id")) +
               " on " + Field(e, "raised_at") + " (" + Field(e, "reason") + "): " + Words(At(e, "outcome")) +
               (decided.empty() ? "" : " by " + DecisionName(json(decided.substr(decided.rfind('/') + 1))) +
                                           " of meeting " + decided.substr(0, decided.rfind('/'))) +
               (Field(e, "returned_reason").empty() ? "" : ", returned: " + Field(e, "returned_reason")) + "</li>";
      }
      out += "</ul>\n";
    }
  }
}

}  // namespace assure::api::html
