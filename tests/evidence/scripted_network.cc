#include "tests/evidence/scripted_network.h"

#include <gtest/gtest.h>

#include "tests/api/execute_once.h"
#include "api/evidence/pack_format.h"
#include "domain/controlled_document.h"
#include "domain/deliverable.h"
#include "domain/escalation.h"
#include "domain/group.h"
#include "domain/meeting.h"
#include "domain/organisation.h"
#include "domain/person.h"
#include "domain/qsin_statement.h"
#include "domain/risk.h"
#include "domain/work_programme.h"
#include "storage/codec.h"

namespace assure::api::testing {

using namespace domain;

ScriptedNetwork::ScriptedNetwork(std::unique_ptr<Signer> signer) : signer_(std::move(signer)) {
  storage::StoreOptions o;
  o.clock = clock_;
  o.sync = false;
  store_ = storage::NewMemoryStore(o);
  log_ = std::make_unique<CheckpointLog>(*store_, *signer_);
}

template <class Agg>
void ScriptedNetwork::Run(const std::string& id, const std::string& command,
                          const nlohmann::json& body) {
  auto parsed = Agg::ParseCommand(command, body);
  ASSERT_TRUE(parsed.ok()) << command << ": " << (parsed.ok() ? "" : parsed.error().message);
  RequestContext rc;
  rc.actor = actor;
  rc.now_us = clock_->NowMicros();
  auto r = Execute<Agg>(*store_, id, *parsed, rc);
  ASSERT_TRUE(r.ok()) << command << ": " << (r.ok() ? "" : r.error().message);
}

void ScriptedNetwork::Script() {
  auto at = [&](std::int64_t us) { clock_->Set(us); };
  strategy_v1 = "WMIN Strategy 2023-2026, version 1.0\n";
  strategy_v2 = "WMIN Strategy 2024-2027, version 2.0\n";
  const std::string tor = "Operational Board terms of reference\n";
  auto sha = [&](const std::string& s) { return storage::HexEncode(*store_->PutBlob(s)); };

  at(k20230524 - 30 * kDay);
  Run<OrganisationAggregate>("uhb", "register", {{"name", "University Hospitals Birmingham"}, {"kind", "trust"}});
  Run<PersonAggregate>("alice", "register", {{"name", "Alice Chair"}, {"organisation_id", "uhb"}});
  Run<PersonAggregate>("bob", "register", {{"name", "Bob Member"}});
  Run<PersonAggregate>("carol", "register", {{"name", "Carol Late"}});
  Run<GroupAggregate>("ob", "create", {{"name", "Operational Board"}, {"kind", "operational-board"}});
  Run<GroupAggregate>("ob", "appoint-member", {{"person_id", "alice"}, {"role", "chair"}, {"organisation_id", "uhb"}, {"start_date", "2023-01-01"}});
  Run<GroupAggregate>("ob", "appoint-member", {{"person_id", "bob"}, {"role", "member"}, {"start_date", "2023-02-01"}});
  Run<GroupAggregate>("ob", "appoint-member", {{"person_id", "carol"}, {"role", "member"}, {"start_date", "2024-06-01"}});
  Run<ControlledDocumentAggregate>("tor-ob", "register", {{"title", "OB Terms of Reference"}, {"document_numbers", "IN-101"}});
  Run<ControlledDocumentAggregate>("tor-ob", "add-draft-version", {{"version_label", "1.0"}, {"content_sha256", sha(tor)}, {"media_type", "text/plain"}, {"size_bytes", tor.size()}});
  Run<ControlledDocumentAggregate>("tor-ob", "approve-version", {{"version_id", "v1"}, {"approving_group_id", "ob"}, {"date_adopted", "2023-04-24"}});
  Run<GroupAggregate>("ob", "set-terms-of-reference", {{"document_id", "tor-ob"}});
  Run<WorkProgrammeAggregate>("wf", "create", {{"group_id", "ob"}, {"year", "2023-24"}, {"title", "Governance Work Programme 2023-24"}});
  Run<DeliverableAggregate>("d1", "create", {{"programme_id", "wf"}, {"reference", "Gov-01"}, {"title", "Network governance framework"}, {"owner", "Alice Chair"}, {"planned_end", "Mar-24"}, {"mm_qsin_reference", "Operational Governance IN-601"}, {"ragb", "blue"}});
  Run<DeliverableAggregate>("d2", "create", {{"programme_id", "wf"}, {"reference", "QI-01"}, {"title", "<script>alert(1)</script> & audit"}, {"owner_person_id", "bob"}, {"planned_end", "Dec-23"}, {"mm_qsin_reference", "Quality IN-701"}, {"ragb", "amber"}});
  Run<DeliverableAggregate>("d3", "create", {{"programme_id", "wf"}, {"reference", "WF-01"}, {"title", "Unmapped work"}, {"mm_qsin_reference", "Workforce IN-203"}});
  Run<ControlledDocumentAggregate>("strategy", "register", {{"title", "WMIN Strategy"}, {"document_numbers", "IN-201, IN-601"}, {"review_interval_months", 12}});
  Run<ControlledDocumentAggregate>("strategy", "add-draft-version", {{"version_label", "1.0"}, {"content_sha256", sha(strategy_v1)}, {"media_type", "text/plain"}, {"size_bytes", strategy_v1.size()}});
  Run<ControlledDocumentAggregate>("strategy", "approve-version", {{"version_id", "v1"}, {"approving_group_id", "ob"}, {"date_adopted", "2023-05-24"}});
  Run<QsinStatementAggregate>("IN-601", "define", {{"code", "IN-601"}, {"title", "Operational governance"}, {"text", "The network has governance arrangements."}, {"edition", "2022"}});
  Run<QsinStatementAggregate>("IN-701", "define", {{"code", "IN-701"}, {"title", "Quality improvement"}, {"edition", "2022"}});
  Run<QsinStatementAggregate>("IN-801", "define", {{"code", "IN-801"}, {"title", "Research"}, {"edition", "2022"}});
  early_checkpoint = *log_->Publish(clock_->NowMicros(), "on demand");

  at(k20230524 + 180 * kDay);  // 2023-11-20
  Run<MeetingAggregate>("m1", "schedule", {{"group_id", "ob"}, {"title", "Operational Board November"}, {"scheduled_for", "2023-11-20"}});
  Run<MeetingAggregate>("m1", "open", nlohmann::json::object());
  Run<MeetingAggregate>("m1", "record-attendance", {{"person_id", "alice"}, {"attendance", "present"}});
  Run<MeetingAggregate>("m1", "record-attendance", {{"person_id", "bob"}, {"attendance", "apologies"}});
  Run<MeetingAggregate>("m1", "record-decision", {{"text", "Governance framework approved"}, {"links", {{{"kind", "deliverable"}, {"id", "d1"}}}}});
  Run<MeetingAggregate>("m1", "record-decision", {{"text", "Unrelated decision"}});
  Run<MeetingAggregate>("m1", "raise-action", {{"text", "Circulate the framework"}, {"owner_person_id", "alice"}, {"due_date", "2023-12-15"}});
  Run<MeetingAggregate>("m1", "close", {{"quorum_rule", {{"min_present", 1}, {"min_percent", 0}, {"chair_required", true}}}, {"members", {{{"person_id", "alice"}, {"role", "chair"}}, {{"person_id", "bob"}, {"role", "member"}}}}});

  at(k20230524 + 230 * kDay);  // 2024-01-09
  Run<QsinStatementAggregate>("IN-601", "record-self-assessment", {{"outcome", "partly-met"}, {"comment", "ToR not reviewed"}, {"assessor_person_id", "alice"}, {"assessed_on", "2024-01-09"}});
  at(k20230524 + 270 * kDay);  // 2024-02-18
  Run<DeliverableAggregate>("d1", "change-ragb", {{"ragb", "red"}, {"reason", "Trainee posts unfunded"}});

  // Risk management (issue 22): the Operational Board's own risk, controlled
  // and reviewed; a SIG's risk escalated to the board and accepted at its
  // February meeting; a research risk only raised (not evidence: IN-801
  // stays a gap).
  at(k20230524 + 272 * kDay);  // 2024-02-20
  Run<GroupAggregate>("sig", "create", {{"name", "Imaging SIG"}, {"kind", "sig"}, {"parent_group_id", "ob"}});
  Run<RiskAggregate>("r1", "raise", {{"reference", "R1"}, {"title", "Trainee posts unfunded"}, {"cause", "no funding agreed"},
                                     {"event", "trainees leave"}, {"effect", "reporting capacity falls"}, {"group_id", "ob"},
                                     {"owner_person_id", "bob"}, {"inherent", {{"likelihood", 4}, {"impact", 4}}},
                                     {"qsin_codes", {"IN-601"}}, {"deliverable_ids", {"d1"}}});
  Run<RiskAggregate>("r1", "add-control", {{"description", "Bid to the ICB"}, {"owner_person_id", "alice"}, {"due_date", "2024-04-30"}});
  Run<RiskAggregate>("r1", "review", {{"reviewed_on", "2024-02-20"}, {"next_review_date", "2024-05-20"}});
  Run<RiskAggregate>("r2", "raise", {{"reference", "S3"}, {"title", "Scanner downtime"}, {"group_id", "sig"},
                                     {"inherent", {{"likelihood", 3}, {"impact", 4}}}, {"qsin_codes", {"IN-601"}}});
  Run<EscalationAggregate>("e1", "raise", {{"subject_kind", "risk"}, {"subject_id", "r2"}, {"subject_title", "S3 Scanner downtime"},
                                           {"from_group_id", "sig"}, {"to_group_id", "ob"}, {"reason", "needs capital"}});
  Run<MeetingAggregate>("m2", "schedule", {{"group_id", "ob"}, {"title", "Operational Board February"}, {"scheduled_for", "2024-02-20"}});
  Run<MeetingAggregate>("m2", "open", nlohmann::json::object());
  Run<MeetingAggregate>("m2", "record-decision", {{"text", "Scanner downtime accepted onto the board's register"},
                                                 {"links", {{{"kind", "escalation"}, {"id", "e1"}}}}});
  Run<EscalationAggregate>("e1", "accept", {{"decision", "m2/d1"}});
  Run<RiskAggregate>("r3", "raise", {{"title", "Research data loss"}, {"group_id", "ob"},
                                     {"inherent", {{"likelihood", 2}, {"impact", 3}}}, {"qsin_codes", {"IN-801"}}});

  // After the as-at date.
  at(k20240301 + 9 * kDay);
  Run<ControlledDocumentAggregate>("strategy", "add-draft-version", {{"version_label", "2.0"}, {"content_sha256", sha(strategy_v2)}, {"media_type", "text/plain"}, {"size_bytes", strategy_v2.size()}});
  Run<ControlledDocumentAggregate>("strategy", "approve-version", {{"version_id", "v2"}, {"approving_group_id", "ob"}, {"date_adopted", "2024-03-10"}});
  Run<DeliverableAggregate>("d1", "change-ragb", {{"ragb", "amber"}, {"reason", "Funding agreed"}});
  Run<QsinStatementAggregate>("IN-601", "record-self-assessment", {{"outcome", "met"}, {"assessor_person_id", "alice"}, {"assessed_on", "2024-03-12"}});
  Run<RiskAggregate>("r1", "score", {{"score", "current"}, {"likelihood", 2}, {"impact", 4}, {"reason", "Funding agreed"}});
}

Pack ScriptedNetwork::BuildPack(std::vector<std::string> codes) {
  PackRequest req;
  req.codes = std::move(codes);
  req.as_of_us = k20240301;
  req.actor = "token-assessor";
  req.now_us = clock_->NowMicros();
  auto pack = BuildEvidencePack(*store_, *log_, req);
  EXPECT_TRUE(pack.ok()) << (pack.ok() ? "" : pack.error().message);
  return pack.ok() ? std::move(*pack) : Pack{};
}

std::string Repack(ZipEntries entries, bool recompute_manifest) {
  if (recompute_manifest) entries[kManifestFile] = BuildManifest(entries);
  return *WriteZip(entries);
}

std::string EventsJsonl(const Pack& pack) {
  auto files = ReadZip(pack.zip);
  return files.ok() && files->count(kEventsFile) ? files->at(kEventsFile) : std::string();
}

}  // namespace assure::api::testing
