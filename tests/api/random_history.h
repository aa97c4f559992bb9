// A random history over all eleven kinds of aggregate, for tests that compare
// read models folded in different ways (snapshots, slim rows).
#pragma once

#include <random>
#include <string>

#include "domain/controlled_document.h"
#include "domain/deliverable.h"
#include "domain/escalation.h"
#include "domain/group.h"
#include "domain/issue_log.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/qsin_statement.h"
#include "domain/risk.h"
#include "domain/work_programme.h"
#include "storage/event_store.h"
#include "tests/api/execute_once.h"

namespace assure::api::random_history {

using namespace domain;
using nlohmann::json;

// Random commands over all eleven kinds, including the ones whose state
// ToJson does not show (deliverable evidence numbering).
// People's and deliverables' ids are lowercase uuids, as the server makes
// them (a slim meeting packs those in 16 bytes); the others short texts.
inline std::string PersonId(std::uint32_t n) { return "00000001-0000-4000-8000-00000000000" + std::to_string(n % 10); }
inline std::string DeliverableId(std::uint32_t n) {
  return "00000002-0000-4000-8000-00000000000" + std::to_string(n % 10);
}

class History {
 public:
  History(storage::EventStore& store, std::uint32_t seed) : store_(store), rng_(seed) {}

  void Step() {
    const std::string p = PersonId(Pick(8)), g = Id("g", 3), w = Id("w", 2), d = DeliverableId(Pick(8)), m = Id("m", 4),
                      doc = Id("doc", 3), q = "IN-60" + std::to_string(Pick(3));
    switch (Pick(20)) {
      case 0: Do<OrganisationAggregate>(Id("o", 3), Pick(3) ? "register" : "rename", {{"name", "Org " + std::to_string(Pick(9))}, {"kind", "trust"}}); break;
      case 1: Do<PersonAggregate>(p, "register", {{"name", "P " + p}, {"email", p + "@nhs.net"}}); break;
      case 2: Do<PersonAggregate>(p, Pick(4) ? "update-details" : "erase", {{"job_title", "J" + std::to_string(Pick(5))}, {"reason", "asked"}}); break;
      case 3: Do<GroupAggregate>(g, "create", {{"name", "G " + g}, {"kind", "sig"}, {"parent_group_id", Pick(2) ? "" : "g0"}}); break;
      case 4: Do<GroupAggregate>(g, "appoint-member", {{"person_id", p}, {"role", Pick(4) ? "member" : "chair"}, {"start_date", "2023-01-0" + std::to_string(1 + Pick(9))}}); break;
      case 5: Do<GroupAggregate>(g, "end-membership", {{"membership_id", "m" + std::to_string(1 + Pick(4))}, {"end_date", "2024-01-01"}, {"reason", "left"}}); break;
      case 6: Do<WorkProgrammeAggregate>(w, Pick(3) ? "create" : "add-deliverable", {{"group_id", g}, {"year", "2023-24"}, {"deliverable_id", d}}); break;
      case 7: Do<DeliverableAggregate>(d, "create", {{"programme_id", w}, {"title", "T " + d}, {"planned_end", Pick(2) ? "Mar-24" : "ongoing"}, {"mm_qsin_reference", "Governance " + q}}); break;
      case 8: Do<DeliverableAggregate>(d, "link-evidence", {{"kind", "document"}, {"target_id", Id("doc", 4)}}); break;
      case 9: Do<DeliverableAggregate>(d, "unlink-evidence", {{"evidence_id", "e" + std::to_string(1 + Pick(4))}, {"reason", "wrong"}}); break;
      case 10: Do<DeliverableAggregate>(d, Pick(2) ? "change-ragb" : "complete", {{"ragb", Pick(2) ? "red" : "amber"}, {"reason", "r"}, {"date_completed", "2024-04-01"}}); break;
      case 11: {
        const std::uint32_t which = Pick(4);  // a note, or the owner linked to a person or as text
        if (which == 0) Do<DeliverableAggregate>(d, "edit", {{"owner_person_id", p}});
        else if (which == 1) Do<DeliverableAggregate>(d, "edit", {{"owner", "Chair " + p}});
        else Do<DeliverableAggregate>(d, "add-progress-note", {{"note_date", "2024-01-02"}, {"text", "n"}});
        break;
      }
      case 12: {
        static const char* kinds[] = {"schedule", "open", "record-attendance", "record-decision", "raise-action", "close-action", "close"};
        Do<MeetingAggregate>(m, kinds[Pick(7)],
                             {{"group_id", g}, {"title", "Meeting"}, {"scheduled_for", "2024-02-01"}, {"person_id", p},
                              {"attendance", Pick(2) ? "present" : "apologies"}, {"text", "t"}, {"owner_person_id", p},
                              {"links", {{{"kind", (d.back() - '0') % 2 ? "deliverable" : "risk"}, {"id", d}},
                                         {{"kind", "document-version"}, {"id", doc}, {"version_id", "v1"}}}},
                              {"due_date", "2024-03-01"}, {"action_id", "a1"}, {"closure_evidence", "done"},
                              {"quorum_rule", {{"min_present", 1}, {"min_percent", 0}, {"chair_required", false}}},
                              {"members", {{{"person_id", p}, {"role", "member"}}}}});
        break;
      }
      case 13: Do<ControlledDocumentAggregate>(doc, Pick(3) ? "add-draft-version" : "register",
                                               {{"title", "Doc"}, {"document_numbers", "IN-601"}, {"review_interval_months", 12},
                                                {"version_label", "v"}, {"content_sha256", std::string(64, 'c')}, {"media_type", "text/plain"}, {"size_bytes", 10}});
              break;
      case 14: Do<ControlledDocumentAggregate>(doc, Pick(2) ? "approve-version" : "publish", {{"version_id", "v" + std::to_string(1 + Pick(3))}, {"approving_group_id", g}, {"date_adopted", "2024-01-01"}}); break;
      case 15: Do<RiskAggregate>(Id("r", 4), "raise", {{"title", "Risk"}, {"group_id", g}, {"owner_person_id", p}, {"qsin_codes", {q}},
                                                     {"inherent", {{"likelihood", 1 + Pick(5)}, {"impact", 1 + Pick(5)}}}}); break;
      case 16: {
        static const char* kinds[] = {"score", "add-control", "close-control", "review", "tolerate", "close", "reopen"};
        Do<RiskAggregate>(Id("r", 4), kinds[Pick(7)],
                          {{"score", Pick(2) ? "current" : "target"}, {"likelihood", 1 + Pick(5)}, {"impact", 1 + Pick(5)},
                           {"reason", "r"}, {"description", "control"}, {"control_id", "c" + std::to_string(1 + Pick(3))},
                           {"evidence", "done"}, {"reviewed_on", "2024-01-01"}, {"next_review_date", "2024-04-01"}});
        break;
      }
      case 17: {
        static const char* kinds[] = {"raise", "prioritise", "add-action", "close-action", "resolve", "reopen"};
        Do<IssueAggregate>(Id("i", 3), kinds[Pick(6)],
                           {{"title", "Issue"}, {"group_id", g}, {"priority", Pick(2) ? "high" : "low"}, {"reason", "r"},
                            {"description", "act"}, {"action_id", "a1"}, {"evidence", "done"}, {"resolution", "fixed"}});
        break;
      }
      case 18: {
        static const char* kinds[] = {"raise", "accept", "return", "close"};
        Do<EscalationAggregate>(Id("e", 3), kinds[Pick(4)],
                                {{"subject_kind", "risk"}, {"subject_id", Id("r", 4)}, {"subject_title", "Risk"},
                                 {"from_group_id", g}, {"to_group_id", "g0"}, {"reason", "r"},
                                 {"decision", Id("m", 4) + "/d1"}});
        break;
      }
      default: Do<QsinStatementAggregate>(q, Pick(2) ? "define" : "record-self-assessment",
                                          {{"code", q}, {"title", "S"}, {"edition", "2022"}, {"outcome", "partly-met"}, {"comment", "c"},
                                           {"assessor_person_id", p}, {"assessed_on", "2024-05-01"}});
    }
  }
  int accepted = 0;

 private:
  std::uint32_t Pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }
  std::string Id(const char* prefix, std::uint32_t n) { return prefix + std::to_string(Pick(n)); }
  template <class Agg>
  void Do(const std::string& id, const std::string& name, const json& body) {
    auto command = Agg::ParseCommand(name, body);
    if (!command.ok()) return;
    RequestContext rc;
    rc.actor = "history";
    rc.now_us = 1'700'000'000'000'000LL + accepted;
    auto r = Execute<Agg>(store_, id, *command, rc);
    if (r.ok() && r->events_written > 0) ++accepted;
  }
  storage::EventStore& store_;
  std::mt19937 rng_;
};

inline std::uint64_t Head(storage::EventStore& store) { return store.Head().position; }

}  // namespace assure::api::random_history
