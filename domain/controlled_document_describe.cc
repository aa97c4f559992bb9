// ControlledDocumentAggregate::Describe (see domain/change.h).
#include "domain/aggregate.h"
#include "domain/controlled_document.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

static_assert(Aggregate<ControlledDocumentAggregate>);

using nlohmann::json;

namespace {

// "Version 2.1" by its label (the id when the version is unknown).
std::string VersionWords(const ControlledDocumentState& s, const std::string& id) {
  const DocumentVersion* v = s.FindVersion(id);
  return "Version " + (v && !v->version_label.empty() ? v->version_label : id);
}

std::string StatusOf(const ControlledDocumentState& s, const std::string& id) {
  const DocumentVersion* v = s.FindVersion(id);
  return v ? std::string(NameOf(kVersionStatusNames, v->status)) : std::string();
}

}  // namespace

Change ControlledDocumentAggregate::Describe(const State& s, const EventView& e) {
  const json& d = DataOf(e);
  Change c;
  const std::string id = GetStr(d, "version_id");
  const std::string field = "versions." + id;
  if (e.type == "ControlledDocumentRegistered") {
    DataFields(c, d, {{"title", s.title}, {"document_numbers", s.document_numbers},
                      {"qsin_codes", s.qsin_codes}, {"owner", s.owner},
                      {"target_audience", s.target_audience},
                      {"review_interval_months", s.review_interval_months}});
    c.summary = "Registered: " + Excerpt(GetStr(d, "title"));
  } else if (e.type == "ControlledDocumentDraftAdded") {
    AddChange(c, field, nullptr, ItemOf(e));
    c.summary = "Draft added: version " + GetStr(d, "version_label") + " (" + id + ")";
  } else if (e.type == "ControlledDocumentVersionApproved") {
    const std::string adopted = GetStr(d, "date_adopted"), review = GetStr(d, "review_date");
    const std::string group = GetStr(d, "approving_group_id");
    AddChange(c, field + ".status", StatusOf(s, id), "in-force");
    AddChange(c, field + ".approving_group_id", nullptr, group);
    AddChange(c, field + ".date_adopted", nullptr, adopted);
    AddChange(c, field + ".meeting_decision_id", nullptr, GetStr(d, "meeting_decision_id"));
    AddChange(c, field + ".review_date", nullptr, review);
    c.summary = VersionWords(s, id) + " approved" + (group.empty() ? "" : " by " + Named(c, "group", group)) +
                ", in force from " + HumanDate(adopted) + (review.empty() ? "" : ", review by " + HumanDate(review));
  } else if (e.type == "ControlledDocumentVersionSuperseded") {
    const std::string by = GetStr(d, "by_version_id");
    AddChange(c, field + ".status", StatusOf(s, id), "superseded");
    AddChange(c, field + ".superseded_by", nullptr, by);
    c.summary = VersionWords(s, id) + " superseded by " + VersionWords(s, by).substr(8);
  } else if (e.type == "ControlledDocumentVersionPublished") {
    AddChange(c, field + ".published", false, true);
    c.summary = VersionWords(s, id) + " published";
  } else if (e.type == "ControlledDocumentReviewDateSet") {
    const DocumentVersion* v = s.FindVersion(id);
    const std::string before = v ? v->review_date : GetStr(d, "previous_review_date");
    const std::string after = GetStr(d, "review_date");
    AddChange(c, field + ".review_date", before, after);
    c.summary = "Review date of version " + VersionWords(s, id).substr(8) + " " +
                (before.empty() ? "none" : HumanDate(before)) + " → " + HumanDate(after);
  } else if (e.type == "ControlledDocumentWithdrawn") {
    AddChange(c, "withdrawn", s.withdrawn, true);
    AddChange(c, "withdrawn_reason", s.withdrawn_reason, std::string(e.reason));
    if (!id.empty()) AddChange(c, field + ".status", StatusOf(s, id), "withdrawn");
    c.summary = "Withdrawn";
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
