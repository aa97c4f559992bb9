// DeliverableAggregate::Describe: one history entry per event, from the event
// and the state before it (never the whole state: see domain/change.h).
#include <algorithm>

#include "domain/aggregate.h"
#include "domain/deliverable.h"
#include "domain/deliverable_fields.h"
#include "domain/event_support.h"
#include "domain/json_read.h"

namespace assure::domain {

static_assert(Aggregate<DeliverableAggregate>);

using nlohmann::json;

namespace {

std::string RagbWords(const std::optional<Ragb>& r) { return r ? Words(NameOf(kRagbNames, *r)) : "none"; }
json RagbJson(const std::optional<Ragb>& r) { return r ? json(NameOf(kRagbNames, *r)) : json(nullptr); }
std::string StatusWords(DeliverableStatus s) { return Words(NameOf(kDeliverableStatusNames, s)); }

// The fields a Created or Edited event carries, each as {field, from, to}
// with dates as their text and the MM/QSIN reference as its raw text (what
// a person typed; the importer's field origins compare those).
void FieldChanges(const DeliverableState& s, const json& d, Change& out) {
  using deliverable_fields::kText;
  for (const auto& t : kText) {
    if (auto v = GetOptStr(d, t.key)) AddChange(out, t.key, s.*(t.member), *v);
  }
  using deliverable_fields::kDates;
  for (const auto& t : kDates) {
    const json& v = GetMember(d, t.key);
    if (v.is_object()) AddChange(out, t.key, (s.*(t.member)).original, GetStr(v, "text"));
  }
  const json& mm = GetMember(d, "mm_qsin");
  if (mm.is_object()) AddChange(out, "mm_qsin", s.mm_qsin.raw, GetStr(mm, "raw"));
}

// A piece of evidence in words, its meeting or document named by a read:
// "decision 3 of <the Operational Board meeting of 24 May 2023>",
// "<version 2.1 of WMIN Strategy (IN-201)>", "document <WMIN Strategy>".
std::string EvidenceWords(Change& c, std::string_view kind, const std::string& target, const std::string& item) {
  if (kind == "meeting-decision") {
    const std::string n = item.size() > 1 && item[0] == 'd' ? item.substr(1) : item;
    return "decision " + n + " of " + Named(c, "meeting", target);
  }
  if (kind == "document-version") return Named(c, "document-version", target + "#" + item);
  return "document " + Named(c, "document", target);
}

}  // namespace

Change DeliverableAggregate::Describe(const State& s, const EventView& e) {
  const json& d = DataOf(e);
  Change c;
  if (e.type == "DeliverableCreated") {
    AddChange(c, "programme_id", s.programme_id, GetStr(d, "programme_id"));
    FieldChanges(s, d, c);
    const auto ragb = GetOptEnum(d, "ragb", kRagbNames);
    const auto status = GetEnum(d, "status", kDeliverableStatusNames, DeliverableStatus::kPlanned);
    AddChange(c, "ragb", RagbJson(s.ragb), RagbJson(ragb));
    AddChange(c, "status", NameOf(kDeliverableStatusNames, s.status), NameOf(kDeliverableStatusNames, status));
    c.summary = "Created: " + Excerpt(GetStr(d, "title")) + " (" + StatusWords(status) +
                (ragb ? ", " + RagbWords(ragb) : "") + ")";
  } else if (e.type == "DeliverableEdited") {
    FieldChanges(s, d, c);
    c.summary = ChangedFields(c);
  } else if (e.type == "DeliverableRagbChanged") {
    const auto ragb = GetOptEnum(d, "ragb", kRagbNames);
    AddChange(c, "ragb", RagbJson(s.ragb), RagbJson(ragb));
    c.summary = "Rating " + RagbWords(s.ragb) + " → " + RagbWords(ragb);
  } else if (e.type == "DeliverableStatusChanged" || e.type == "DeliverableReopened") {
    const auto status = GetEnum(d, "status", kDeliverableStatusNames, s.status);
    AddChange(c, "status", NameOf(kDeliverableStatusNames, s.status), NameOf(kDeliverableStatusNames, status));
    c.summary = std::string(e.type == "DeliverableReopened" ? "Reopened: status " : "Status ") +
                StatusWords(s.status) + " → " + StatusWords(status);
  } else if (e.type == "DeliverableCompleted") {
    const std::string date = GetStr(GetMember(d, "date_completed"), "text");
    const auto ragb = GetOptEnum(d, "ragb", kRagbNames);
    AddChange(c, "status", NameOf(kDeliverableStatusNames, s.status), "completed");
    AddChange(c, "date_completed", s.date_completed.original, date);
    AddChange(c, "ragb", RagbJson(s.ragb), RagbJson(ragb));
    c.summary = "Completed " + HumanDate(date) + ", rating " + RagbWords(ragb);
  } else if (e.type == "DeliverableProgressNoteAdded") {
    const std::string id = GetStr(d, "note_id"), date = GetStr(d, "note_date"), text = GetStr(d, "text");
    AddChange(c, "progress_notes." + id, nullptr,
              json{{"note_id", id}, {"note_date", date}, {"text", text}});
    c.summary = "Note added (" + HumanDate(date) + "): " + Excerpt(text);
  } else if (e.type == "DeliverableEvidenceLinked") {
    const std::string id = GetStr(d, "evidence_id"), kind = GetStr(d, "kind");
    const std::string target = GetStr(d, "target_id"), item = GetStr(d, "item_id");
    AddChange(c, "evidence." + id, nullptr,
              json{{"evidence_id", id}, {"kind", kind}, {"target_id", target}, {"item_id", item}});
    c.summary = "Evidence linked: " + EvidenceWords(c, kind, target, item);
  } else if (e.type == "DeliverableEvidenceUnlinked") {
    const std::string id = GetStr(d, "evidence_id");
    auto it = std::find_if(s.evidence.begin(), s.evidence.end(),
                           [&](const EvidenceLink& l) { return l.evidence_id == id; });
    json from = nullptr;
    if (it != s.evidence.end()) {
      from = {{"evidence_id", id},
              {"kind", NameOf(kEvidenceKindNames, it->kind)},
              {"target_id", it->target_id},
              {"item_id", it->item_id}};
    }
    AddChange(c, "evidence." + id, std::move(from), nullptr);
    c.summary = "Evidence unlinked: " +
                (it == s.evidence.end() ? id
                                        : EvidenceWords(c, NameOf(kEvidenceKindNames, it->kind), it->target_id, it->item_id));
  } else {
    return UnknownEvent(e);
  }
  return c;
}

}  // namespace assure::domain
