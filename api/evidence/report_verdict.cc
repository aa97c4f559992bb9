#include "api/evidence/report_verdict.h"

#include <algorithm>

namespace assure::api {

namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return "";
  return obj[key].get<std::string>();
}

}  // namespace

const char* const kHowToReadHtml = R"(<h2 id="how-to-read" class="keep">How to read this report</h2>
<p>Each statement starts with a summary row: the network's own self-assessment (shown, never
counted), the evidence by kind, and a verdict. The detail follows. What each kind of evidence
counts as:</p>
<ul>
<li><strong>Deliverable</strong>: <em>achieved</em> when rated Green or completed;
<em>under way</em> when rated Red, Amber or Blue and neither completed nor cancelled;
<em>not evidence</em> when it has no rating and is not completed (only planned): planning a
deliverable is not evidence that a statement is met. A cancelled deliverable is left out.
(This network's legend: Blue is on track, Green is achieved.)</li>
<li><strong>Controlled document</strong>: counts when a version is approved and in force on
the date (adopted on or before it); a mapped document with no such version is <em>not in
force</em>. A withdrawn document is left out.</li>
<li><strong>Meeting decision</strong>: counts when it refers to one of the statement's
deliverables, documents, risks or their escalations, or decided one of those escalations.
Quorum and attendance are shown with each meeting.</li>
<li><strong>Risk</strong> (on a group's risk register, mapped to the statement): counts as risk
management in routine use once it has been <em>reviewed</em> or <em>escalated</em>; a risk that
was only raised is shown but not counted. Its scores (likelihood x impact on the 5x5 matrix),
controls, reviews and escalations are shown with it.</li>
</ul>
<p>The verdict: <strong>gap</strong> when nothing counts (no deliverable achieved or under way,
no document in force, no decision, no risk reviewed or escalated); <strong>met</strong> when something is achieved or in force
and every deliverable is achieved and every document in force; <strong>partly met</strong>
otherwise.</p>
<p>People, groups, organisations and programmes are named as the network named them on the
date; a person whose personal data was erased shows as “erased person”. Their ids are in
pack.json.</p>
)";

DeliverableEvidence ClassifyDeliverable(const json& state) {
  const std::string status = Str(state, "status");
  const std::string ragb = Str(state, "ragb");
  if (status == "cancelled") return DeliverableEvidence::kLeftOut;
  if (status == "completed" || ragb == "green") return DeliverableEvidence::kAchieved;
  if (ragb == "red" || ragb == "amber" || ragb == "blue") return DeliverableEvidence::kUnderWay;
  return DeliverableEvidence::kNotEvidence;
}

bool DocumentInForce(const json& document, const std::string& date) {
  if (!document.is_object() || !document.contains("in_force") || !document["in_force"].is_object()) {
    return false;
  }
  const std::string adopted = Str(document["in_force"], "date_adopted");
  return adopted.empty() || adopted <= date;
}

StatementSummary Summarise(const json& st, const std::string& date) {
  StatementSummary s;
  for (const auto& d : st.value("deliverables", json::array())) {
    switch (ClassifyDeliverable(d.value("state", json()))) {
      case DeliverableEvidence::kAchieved: ++s.achieved; break;
      case DeliverableEvidence::kUnderWay: ++s.under_way; break;
      case DeliverableEvidence::kNotEvidence: ++s.not_evidence; break;
      case DeliverableEvidence::kLeftOut: break;
    }
  }
  for (const auto& d : st.value("documents", json::array())) {
    if (d.is_object() && d.value("withdrawn", false)) continue;
    ++(DocumentInForce(d, date) ? s.documents_in_force : s.documents_not_in_force);
  }
  for (const auto& m : st.value("meetings", json::array())) {
    if (!m.is_object()) continue;
    ++s.meetings;
    ++s.meetings_shown;
    if (m.contains("decisions") && m["decisions"].is_array()) s.decisions += m["decisions"].size();
    if (m.contains("quorum") && m["quorum"].is_object() && m["quorum"].value("quorate", false)) {
      ++s.quorate_meetings;
    }
  }
  // The report shows the latest meetings only: the totals are the statement's.
  if (const json& counts = st.value("evidence_counts", json()); counts.is_object()) {
    s.decisions = std::max<std::size_t>(s.decisions, counts.value("decisions", std::size_t{0}));
    s.meetings = std::max<std::size_t>(s.meetings, counts.value("meetings", std::size_t{0}));
  }
  for (const auto& r : st.value("risks", json::array())) {
    if (!r.is_object()) continue;
    ++s.risks;
    const json& state = r.value("state", json());
    const bool reviewed = state.is_object() && !Str(state, "last_reviewed").empty();
    const bool escalated = r.contains("escalations") && r["escalations"].is_array() && !r["escalations"].empty();
    if (reviewed || escalated) ++s.risks_in_use;
  }
  const std::size_t done = s.achieved + s.documents_in_force;
  if (done + s.under_way + s.decisions + s.risks_in_use == 0) {
    s.verdict = Verdict::kGap;
  } else if (done > 0 && s.under_way == 0 && s.not_evidence == 0 && s.documents_not_in_force == 0) {
    s.verdict = Verdict::kMet;
  } else {
    s.verdict = Verdict::kPartlyMet;
  }
  return s;
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kGap: return "gap";
    case Verdict::kPartlyMet: return "partly met";
    case Verdict::kMet: return "met";
  }
  return "gap";
}

std::string_view EvidenceName(DeliverableEvidence e) {
  switch (e) {
    case DeliverableEvidence::kAchieved: return "achieved";
    case DeliverableEvidence::kUnderWay: return "under way";
    case DeliverableEvidence::kNotEvidence: return "not evidence";
    case DeliverableEvidence::kLeftOut: return "left out (cancelled)";
  }
  return "not evidence";
}

}  // namespace assure::api
