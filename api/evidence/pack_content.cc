#include "api/evidence/pack_content.h"

#include <algorithm>
#include <charconv>
#include <thread>

#include "api/auth/token_codec.h"
#include "api/core/event_mapping.h"
#include "api/core/history.h"
#include "api/core/parallel.h"
#include "api/evidence/event_line.h"
#include "api/evidence/report_names.h"
#include "api/privacy/personal_data_vault.h"
#include "api/queries/slim_rows.h"
#include "domain/read/membership_at.h"
#include "domain/calendar.h"

namespace assure::api {

namespace {

using nlohmann::json;

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

json RagbJson(const std::optional<domain::Ragb>& r) {
  return r ? json(std::string(domain::NameOf(domain::kRagbNames, *r))) : json(nullptr);
}

// The version-history table of a document: every version as at the date.
json VersionRows(const domain::ControlledDocumentState& d) {
  json rows = json::array();
  for (const auto& v : d.versions) {
    rows.push_back({{"version_id", v.version_id},
                    {"version_label", v.version_label},
                    {"status", std::string(domain::NameOf(domain::kVersionStatusNames, v.status))},
                    {"summary", v.summary},
                    {"author", v.author},
                    {"content_sha256", v.content_sha256},
                    {"media_type", v.media_type},
                    {"size_bytes", v.size_bytes},
                    {"approving_group_id", v.approving_group_id},
                    {"date_adopted", v.date_adopted},
                    {"meeting_decision_id", v.meeting_decision_id},
                    {"review_date", v.review_date},
                    {"published", v.published},
                    {"superseded_by", v.superseded_by}});
  }
  return rows;
}

json InForceJson(const domain::ControlledDocumentState& d) {
  const auto* v = d.InForce();
  if (!v) return nullptr;
  return {{"version_id", v->version_id},
          {"version_label", v->version_label},
          {"content_sha256", v->content_sha256},
          {"media_type", v->media_type},
          {"size_bytes", v->size_bytes},
          {"approving_group_id", v->approving_group_id},
          {"date_adopted", v->date_adopted},
          {"meeting_decision_id", v->meeting_decision_id},
          {"review_date", v->review_date}};
}

void UseDocument(const domain::ControlledDocumentState& d, PackUses* uses) {
  if (!uses) return;
  uses->streams.insert(domain::StreamId(domain::ControlledDocumentAggregate::kKind, d.id));
  if (const auto* v = d.InForce(); v && !v->content_sha256.empty()) {
    uses->document_sha256.insert(v->content_sha256);
  }
}

json GroupJson(const NetworkModel& m, const std::string& gid, const std::string& date,
               PackUses* uses) {
  auto g = m.groups.Find(gid);
  if (!g) return {{"id", gid}, {"found", false}};
  if (uses) uses->streams.insert(domain::StreamId(domain::GroupAggregate::kKind, gid));
  json tor = nullptr;
  if (!g->terms_of_reference_document_id.empty()) {
    auto d = m.documents.Find(g->terms_of_reference_document_id);
    tor = {{"document_id", g->terms_of_reference_document_id},
           {"title", d ? json(d->title) : json(nullptr)},
           {"in_force", d ? InForceJson(*d) : json(nullptr)}};
    if (d) UseDocument(*d, uses);
  }
  json members = json::array();
  for (const auto& ms : g->memberships) {
    if (!domain::read::HeldOn(ms.start_date, ms.end_date, date)) continue;
    auto p = m.people.Find(ms.person_id);
    if (p && uses) uses->streams.insert(domain::StreamId(domain::PersonAggregate::kKind, ms.person_id));
    members.push_back({{"membership_id", ms.membership_id},
                       {"person_id", ms.person_id},
                       {"name", p ? json(p->name) : json(nullptr)},  // erased: "erased person"
                       {"role", std::string(domain::NameOf(domain::kMemberRoleNames, ms.role))},
                       {"organisation_id", ms.organisation_id},
                       {"start_date", ms.start_date},
                       {"end_date", ms.end_date ? json(*ms.end_date) : json(nullptr)}});
  }
  json full = domain::GroupAggregate::ToJson(*g);
  return {{"id", gid},
          {"found", true},
          {"name", g->name},
          {"kind", full["kind"]},
          {"lifecycle", full["lifecycle"]},
          {"parent_group_id", full["parent_group_id"]},
          {"quorum_rule", full["quorum_rule"]},
          {"terms_of_reference", std::move(tor)},
          {"members_on_date", std::move(members)}};
}

}  // namespace

void PackFold::Apply(NetworkModel& model, const storage::RecordedEvent& e) {
  constexpr std::string_view kPrefix = "deliverable-";
  const domain::EventView view = MakeView(e, holders_[e.type]);
  if (!e.stream_id.starts_with(kPrefix)) {
    model.Apply(view);
    if (e.type == auth::kTokenIssuedType) {
      if (auto t = auth::DecodeTokenIssued(e.data); t.ok()) {
        tokens_[t->token_id] = {privacy::OpenTokenLabel(t->token_id, t->name), t->person_id.value_or("")};
      }
    }
    return;
  }
  const std::string_view id = std::string_view(e.stream_id).substr(kPrefix.size());
  std::optional<domain::Ragb> before;
  if (auto d = model.deliverables.Find(id)) before = d->ragb;
  model.Apply(view);
  std::optional<domain::Ragb> after;
  if (auto d = model.deliverables.Find(id)) after = d->ragb;
  if (after == before) return;
  ragb_[std::string(id)].push_back(
      {e.position, e.recorded_at_us, e.type, before, after, e.metadata.reason, e.metadata.actor});
}

void PackFold::ApplyAll(NetworkModel& model, const std::vector<const storage::RecordedEvent*>& events) {
  // Streams split by a hash of their id: each half folds into its own model
  // (and RAGB record), joined afterwards without copies.
  auto second_half = [](const std::string& stream) { return (std::hash<std::string>{}(stream) & 1) != 0; };
  NetworkModel side_model;
  PackFold side;
  auto other = RunBeside([&] {
    for (const auto* e : events) {
      if (second_half(e->stream_id)) side.Apply(side_model, *e);
    }
  });
  for (const auto* e : events) {
    if (!second_half(e->stream_id)) Apply(model, *e);
  }
  other.get();
  model.Absorb(std::move(side_model));
  for (auto& [id, changes] : side.ragb_) ragb_[id] = std::move(changes);
  for (auto& [id, holder] : side.tokens_) tokens_[id] = std::move(holder);
}

json RagbHistory(const PackFold& fold, const std::string& id, std::size_t latest) {
  json rows = json::array();
  auto it = fold.ragb().find(id);
  if (it == fold.ragb().end()) return rows;
  const auto& all = it->second;
  for (std::size_t i = all.size() > latest ? all.size() - latest : 0; i < all.size(); ++i) {
    const auto& c = all[i];
    rows.push_back({{"position", c.position},
                    {"recorded_at", domain::FormatTimestampUs(c.recorded_at_us)},
                    {"type", c.type},
                    {"from", RagbJson(c.from)},
                    {"to", RagbJson(c.to)},
                    {"reason", c.reason},
                    {"actor", c.actor}});
  }
  return rows;
}

json RagbHistories(const PackFold& fold, const std::set<std::string>& ids) {
  json out = json::object();
  for (const auto& id : ids) out[id] = RagbHistory(fold, id);
  return out;
}

json MeetingEntity(const NetworkModel& m, const std::string& id) {
  auto mt = m.meetings.Find(id);
  if (!mt) return nullptr;
  json all = domain::MeetingAggregate::ToJson(*mt);
  json entity = json::object();
  entity["id"] = id;
  entity["group_id"] = mt->group_id;
  entity["title"] = mt->title;
  entity["scheduled_for"] = mt->scheduled_for;
  for (const char* k : {"status", "decisions", "actions", "attendance", "quorum"}) {
    entity[k] = std::move(all[k]);  // moved, not copied
  }
  return entity;
}

json EntitiesJson(const NetworkModel& m, const PackEntities& e) {
  json meetings = json::object();
  for (const auto& id : e.meetings) meetings[id] = MeetingEntity(m, id);
  return {{"deliverables", e.deliverables},
          {"documents", e.documents},
          {"groups", e.groups},
          {"meetings", std::move(meetings)},
          {"risks", e.risks}};
}

json ReportModel(const json& header, const json& statements, const NetworkModel& m, const PackEntities& e,
                 const PackFold& fold, const std::set<std::string>& deliverables, std::size_t max_meetings,
                 std::size_t max_ragb_rows) {
  json report = header;
  json meetings = json::object();
  json cut = json::array();
  for (const auto& st : statements) {
    json section = json::object();
    for (auto it = st.begin(); it != st.end(); ++it) {
      if (it.key() != "meetings") section[it.key()] = it.value();
    }
    // The latest meetings by date; equal dates keep the statement's order.
    const json& all = st["meetings"];
    std::vector<std::pair<std::string, std::size_t>> dated;
    dated.reserve(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      auto mt = m.meetings.Find(all[i]["id"].get_ref<const std::string&>());
      dated.emplace_back(mt ? mt->scheduled_for : std::string(), i);
    }
    std::stable_sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const std::size_t keep = std::min(max_meetings, dated.size());
    json kept = json::array();
    for (std::size_t k = 0; k < keep; ++k) {
      const json& ref = all[dated[k].second];
      kept.push_back(ref);
      const std::string& id = ref["id"].get_ref<const std::string&>();
      if (!meetings.contains(id)) meetings[id] = MeetingEntity(m, id);
    }
    section["meetings"] = std::move(kept);
    section["meetings_omitted"] = dated.size() - keep;
    cut.push_back(std::move(section));
  }
  report["statements"] = std::move(cut);
  report["entities"] = {{"deliverables", e.deliverables},
                        {"documents", e.documents},
                        {"groups", e.groups},
                        {"meetings", std::move(meetings)},
                        {"risks", e.risks}};
  json histories = json::object();
  json totals = json::object();
  for (const auto& id : deliverables) {
    std::size_t total = 0;
    if (auto it = fold.ragb().find(id); it != fold.ragb().end()) total = it->second.size();
    histories[id] = RagbHistory(fold, id, max_ragb_rows);  // the latest rows as pack.json has them
    totals[id] = total;
  }
  report["ragb_histories"] = std::move(histories);
  report["ragb_history_totals"] = std::move(totals);
  report["names"] = ReportNames(m, report, fold.tokens());
  return report;
}

json DeriveStatement(const NetworkModel& m, const std::string& code, const std::string& date,
                     PackUses* uses, PackEntities* entities) {
  PackEntities scratch;
  PackEntities& ents = entities ? *entities : scratch;
  json st = {{"code", code}};
  auto q = m.qsin.Find(code);
  if (q && uses) uses->streams.insert(domain::StreamId(domain::QsinStatementAggregate::kKind, code));
  st["catalogue"] = q ? json{{"section", q->section}, {"title", q->title}, {"text", q->text},
                             {"edition", q->edition}}
                      : json(nullptr);
  st["self_assessment"] = nullptr;
  if (q && !q->assessments.empty()) {
    const auto& a = q->assessments.back();
    st["self_assessment"] = {
        {"assessment_id", a.assessment_id},
        {"outcome", std::string(domain::NameOf(domain::kAssessmentOutcomeNames, a.outcome))},
        {"comment", a.comment},
        {"assessor_person_id", a.assessor_person_id},
        {"assessed_on", a.assessed_on}};
  }

  std::set<std::string> group_ids, deliverable_ids, document_ids;
  json deliverables = json::array();
  m.deliverables.ForEach([&](const std::string& id, const domain::DeliverableState& d) {
    if (!Has(d.mm_qsin.codes, code)) return;
    deliverable_ids.insert(id);
    const std::string stream = domain::StreamId(domain::DeliverableAggregate::kKind, id);
    std::string group;
    if (auto p = m.programmes.Find(d.programme_id)) {
      group = p->group_id;
      if (uses) uses->streams.insert(domain::StreamId(domain::WorkProgrammeAggregate::kKind, d.programme_id));
    }
    if (!group.empty()) group_ids.insert(group);
    if (uses) {
      uses->streams.insert(stream);
      uses->deliverables.insert(id);
    }
    deliverables.push_back(id);
    json& entity = ents.deliverables[id];
    if (entity.is_null()) {
      entity = {{"id", id},
                {"programme_id", d.programme_id},
                {"group_id", group.empty() ? json(nullptr) : json(group)},
                {"state", domain::DeliverableAggregate::ToJson(d)}};
      // A linked owner by name, as a member is (erased: "erased person"),
      // from the person's stream, which the pack then carries.
      if (!d.owner_person_id.empty()) {
        auto p = m.people.Find(d.owner_person_id);
        entity["owner_name"] = p ? json(p->name) : json(nullptr);
        if (p && uses) uses->streams.insert(domain::StreamId(domain::PersonAggregate::kKind, d.owner_person_id));
      }
    }
  });

  json documents = json::array();
  m.documents.ForEach([&](const std::string& id, const domain::ControlledDocumentState& d) {
    if (!Has(d.qsin_codes, code)) return;
    document_ids.insert(id);
    UseDocument(d, uses);
    json approvals = json::array();
    for (const auto& v : d.versions) {
      if (v.approving_group_id.empty()) continue;
      group_ids.insert(v.approving_group_id);
      approvals.push_back({{"version_id", v.version_id},
                           {"approving_group_id", v.approving_group_id},
                           {"date_adopted", v.date_adopted},
                           {"meeting_decision_id", v.meeting_decision_id},
                           {"review_date", v.review_date}});
    }
    documents.push_back(id);
    json& entity = ents.documents[id];
    if (entity.is_null()) {
      entity = {{"id", id},
                {"title", d.title},
                {"document_numbers", d.document_numbers},
                {"owner", d.owner},
                {"target_audience", d.target_audience},
                {"review_interval_months", d.review_interval_months},
                {"withdrawn", d.withdrawn},
                {"withdrawn_reason", d.withdrawn_reason},
                {"in_force", InForceJson(d)},
                {"versions", VersionRows(d)},
                {"approvals", std::move(approvals)}};
    }
  });

  // Risk management: the risks mapped to the statement, their reviews (in
  // their streams) and escalations, and the decisions that took them.
  json risks = json::array();
  std::set<std::string> risk_ids, escalation_ids, deciding;
  std::size_t risks_in_use = 0;
  std::map<std::string, std::vector<std::string>> escalations_of;  // risk id -> escalation ids, ascending
  m.escalations.ForEach([&](const std::string& id, const domain::EscalationState& e) {
    if (e.subject_kind == domain::EscalationSubjectKind::kRisk) escalations_of[e.subject_id].push_back(id);
  });
  m.risks.ForEach([&](const std::string& id, const domain::RiskState& r) {
    if (!Has(r.description.qsin_codes, code)) return;
    risk_ids.insert(id);
    risks.push_back(id);
    if (uses) uses->streams.insert(domain::StreamId(domain::RiskAggregate::kKind, id));
    if (!r.description.group_id.empty()) group_ids.insert(r.description.group_id);
    // The people it names, so the report can name them from the pack alone.
    auto use_person = [&](const std::string& person_id) {
      if (!person_id.empty() && uses && m.people.Find(person_id)) {
        uses->streams.insert(domain::StreamId(domain::PersonAggregate::kKind, person_id));
      }
    };
    use_person(r.description.owner_person_id);
    for (const auto& c : r.controls) use_person(c.owner_person_id);
    json escalations = json::array();
    for (const auto& eid : escalations_of[id]) {
      auto e = m.escalations.Find(eid);
      escalation_ids.insert(eid);
      if (uses) uses->streams.insert(domain::StreamId(domain::EscalationAggregate::kKind, eid));
      group_ids.insert(e->to_group_id);
      for (const auto* ref : {&e->accepted_decision, &e->returned_decision, &e->closed_decision}) {
        if (!ref->empty()) deciding.insert(*ref);
      }
      escalations.push_back(domain::EscalationAggregate::ToJson(*e));
    }
    if (!r.last_reviewed.empty() || !escalations.empty()) ++risks_in_use;
    json& entity = ents.risks[id];
    if (entity.is_null()) {
      entity = {{"id", id}, {"state", domain::RiskAggregate::ToJson(r)}, {"escalations", std::move(escalations)}};
    }
  });

  json meetings = json::array();
  std::size_t decisions = 0;
  m.meetings.ForEachRow([&](const std::string& id, const MeetingRow& row) {
    const domain::MeetingState& mt = row.state;
    json referencing = json::array();
    ForEachDecision(row, [&](std::string_view decision_id, const std::vector<domain::DecisionLink>& links) {
      bool refers = deciding.count(id + "/" + std::string(decision_id)) > 0;
      for (const auto& l : links) {
        switch (l.kind) {
          case domain::DecisionLinkKind::kDeliverable: refers = refers || deliverable_ids.count(l.id) > 0; break;
          case domain::DecisionLinkKind::kDocument:
          case domain::DecisionLinkKind::kDocumentVersion: refers = refers || document_ids.count(l.id) > 0; break;
          case domain::DecisionLinkKind::kRisk: refers = refers || risk_ids.count(l.id) > 0; break;
          case domain::DecisionLinkKind::kEscalation: refers = refers || escalation_ids.count(l.id) > 0; break;
          case domain::DecisionLinkKind::kIssue: break;  // issues are not mapped to statements
        }
      }
      if (refers) referencing.push_back(std::string(decision_id));
    });
    if (referencing.empty()) return;
    decisions += referencing.size();
    if (!mt.group_id.empty()) group_ids.insert(mt.group_id);
    if (uses) uses->streams.insert(domain::StreamId(domain::MeetingAggregate::kKind, id));
    meetings.push_back({{"id", id}, {"decisions", std::move(referencing)}});
    ents.meetings.insert(id);
  });

  json groups = json::array();
  for (const auto& gid : group_ids) {
    groups.push_back(gid);
    json& entity = ents.groups[gid];
    // Computed each time: it also notes what the group relies on in `uses`.
    json g = GroupJson(m, gid, date, uses);
    if (entity.is_null()) entity = std::move(g);
  }

  const std::size_t total = deliverables.size() + documents.size() + decisions + risks_in_use;
  st["evidence_counts"] = {{"deliverables", deliverables.size()},
                           {"documents", documents.size()},
                           {"decisions", decisions},
                           {"meetings", meetings.size()},
                           {"groups", groups.size()},
                           {"risks", risks.size()},
                           {"risks_reviewed_or_escalated", risks_in_use}};
  st["has_evidence"] = total > 0;
  st["deliverables"] = std::move(deliverables);
  st["documents"] = std::move(documents);
  st["meetings"] = std::move(meetings);
  st["groups"] = std::move(groups);
  st["risks"] = std::move(risks);
  return st;
}

json HydrateStatement(const json& pack, const json& st) {
  json out = st;
  static const json kNone = json::object();
  const json& ents = pack.contains("entities") ? pack["entities"] : kNone;  // never a copy
  auto entity = [&](const char* kind, const json& id) -> json {
    if (!ents.contains(kind) || !id.is_string() || !ents[kind].contains(id.get<std::string>())) {
      return {{"id", id}, {"missing", true}};
    }
    return ents[kind][id.get<std::string>()];
  };
  for (const char* kind : {"deliverables", "documents", "groups", "risks"}) {
    json full = json::array();
    if (st.contains(kind) && st[kind].is_array()) {
      for (const auto& id : st[kind]) full.push_back(entity(kind, id));
    }
    out[kind] = std::move(full);
  }
  json meetings = json::array();
  if (st.contains("meetings") && st["meetings"].is_array()) {
    for (const auto& ref : st["meetings"]) {
      if (!ref.is_object()) continue;
      json m = entity("meetings", ref.value("id", json()));
      const json wanted = ref.value("decisions", json::array());
      json decisions = json::array();
      if (m.contains("decisions") && m["decisions"].is_array()) {
        for (const auto& d : m["decisions"]) {
          if (std::find(wanted.begin(), wanted.end(), d.value("decision_id", json())) != wanted.end()) {
            decisions.push_back(d);
          }
        }
      }
      m["decisions"] = std::move(decisions);
      meetings.push_back(std::move(m));
    }
  }
  out["meetings"] = std::move(meetings);
  return out;
}

std::vector<std::string> CodesInScope(const NetworkModel& m, const std::string& section) {
  std::set<std::string> codes;
  m.qsin.ForEach([&](const std::string&, const domain::QsinStatementState& s) {
    if (section.empty() || s.section == section) codes.insert(s.code);
  });
  auto seen = [&](const std::string& c) {
    if (m.qsin.Find(c)) return;
    // "IN-601": the hundreds digit is the section.
    if (section.empty() || (c.size() >= 4 && c.compare(3, section.size(), section) == 0 &&
                            c.size() - 3 - section.size() == 2)) {
      codes.insert(c);
    }
  };
  m.deliverables.ForEach([&](const std::string&, const domain::DeliverableState& d) {
    for (const auto& c : d.mm_qsin.codes) seen(c);
  });
  m.documents.ForEach([&](const std::string&, const domain::ControlledDocumentState& d) {
    for (const auto& c : d.qsin_codes) seen(c);
  });
  return {codes.begin(), codes.end()};
}

}  // namespace assure::api
