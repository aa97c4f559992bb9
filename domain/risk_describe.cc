// RiskAggregate::Describe (see domain/change.h): each change in words.
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/json_read.h"
#include "domain/risk.h"

namespace assure::domain {

static_assert(Aggregate<RiskAggregate>);

namespace {

// "4 x 3 = 12 (high)"
std::string ScoreWords(int likelihood, int impact) {
  if (likelihood == 0 && impact == 0) return "not scored";
  const int v = likelihood * impact;
  return std::to_string(likelihood) + " x " + std::to_string(impact) + " = " + std::to_string(v) + " (" +
         std::string(RiskGrade(v)) + ")";
}

std::string Joined(const std::vector<std::string>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

}  // namespace

Change RiskAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  if (e.type == "RiskRaised") {
    DataFields(c, d, {{"reference", s.description.reference}, {"title", s.description.title}, {"group_id", s.description.group_id}});
    const auto current = GetMember(d, "current");
    c.summary = "Risk raised: " + GetStr(d, "title") + ", current score " +
                ScoreWords(static_cast<int>(GetInt(current, "likelihood")), static_cast<int>(GetInt(current, "impact")));
    Named(c, "group", GetStr(d, "group_id"));
  } else if (e.type == "RiskScored") {
    const bool target = GetStr(d, "score") == "target";
    const RiskScore& before = target ? s.target : s.current;
    const int l = static_cast<int>(GetInt(d, "likelihood"));
    const int i = static_cast<int>(GetInt(d, "impact"));
    AddChange(c, target ? "target" : "current", ScoreWords(before.likelihood, before.impact), ScoreWords(l, i));
    c.summary = std::string(target ? "Target" : "Current") + " score " + ScoreWords(before.likelihood, before.impact) +
                " → " + ScoreWords(l, i);
  } else if (e.type == "RiskControlAdded") {
    c.summary = "Control added: " + GetStr(d, "description");
    if (!GetStr(d, "due_date").empty()) c.summary += ", due " + GetStr(d, "due_date");
    if (!GetStr(d, "owner_person_id").empty()) c.summary += ", owner " + Named(c, "person", GetStr(d, "owner_person_id"));
  } else if (e.type == "RiskControlClosed") {
    std::string what = GetStr(d, "control_id");
    for (const auto& k : s.controls) {
      if (k.id == what) what = k.description;
    }
    c.summary = "Control closed: " + what + " (evidence: " + GetStr(d, "evidence") + ")";
  } else if (e.type == "RiskReviewed") {
    AddChange(c, "review_date", s.review_date, GetStr(d, "next_review_date"));
    c.summary = "Reviewed on " + GetStr(d, "reviewed_on") + "; next review " + GetStr(d, "next_review_date");
    if (!GetStr(d, "note").empty()) c.summary += ": " + GetStr(d, "note");
  } else if (e.type == "RiskStatusChanged") {
    AddChange(c, "status", std::string(NameOf(kRiskStatusNames, s.status)), GetStr(d, "status"));
    c.summary = "Status " + std::string(NameOf(kRiskStatusNames, s.status)) + " → " + GetStr(d, "status");
  } else if (e.type == "RiskEdited") {
    const RiskDescription& a = s.description;
    std::vector<std::string> said;
    for (const auto& t : kRiskEditableTexts) {
      if (!d.contains(t.key)) continue;
      const std::string& before = a.*t.held;
      const std::string after = GetStr(d, t.key);
      AddChange(c, t.key, before, after);
      if (t.held == &RiskDescription::owner_person_id) {  // by name
        auto name = [&c](const std::string& id) { return id.empty() ? std::string("none") : Named(c, "person", id); };
        const std::string was = name(before);  // named in this order
        said.push_back("Owner " + was + " → " + name(after));
      } else {
        said.push_back(Words(t.key) + " " + (before.empty() ? "none" : "'" + Excerpt(before) + "'") + " → '" +
                       Excerpt(after) + "'");
      }
    }
    if (d.contains("deliverable_ids")) {
      AddChange(c, "deliverable_ids", a.deliverable_ids, GetMember(d, "deliverable_ids"));
      said.push_back(std::to_string(GetStrList(d, "deliverable_ids").size()) + " linked deliverables");
    }
    if (d.contains("qsin_codes")) {
      AddChange(c, "qsin_codes", a.qsin_codes, GetMember(d, "qsin_codes"));
      said.push_back("QSIN statements now " + Joined(GetStrList(d, "qsin_codes")));
    }
    c.summary = "Edited: ";
    for (std::size_t i = 0; i < said.size(); ++i) c.summary += (i ? "; " : "") + said[i];
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
