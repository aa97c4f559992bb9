// IssueAggregate::Describe (see domain/change.h): each change in words.
#include "domain/aggregate.h"
#include "domain/event_support.h"
#include "domain/issue_log.h"
#include "domain/json_read.h"

namespace assure::domain {

static_assert(Aggregate<IssueAggregate>);

Change IssueAggregate::Describe(const State& s, const EventView& e) {
  const nlohmann::json& d = DataOf(e);
  Change c;
  if (e.type == "IssueRaised") {
    DataFields(c, d, {{"reference", s.reference}, {"title", s.title}, {"group_id", s.group_id},
                      {"priority", nullptr}, {"risk_id", s.risk_id}});
    c.summary = "Issue raised (" + GetStr(d, "priority") + " priority): " + Excerpt(GetStr(d, "title"));
    if (!GetStr(d, "owner_person_id").empty()) c.summary += ", owner " + Named(c, "person", GetStr(d, "owner_person_id"));
    Named(c, "group", GetStr(d, "group_id"));
  } else if (e.type == "IssuePrioritised") {
    const std::string before(NameOf(kIssuePriorityNames, s.priority));
    AddChange(c, "priority", before, GetStr(d, "priority"));
    c.summary = "Priority " + before + " → " + GetStr(d, "priority");
  } else if (e.type == "IssueAssigned") {
    AddChange(c, "owner_person_id", s.owner_person_id, GetStr(d, "owner_person_id"));
    c.summary = "Assigned to " + Named(c, "person", GetStr(d, "owner_person_id"));
    if (!s.owner_person_id.empty()) {
      const std::string was = Named(c, "person", s.owner_person_id);
      c.summary += " (was " + was + ")";
    }
  } else if (e.type == "IssueActionAdded") {
    AddChange(c, "actions." + GetStr(d, "action_id"), nullptr, ItemOf(e));
    c.summary = "Action added: " + Excerpt(GetStr(d, "description"));
    if (!GetStr(d, "due_date").empty()) c.summary += ", due " + HumanDate(GetStr(d, "due_date"));
    if (!GetStr(d, "owner_person_id").empty()) c.summary += ", owner " + Named(c, "person", GetStr(d, "owner_person_id"));
  } else if (e.type == "IssueActionClosed") {
    const std::string id = GetStr(d, "action_id");
    std::string what = id;
    for (const auto& a : s.actions) {
      if (a.id == id) what = a.description;
    }
    AddChange(c, "actions." + id + ".closed", false, true);
    c.summary = "Action closed: " + Excerpt(what) + " (evidence: " + Excerpt(GetStr(d, "evidence")) + ")";
  } else if (e.type == "IssueResolved") {
    AddChange(c, "status", std::string(NameOf(kIssueStatusNames, s.status)), "resolved");
    AddChange(c, "resolution", s.resolution, GetStr(d, "resolution"));
    c.summary = "Resolved: " + Excerpt(GetStr(d, "resolution"));
  } else if (e.type == "IssueReopened") {
    AddChange(c, "status", std::string(NameOf(kIssueStatusNames, s.status)), "open");
    c.summary = "Reopened";
    if (!e.reason.empty()) c.summary += ": " + Excerpt(e.reason);
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
